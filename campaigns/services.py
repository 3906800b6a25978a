"""Supporters' workflows: signing and confirming petitions, the email outbox, reminders,
unsubscribing and purging. Everything a supporter submits is written to the database first;
emails leave through the outbox."""

import hashlib
import hmac
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import BlockedDomain, Consent, OutgoingEmail, Signature, Supporter

logger = logging.getLogger(__name__)

CONFIRM_SALT = "campaigns.confirm"
UNSUBSCRIBE_SALT = "campaigns.unsubscribe"
CONSENT_WORDING = "2026-11-privacy-v1"

# Providers that ignore dots in the local part, and those that deliver "name+tag@" to "name@".
DOTS_IGNORED = {"gmail.com", "googlemail.com"}
PLUS_TAGS = {
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "fastmail.com",
    "icloud.com",
    "me.com",
}


def email_key(email):
    """The address as a provider routes it, for matching one person across submissions."""
    local, _, domain = email.strip().lower().rpartition("@")
    domain = {"googlemail.com": "gmail.com"}.get(domain, domain)
    if domain in PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in DOTS_IGNORED:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def ip_hash(ip):
    """A keyed hash: enough to spot abuse from one address, useless to identify anyone."""
    if not ip:
        return ""
    return hmac.new(settings.IP_HASH_SALT.encode(), ip.encode(), hashlib.sha256).hexdigest()


class RateLimited(Exception):
    pass


def _over_limit(key, limits):
    """Counters in the cache, each window opening with the first request it sees. If the
    cache is down, signing goes on: losing a signature is worse than letting a burst in."""
    try:
        for count, seconds in limits:
            window_key = f"rl:{key}:{seconds}"
            seen = 1 if cache.add(window_key, 1, timeout=seconds) else cache.incr(window_key)
            if seen > count:
                return True
    except Exception:  # any cache failure: fail open
        logger.warning("Rate limit cache unavailable; allowing %s", key)
    return False


# The outbox -------------------------------------------------------------------------------


def outbox_enqueue(*, key, to, template, context, language="en", reply_to="", unsubscribe_url=""):
    """Write an email to the outbox (in the caller's transaction) and try to hand it to a
    worker after commit. Returns the row; a key seen before returns the existing row."""
    from .tasks import send_outgoing_email

    email, created = OutgoingEmail.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "template": template,
            "context": context,
            "language": language,
            "reply_to": reply_to,
            "unsubscribe_url": unsubscribe_url,
        },
    )
    if created:

        def hand_over():
            try:
                send_outgoing_email.delay(email.pk)
            except Exception:
                logger.warning("Broker unavailable; email %s waits for the sweep.", email.pk)

        transaction.on_commit(hand_over)
    return email


def outbox_send(*, email_id):
    """Send one queued email. A conditional update claims it, so the worker and the sweep
    never both send it. Failures are retried with exponential backoff, then marked failed
    for staff to see and retry."""
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now
    ).update(
        status=OutgoingEmail.Status.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + settings.OUTBOX_CLAIM_TIMEOUT,
    )
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _build_message(email).send()
    except Exception as error:
        failed = email.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.FAILED if failed else OutgoingEmail.Status.QUEUED,
            next_attempt_at=now + timezone.timedelta(minutes=2**email.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        logger.warning("Email %s not sent (attempt %s): %s", email.pk, email.attempts, error)
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_due(now=None):
    """Queued emails whose time has come, and sends that a dead worker left half done."""
    now = now or timezone.now()
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, next_attempt_at__lte=now
    ).update(status=OutgoingEmail.Status.QUEUED)
    return OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now
    ).values_list("pk", flat=True)


def _build_message(email):
    context = {**email.context, "unsubscribe_url": email.unsubscribe_url}
    with translation.override(email.language):
        subject = render_to_string(f"campaigns/email/{email.template}_subject.txt", context).strip()
        text = render_to_string(f"campaigns/email/{email.template}.txt", context)
        html = render_to_string(f"campaigns/email/{email.template}.html", context)
    headers = {}
    if email.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject,
        text,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


# Links ------------------------------------------------------------------------------------


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def confirm_token(signature):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"s": signature.pk})


def unsubscribe_url(supporter):
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": supporter.pk})
    return absolute(reverse("campaigns:unsubscribe", kwargs={"token": token}))


def supporter_from_unsubscribe_token(token):
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    return Supporter.objects.get(pk=data["u"])


def _enqueue_confirmation(signature, number):
    supporter = signature.supporter
    petition = signature.petition
    return outbox_enqueue(
        key=f"signature-{signature.pk}-confirm-{number}",
        to=supporter.email,
        template="confirm_signature",
        language=supporter.language,
        unsubscribe_url=unsubscribe_url(supporter),
        context={
            "name": supporter.first_name,
            "petition": petition.title,
            "confirm_url": absolute(
                reverse("campaigns:confirm", kwargs={"token": confirm_token(signature)})
            ),
        },
    )


# Signing ----------------------------------------------------------------------------------


@dataclass
class SigningResult:
    signature: Signature | None
    outcome: str  # "created", "resent", "already_confirmed", "resend_later"


def signature_create(
    *,
    petition,
    name,
    email,
    country,
    comment="",
    mailing=False,
    show_name=False,
    ip="",
    source="",
    language="en",
    page="",
):
    """Sign a petition. A second submission with the same address re-sends the confirmation
    (within limits) instead of failing or duplicating; concurrent submissions of one address
    make one signature and one email."""
    if not petition.is_open:
        raise ValidationError("This petition is closed.", code="closed")
    domain = email.rpartition("@")[2].lower()
    if BlockedDomain.objects.filter(domain=domain).exists():
        raise ValidationError(
            "Addresses at %(domain)s cannot sign; please use another address.",
            params={"domain": domain},
            code="blocked_domain",
        )
    hashed_ip = ip_hash(ip)
    if hashed_ip and _over_limit(f"ip:{hashed_ip}:{petition.pk}", settings.SIGNING_IP_LIMITS):
        raise RateLimited()

    key = email_key(email)
    with transaction.atomic():
        supporter = _supporter_get_or_create(
            key=key, email=email, name=name, country=country, language=language
        )
        try:
            with transaction.atomic():
                signature = Signature.objects.create(
                    petition=petition,
                    supporter=supporter,
                    comment=comment,
                    show_name=show_name,
                    source=source[:300],
                    ip_hash=hashed_ip,
                    confirmation_emails=1,
                    last_confirmation_at=timezone.now(),
                )
        except IntegrityError:
            signature = None
        Consent.objects.create(
            supporter=supporter,
            wording_version=CONSENT_WORDING,
            mailing=mailing,
            campaign=petition.campaign,
            page=page[:500],
        )
        if signature is not None:
            _enqueue_confirmation(signature, 1)
            return SigningResult(signature, "created")

    signature = Signature.objects.select_related("supporter", "petition").get(
        petition=petition, supporter=supporter
    )
    if signature.status == Signature.Status.CONFIRMED:
        return SigningResult(signature, "already_confirmed")
    # Claim the right to send the next confirmation; among concurrent duplicates at most one
    # wins, and never more than the limit in all.
    number = signature.confirmation_emails + 1
    cooldown = timezone.now() - settings.SIGNING_RESEND_COOLDOWN
    with transaction.atomic():
        won = Signature.objects.filter(
            pk=signature.pk,
            confirmation_emails=signature.confirmation_emails,
            confirmation_emails__lt=settings.SIGNING_MAX_EMAILS,
            last_confirmation_at__lte=cooldown,
        ).update(confirmation_emails=number, last_confirmation_at=timezone.now())
        if won:
            _enqueue_confirmation(signature, number)
            return SigningResult(signature, "resent")
    return SigningResult(signature, "resend_later")


def _supporter_get_or_create(*, key, email, name, country, language):
    try:
        with transaction.atomic():
            return Supporter.objects.create(
                email_key=key, email=email, name=name, country=country, language=language
            )
    except IntegrityError:
        return Supporter.objects.get(email_key=key)


def signature_confirm_from_token(token):
    """Confirm the signature a link is for. Raises signing.SignatureExpired for an old link
    and signing.BadSignature (or Signature.DoesNotExist) for a tampered or purged one."""
    data = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
        token, max_age=settings.SIGNING_CONFIRM_MAX_AGE
    )
    signature = Signature.objects.select_related("petition__campaign", "supporter").get(
        pk=data["s"]
    )
    with transaction.atomic():
        signature.confirm()
        if signature.supporter and signature.supporter.confirmed_at is None:
            Supporter.objects.filter(pk=signature.supporter_id).update(confirmed_at=timezone.now())
    return signature


def supporter_unsubscribe(*, supporter):
    Supporter.objects.filter(pk=supporter.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )


# Periodic work ----------------------------------------------------------------------------


def signatures_remind_unconfirmed(*, now=None, batch_size=500):
    """One reminder to confirm, 24 hours after signing. Runs in batches; each reminder has
    its own outbox key, so running twice sends nothing twice."""
    now = now or timezone.now()
    sent = 0
    while True:
        batch = list(
            Signature.objects.due_for_reminder(now)
            .filter(supporter__unsubscribed_at__isnull=True)
            .select_related("supporter", "petition")[:batch_size]
        )
        if not batch:
            return sent
        with transaction.atomic():
            for signature in batch:
                _enqueue_confirmation(signature, "reminder")
            Signature.objects.filter(pk__in=[s.pk for s in batch]).update(reminded_at=now)
        sent += len(batch)


def signatures_purge_unconfirmed(*, now=None, days=30):
    """Unconfirmed signatures are personal data with no purpose after a month."""
    now = now or timezone.now()
    stale = Signature.objects.stale_unconfirmed(now, days)
    supporters = list(stale.values_list("supporter_id", flat=True))
    deleted, _ = stale.delete()
    Supporter.objects.filter(
        pk__in=supporters, signatures__isnull=True, confirmed_at__isnull=True
    ).delete()
    return deleted


# Demo data --------------------------------------------------------------------------------


def campaign_demo():
    """A live campaign for the two journalists of the report, so that a new user sees the
    supporters' side working."""
    from declarations.models import Declaration
    from prisoners.models import Prisoner

    from .models import Campaign, LetterAction, Official, Petition

    campaign, created = Campaign.objects.get_or_create(
        slug="free-the-journalists",
        defaults={
            "title": "Free the journalists Duman Mukhametkarim and Daniyar Adilbekov",
            "summary": (
                "Two Kazakh journalists are in prison for their work: Duman Mukhametkarim "
                "for an interview, Daniyar Adilbekov for his Telegram channel."
            ),
            "story": (
                "Duman Mukhametkarim was sentenced to seven years after interviewing an "
                "opposition politician. Daniyar Adilbekov was sentenced to four and a half "
                "years over posts about corruption on his Telegram channel. Both were "
                "convicted in 2024. Journalism is not a crime."
            ),
            "status": Campaign.Status.LIVE,
            "starts_on": timezone.localdate(),
            "declaration": Declaration.objects.filter(declaration_number=804).first(),
        },
    )
    if created:
        journalists = Prisoner.objects.filter(slug__in=["duman-mukhametkarim", "daniyar-adilbekov"])
        campaign.featured_prisoners.set(journalists)
        president = Official.objects.create(
            name="Kassym-Jomart Tokayev",
            position="President of the Republic of Kazakhstan",
            postal_address="Akorda Presidential Palace\nAstana\nKazakhstan",
        )
        prosecutor = Official.objects.create(
            name="The Prosecutor General",
            position="Prosecutor General of Kazakhstan",
            postal_address="General Prosecutor's Office\nAstana\nKazakhstan",
        )
        letters = LetterAction.objects.create(
            campaign=campaign,
            slug="write-for-the-journalists",
            title="Ask for the journalists' release",
            subject="Release the journalists Duman Mukhametkarim and Daniyar Adilbekov",
            suggested_letter=(
                "Dear Sir,\n\nI am writing about the journalists Duman Mukhametkarim and "
                "Daniyar Adilbekov, sentenced in 2024 to seven and four and a half years in "
                "prison for their reporting. Kazakhstan has committed to protect freedom of "
                "expression. I ask you to release them and to end the prosecution of "
                "journalists for their work.\n\nYours faithfully,"
            ),
        )
        letters.recipients.set([president, prosecutor])
    Petition.objects.get_or_create(
        slug="free-duman-mukhametkarim-and-daniyar-adilbekov",
        defaults={
            "campaign": campaign,
            "title": "Release Duman Mukhametkarim and Daniyar Adilbekov",
            "target": "The President and the Prosecutor General of the Republic of Kazakhstan",
            "text": (
                "We call on the authorities of Kazakhstan to release the journalists Duman "
                "Mukhametkarim and Daniyar Adilbekov at once, to quash their convictions, and "
                "to stop prosecuting journalists for their reporting."
            ),
            "goal": 5000,
        },
    )
    return campaign


# Letters to officials ---------------------------------------------------------------------


def letter_send(*, action, name, email, country, body, ip="", language="en"):
    """Email the supporter's letter, signed with their name and with their address as
    reply-to, to every recipient that has an email address. Recipients without one get the
    letter on paper: the page offers it for printing. Returns the Letter."""
    from .models import Letter

    hashed_ip = ip_hash(ip)
    if hashed_ip and _over_limit(f"letter:{hashed_ip}:{action.pk}", settings.LETTER_IP_LIMITS):
        raise RateLimited()
    with transaction.atomic():
        supporter = _supporter_get_or_create(
            key=email_key(email), email=email, name=name, country=country, language=language
        )
        letter = Letter.objects.create(action=action, supporter=supporter, body=body)
        for official in action.recipients.exclude(email=""):
            outbox_enqueue(
                key=f"letter-{letter.pk}-to-{official.pk}",
                to=official.email,
                reply_to=email,
                template="letter",
                language=settings.LANGUAGE_CODE,
                context={
                    "subject": action.subject,
                    "body": body,
                    "name": name,
                    "official": official.name,
                },
            )
    return letter


# Solidarity messages ----------------------------------------------------------------------


def solidarity_message_create(*, prisoner, name, country, text, email="", ip="", language="en"):
    from .models import SolidarityMessage

    if not prisoner.letters_accepted:
        raise ValidationError(
            "Letters to this prisoner are not accepted at the moment.", code="letters_not_accepted"
        )
    hashed_ip = ip_hash(ip)
    if hashed_ip and _over_limit(f"message:{hashed_ip}:{prisoner.pk}", settings.SIGNING_IP_LIMITS):
        raise RateLimited()
    supporter = None
    if email:
        supporter = _supporter_get_or_create(
            key=email_key(email), email=email, name=name, country=country, language=language
        )
    return SolidarityMessage.objects.create(
        prisoner=prisoner,
        supporter=supporter,
        author_name=name,
        author_country=country,
        text=text,
    )


def messages_for_printing(*, prisoner):
    """Approved messages not yet printed, marked as printed: each goes in one batch."""
    from .models import SolidarityMessage

    with transaction.atomic():
        batch = list(
            SolidarityMessage.objects.approved()
            .filter(prisoner=prisoner, printed_at__isnull=True)
            .select_for_update()
            .order_by("created_at")
        )
        SolidarityMessage.objects.filter(pk__in=[m.pk for m in batch]).update(
            printed_at=timezone.now()
        )
    return batch


# Supporters' rights (GDPR) ----------------------------------------------------------------

PRIVACY_SALT = "campaigns.privacy"


def privacy_request(*, email, ip=""):
    """Email a link to see or erase one's data. Says nothing about whether we hold any:
    the page answers the same either way."""
    hashed_ip = ip_hash(ip)
    if hashed_ip and _over_limit(f"privacy:{hashed_ip}", settings.SIGNING_IP_LIMITS):
        raise RateLimited()
    supporter = Supporter.objects.filter(email_key=email_key(email)).first()
    if supporter is None:
        return None
    token = signing.TimestampSigner(salt=PRIVACY_SALT).sign_object({"u": supporter.pk})
    with transaction.atomic():
        return outbox_enqueue(
            key=f"privacy-{supporter.pk}-{timezone.now():%Y%m%d%H%M}",
            to=supporter.email,
            template="privacy",
            language=supporter.language,
            unsubscribe_url=unsubscribe_url(supporter),
            context={
                "name": supporter.first_name,
                "url": absolute(reverse("campaigns:privacy_manage", kwargs={"token": token})),
            },
        )


def supporter_from_privacy_token(token):
    data = signing.TimestampSigner(salt=PRIVACY_SALT).unsign_object(
        token, max_age=settings.PRIVACY_LINK_MAX_AGE
    )
    return Supporter.objects.get(pk=data["u"])


def supporter_data(*, supporter):
    """Everything we hold about a supporter, in a form they can read."""
    return {
        "email": supporter.email,
        "name": supporter.name,
        "country": str(supporter.country),
        "language": supporter.language,
        "first_action": supporter.created_at.isoformat(),
        "email_confirmed": supporter.confirmed_at.isoformat() if supporter.confirmed_at else None,
        "unsubscribed": supporter.unsubscribed_at.isoformat()
        if supporter.unsubscribed_at
        else None,
        "consents": [
            {
                "wording": c.wording_version,
                "updates": c.mailing,
                "page": c.page,
                "at": c.agreed_at.isoformat(),
            }
            for c in supporter.consents.all()
        ],
        "signatures": [
            {
                "petition": s.petition.title,
                "status": s.status,
                "comment": s.comment,
                "signed": s.created_at.isoformat(),
                "confirmed": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in supporter.signatures.select_related("petition")
        ],
        "letters": [
            {
                "action": letter.action.title,
                "letter": letter.body,
                "sent": letter.created_at.isoformat(),
            }
            for letter in supporter.letters.select_related("action")
        ],
        "messages": [
            {
                "to": m.prisoner.full_name,
                "message": m.text,
                "status": m.status,
                "written": m.created_at.isoformat(),
            }
            for m in supporter.messages.select_related("prisoner")
        ],
    }


@transaction.atomic
def supporter_erase(*, supporter):
    """Erase a supporter. Their signatures stay, anonymous, so that counts do not change;
    letters and messages lose their author; queued emails to them are dropped."""
    from .models import Letter, SolidarityMessage

    supporter.signatures.update(supporter=None, comment="", show_name=False, ip_hash="", source="")
    Letter.objects.filter(supporter=supporter).update(supporter=None)
    SolidarityMessage.objects.filter(supporter=supporter).update(supporter=None, author_name="—")
    OutgoingEmail.objects.filter(
        Q(to__iexact=supporter.email) | Q(reply_to__iexact=supporter.email)
    ).delete()
    supporter.delete()


# Reminders of dated actions, and the staff digest -----------------------------------------


def followers(prisoner):
    """Supporters who asked for updates from a live campaign featuring the prisoner."""
    from .models import Campaign

    return (
        Supporter.objects.filter(
            unsubscribed_at__isnull=True,
            consents__mailing=True,
            consents__campaign__featured_prisoners=prisoner,
            consents__campaign__status=Campaign.Status.LIVE,
        )
        .distinct()
        .order_by("pk")
    )


def _next_birthday(born, today):
    for year in (today.year, today.year + 1):
        try:
            day = born.replace(year=year)
        except ValueError:  # born on 29 February
            day = born.replace(year=year, day=28)
        if day >= today:
            return day
    return None


def _notify_followers(prisoner, key, template, context, batch_size):
    """One email per follower, written to the outbox in batches. Keys make a second run a
    no-op; the sweep sends them, so a reminder run does not flood the broker."""
    sent = 0
    batch = []
    for supporter in followers(prisoner).iterator(chunk_size=batch_size):
        batch.append(supporter)
        if len(batch) == batch_size:
            sent += _enqueue_batch(batch, prisoner, key, template, context)
            batch = []
    if batch:
        sent += _enqueue_batch(batch, prisoner, key, template, context)
    return sent


def _enqueue_batch(supporters, prisoner, key, template, context):
    created = 0
    with transaction.atomic():
        for supporter in supporters:
            _, was_created = OutgoingEmail.objects.get_or_create(
                key=f"{key}-{supporter.pk}",
                defaults={
                    "to": supporter.email,
                    "template": template,
                    "language": supporter.language,
                    "unsubscribe_url": unsubscribe_url(supporter),
                    "context": {
                        **context,
                        "name": supporter.first_name,
                        "prisoner": prisoner.full_name,
                        "prisoner_url": absolute(prisoner.get_absolute_url()),
                    },
                },
            )
            created += was_created
    return created


def action_reminders_send(*, today=None, batch_size=500):
    """Birthdays (send a card) and court hearings of the prisoners supporters follow. Each
    reminder is sent once, however often this runs."""
    from prisoners.models import Prisoner, TimelineEvent

    today = today or timezone.localdate()
    sent = 0
    hearings = TimelineEvent.objects.filter(
        kind=TimelineEvent.Kind.HEARING,
        date__gte=today,
        date__lte=today + timezone.timedelta(days=settings.HEARING_NOTICE_DAYS),
        prisoner__publication=Prisoner.Publication.PUBLISHED,
    ).select_related("prisoner")
    for hearing in hearings:
        sent += _notify_followers(
            hearing.prisoner,
            f"hearing-{hearing.pk}",
            "hearing",
            {"date": hearing.date.isoformat(), "description": hearing.description},
            batch_size,
        )
    held = Prisoner.objects.published().in_detention().filter(date_of_birth__isnull=False)
    for prisoner in held:
        birthday = _next_birthday(prisoner.date_of_birth, today)
        if birthday and (birthday - today).days <= settings.BIRTHDAY_NOTICE_DAYS:
            sent += _notify_followers(
                prisoner,
                f"birthday-{prisoner.pk}-{birthday.year}",
                "birthday",
                {"date": birthday.isoformat(), "letters": prisoner.letters_accepted},
                batch_size,
            )
    return sent


def staff_daily_digest(*, now=None):
    """New signatures per petition, milestones, messages to moderate, and the hearings and
    birthdays of the next two weeks. One per day (the key), to the campaign staff."""
    from django.db.models import Count, OuterRef, Subquery

    from prisoners.models import Prisoner, TimelineEvent

    from .models import Petition, SolidarityMessage

    now = now or timezone.now()
    today = timezone.localdate(now)
    if not settings.CAMPAIGN_STAFF_EMAILS:
        return 0
    new_signatures = (
        Signature.objects.filter(
            petition=OuterRef("pk"), created_at__gte=now - timezone.timedelta(days=1)
        )
        .values("petition")
        .annotate(n=Count("pk"))
        .values("n")
    )
    petitions = list(
        Petition.objects.with_count()
        .annotate(new=Subquery(new_signatures))
        .select_related("campaign")
        .order_by("campaign__title", "title")
    )
    milestones = []
    for petition in petitions:
        reached = (
            100
            if petition.count >= petition.goal
            else 50
            if (petition.count * 2 >= petition.goal)
            else 0
        )
        if reached > petition.milestone_reported:
            milestones.append((petition.title, reached))
            Petition.objects.filter(pk=petition.pk).update(milestone_reported=reached)
    soon = today + timezone.timedelta(days=14)
    context = {
        "date": today.isoformat(),
        "petitions": [
            {"title": p.title, "new": p.new or 0, "total": p.count, "goal": p.goal}
            for p in petitions
        ],
        "milestones": [{"title": t, "percent": pc} for t, pc in milestones],
        "to_moderate": SolidarityMessage.objects.filter(
            status=SolidarityMessage.Status.PENDING
        ).count(),
        "hearings": [
            {
                "prisoner": e.prisoner.full_name,
                "date": e.date.isoformat(),
                "description": e.description,
            }
            for e in TimelineEvent.objects.filter(
                kind=TimelineEvent.Kind.HEARING, date__gte=today, date__lte=soon
            ).select_related("prisoner")
        ],
        "birthdays": [
            {"prisoner": p.full_name, "date": _next_birthday(p.date_of_birth, today).isoformat()}
            for p in Prisoner.objects.published().in_detention().filter(date_of_birth__isnull=False)
            if _next_birthday(p.date_of_birth, today) <= soon
        ],
    }
    with transaction.atomic():
        for address in settings.CAMPAIGN_STAFF_EMAILS:
            outbox_enqueue(
                key=f"digest-{today.isoformat()}-{address}",
                to=address,
                template="digest",
                context=context,
            )
    return len(settings.CAMPAIGN_STAFF_EMAILS)


def campaign_dashboard(*, campaign, days=30, today=None):
    """Figures for staff: signatures per day, by country, confirmation rate, letters."""
    from django.db.models import Count, Q
    from django.db.models.functions import TruncDate

    from .models import Letter

    today = today or timezone.localdate()
    start = today - timezone.timedelta(days=days - 1)
    signatures = Signature.objects.filter(petition__campaign=campaign)
    per_day = dict(
        signatures.filter(created_at__date__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    series = [
        (start + timezone.timedelta(days=i), per_day.get(start + timezone.timedelta(days=i), 0))
        for i in range(days)
    ]
    totals = signatures.aggregate(
        confirmed=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
        pending=Count("pk", filter=Q(status=Signature.Status.PENDING)),
    )
    decided = totals["confirmed"] + totals["pending"]
    by_country = list(
        signatures.filter(status=Signature.Status.CONFIRMED, supporter__isnull=False)
        .values("supporter__country")
        .annotate(n=Count("pk"))
        .order_by("-n")[:15]
    )
    peak = max((n for _, n in series), default=0) or 1
    return {
        "series": [{"day": day, "n": n, "height": round(n * 100 / peak)} for day, n in series],
        "confirmed": totals["confirmed"],
        "pending": totals["pending"],
        "confirmation_rate": round(totals["confirmed"] * 100 / decided) if decided else None,
        "by_country": by_country,
        "letters": Letter.objects.filter(action__campaign=campaign).count(),
    }
