from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from core import pagecache, shareimages
from core.client import client_ip
from core.exceptions import InvalidLink
from core.media import serve_if_public
from core.ratelimit import RATE_LIMITED_MESSAGE
from core.security import embeddable, private, same_origin_post
from prisoners.models import Prisoner
from supporters.models import Supporter

from . import services
from .forms import LetterForm, PrivacyRequestForm, SignPetitionForm, SolidarityMessageForm
from .models import Campaign, LetterAction, Petition, Signature
from .services.privacy import supporter_signatures
from .services.signing import signature_from_withdraw_token
from .services.withdrawal import signature_withdraw, supporter_signature_withdraw

RECENT_SIGNERS = 10


class CampaignListView(ListView):
    template_name = "campaigns/campaign_list.html"
    context_object_name = "campaigns"

    def get_queryset(self):
        return Campaign.objects.public().prefetch_related("petitions")


class CampaignDetailView(DetailView):
    template_name = "campaigns/campaign_detail.html"
    context_object_name = "campaign"

    def get_queryset(self):
        return Campaign.objects.public().prefetch_related(
            Prefetch("petitions", queryset=Petition.objects.with_count()),
            "letter_actions",
            Prefetch("featured_prisoners", queryset=Prisoner.objects.published()),
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        tags = [petition.count_tag for petition in self.object.petitions.all()]
        return pagecache.tag_response(response, *tags)


def _petition_context(petition, form):
    recent = (
        petition.signatures.countable()
        .filter(show_name=True, supporter__isnull=False)
        .select_related("supporter")
        .order_by("-confirmed_at")[:RECENT_SIGNERS]
    )
    return {
        "petition": petition,
        "campaign": petition.campaign,
        "form": form,
        "recent": recent,
        # A copy of the page may be kept by a browser or proxy for PUBLIC_PAGE_MAX_AGE
        # seconds, and is rendered again at most every PAGE_TAG_INTERVAL while it changes.
        "count_lag_seconds": settings.PUBLIC_PAGE_MAX_AGE + settings.PAGE_TAG_INTERVAL,
    }


def _rate_limited(request, template, context, form):
    """The one answer to a submission over its limit: the form, as typed, and a message."""
    form.add_error(None, RATE_LIMITED_MESSAGE)
    return private(render(request, template, {**context, "form": form}, status=429))


@same_origin_post
def petition(request, slug):
    petitions = Petition.objects.public().select_related("campaign")
    if request.method != "POST":  # the count is shown, not needed to sign
        petitions = petitions.with_count()
    petition = get_object_or_404(petitions, slug=slug)
    if request.method != "POST" or not petition.is_open:
        context = _petition_context(petition, SignPetitionForm())
        response = render(request, "campaigns/petition.html", context)
        return pagecache.tag_response(response, petition.count_tag)
    form = SignPetitionForm(request.POST)
    if form.is_valid() and not form.is_bot():
        data = form.cleaned_data
        try:
            services.signature_create(
                petition=petition,
                name=data["name"],
                email=data["email"],
                country=data["country"],
                comment=data["comment"],
                mailing=data["mailing"],
                show_name=data["show_name"],
                ip=client_ip(request),
                source=request.GET.get("utm_source") or request.META.get("HTTP_REFERER", ""),
                language=get_language() or "en",
                page=request.build_absolute_uri(),
            )
        except ValidationError as error:
            form.add_error("email" if error.code == "blocked_domain" else None, error)
    if form.errors:
        context = _petition_context(petition, form)
        return private(render(request, "campaigns/petition.html", context, status=400))
    # The same answer whatever happened: new, pending, confirmed, held, or a bot.
    return redirect("campaigns:thanks", slug=petition.slug)


@embeddable
def petition_embed(request, slug):
    """The count, the goal and a link to sign, for partners to show in a frame. Signing
    itself happens on the petition's own page, in a tab of its own, where the address bar
    shows whom a supporter is giving their name and email to."""
    petition = get_object_or_404(
        Petition.objects.public().with_count().select_related("campaign"), slug=slug
    )
    response = render(request, "campaigns/embed.html", {"petition": petition})
    return pagecache.tag_response(response, petition.count_tag)


def thanks(request, slug):
    petition = get_object_or_404(Petition.objects.public().select_related("campaign"), slug=slug)
    return private(
        render(
            request,
            "campaigns/thanks.html",
            {
                "petition": petition,
                "campaign": petition.campaign,
                "share_url": request.build_absolute_uri(petition.get_absolute_url()),
            },
        )
    )


@same_origin_post
def confirm(request, token):
    """The emailed link opens a page with one button; only the POST confirms, so that mail
    gateways that open every link in an email confirm nothing."""
    try:
        signature = services.signature_from_confirm_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink(
            "expired", _("Sign the petition again and we will send you a new one.")
        ) from error
    except (signing.BadSignature, Signature.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if signature.petition.campaign.status not in Campaign.PUBLIC_STATUSES:
        raise Http404  # the campaign went back to draft: nothing about it is public
    if request.method == "POST":
        services.signature_confirm(signature=signature)
    confirmed = signature.status == Signature.Status.CONFIRMED or request.method == "POST"
    petition = (
        Petition.objects.with_count().select_related("campaign").get(pk=signature.petition_id)
    )
    return private(
        render(
            request,
            "campaigns/confirmed.html" if confirmed else "campaigns/confirm.html",
            {
                "petition": petition,
                "campaign": petition.campaign,
                "share_url": request.build_absolute_uri(petition.get_absolute_url()),
            },
        )
    )


@same_origin_post
def withdraw(request, token):
    """The withdrawal link from the confirmation email opens a page with one button; only
    the POST withdraws, since mail gateways open every link. A link that was changed, has
    expired, or whose signature is already withdrawn gets the same page."""
    try:
        signature = signature_from_withdraw_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink(
            "expired", _("Ask for a new link on the page about your data.")
        ) from error
    except (signing.BadSignature, Signature.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    context = {"petition": signature.petition}
    if request.method != "POST":
        return private(render(request, "campaigns/withdraw.html", context))
    withdrawal = signature_withdraw(signature=signature)
    if withdrawal is None:
        raise InvalidLink("invalid")
    context["supporter_erased"] = withdrawal.supporter_erased
    return private(render(request, "campaigns/withdrawn.html", context))


@same_origin_post
def letter(request, slug):
    action = get_object_or_404(
        LetterAction.objects.select_related("campaign")
        .prefetch_related("recipients")
        .filter(campaign__status=Campaign.Status.LIVE),
        slug=slug,
    )
    context = {"action": action, "campaign": action.campaign}
    if request.method != "POST":
        form = LetterForm(initial={"body": action.suggested_letter})
        form.mark_suggestion_language(action)
        return render(request, "campaigns/letter.html", {**context, "form": form})
    form = LetterForm(request.POST)
    if not form.is_valid():
        return private(
            render(request, "campaigns/letter.html", {**context, "form": form}, status=400)
        )
    data = form.cleaned_data
    if not form.is_bot():
        try:
            services.letter_send(
                action=action,
                name=data["name"],
                email=data["email"],
                country=data["country"],
                body=data["body"],
                ip=client_ip(request),
                language=get_language() or "en",
            )
        except services.RateLimited:
            return _rate_limited(request, "campaigns/letter.html", context, form)
    return private(
        render(
            request,
            "campaigns/letter_sent.html",
            {
                **context,
                "body": data["body"],
                "name": data["name"],
                "by_post": [o for o in action.recipients.all() if not o.email],
                "by_email": [o for o in action.recipients.all() if o.email],
            },
        )
    )


@same_origin_post
def message(request, slug):
    prisoner = get_object_or_404(Prisoner.objects.published(), slug=slug)
    context = {"prisoner": prisoner}
    if not prisoner.letters_accepted:
        return render(request, "campaigns/message.html", {**context, "closed": True}, status=404)
    if request.method != "POST":
        form = SolidarityMessageForm()
        return render(request, "campaigns/message.html", {**context, "form": form})
    form = SolidarityMessageForm(request.POST)
    if not form.is_valid():
        return private(
            render(request, "campaigns/message.html", {**context, "form": form}, status=400)
        )
    if not form.is_bot():
        try:
            services.solidarity_message_create(
                prisoner=prisoner,
                name=form.cleaned_data["name"],
                country=form.cleaned_data["country"],
                text=form.cleaned_data["text"],
                ip=client_ip(request),
            )
        except services.RateLimited:
            return _rate_limited(request, "campaigns/message.html", context, form)
    return private(render(request, "campaigns/message.html", {**context, "sent": True}))


@same_origin_post
def privacy(request):
    """Ask for a link to one's data. The answer, and the time it takes, are the same
    whether or not the address is known: the lookup happens in the outbox, later."""
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.privacy_request(email=form.cleaned_data["email"], ip=client_ip(request))
        except services.RateLimited:
            return _rate_limited(request, "campaigns/privacy.html", {}, form)
        return private(render(request, "campaigns/privacy.html", {"requested": True}))
    response = render(
        request, "campaigns/privacy.html", {"form": form}, status=400 if form.errors else 200
    )
    return private(response) if request.method == "POST" else response


@same_origin_post
def privacy_manage(request, token):
    try:
        supporter = services.supporter_from_privacy_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink(
            "expired", _("Ask for a new link on the page about your data.")
        ) from error
    except (signing.BadSignature, Supporter.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if request.method == "POST" and request.POST.get("erase") == "yes":
        services.supporter_erase(supporter=supporter)
        return private(render(request, "campaigns/privacy_manage.html", {"erased": True}))
    withdrawal = None
    if request.method == "POST" and "withdraw" in request.POST:
        withdrawal = supporter_signature_withdraw(
            supporter=supporter, signature_pk=request.POST["withdraw"]
        )
        if withdrawal and withdrawal.supporter_erased:
            context = {"petition": withdrawal.record.petition, "supporter_erased": True}
            return private(render(request, "campaigns/withdrawn.html", context))
    if request.GET.get("download"):
        response = JsonResponse(
            services.supporter_data(supporter=supporter),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return private(response)
    return private(
        render(
            request,
            "campaigns/privacy_manage.html",
            {
                "supporter": supporter,
                "data": services.supporter_data(supporter=supporter),
                "signatures": supporter_signatures(supporter=supporter),
                "withdrawn": withdrawal.record.petition if withdrawal else None,
                "not_withdrawn": request.method == "POST" and withdrawal is None,
            },
        )
    )


def image(request, name):
    """A campaign's image, while the campaign is public."""
    return serve_if_public(
        request,
        staff_permission="campaigns.view_campaign",
        folder="campaigns",
        name=name,
        is_public=lambda path: Campaign.objects.public().filter(image=path).exists(),
    )


# Share images (core.shareimages). Those that show a petition's count are tagged with it,
# so that core.pagecache draws them again as it changes, at most every PAGE_TAG_INTERVAL.


def _signatures_of_goal(petition):
    """ "12,345 of 50,000 signatures", the noun agreeing with the goal."""
    return ngettext(
        "%(count)s of %(goal)s signature", "%(count)s of %(goal)s signatures", petition.goal
    ) % {
        "count": number_format(petition.count, force_grouping=True),
        "goal": number_format(petition.goal, force_grouping=True),
    }


def campaign_share_image(request, slug):
    """A campaign's image: its title, its petitions' counts and how many prisoners it is for."""
    campaign = get_object_or_404(
        Campaign.objects.public().prefetch_related(
            Prefetch("petitions", queryset=Petition.objects.with_count()),
            Prefetch("featured_prisoners", queryset=Prisoner.objects.published()),
        ),
        slug=slug,
    )
    petitions = campaign.petitions.all()
    details = [_signatures_of_goal(petition) for petition in petitions]
    featured = len(campaign.featured_prisoners.all())
    if featured:
        details.append(
            ngettext(
                "%(counter)s political prisoner in this campaign",
                "%(counter)s political prisoners in this campaign",
                featured,
            )
            % {"counter": number_format(featured, force_grouping=True)}
        )
    response = shareimages.render(title=campaign.title, details=details).response()
    return pagecache.tag_response(response, *[petition.count_tag for petition in petitions])


def petition_share_image(request, slug):
    """A petition's image: its title, its live count and its goal."""
    petition = get_object_or_404(Petition.objects.public().with_count(), slug=slug)
    image = shareimages.render(title=petition.title, details=[_signatures_of_goal(petition)])
    return pagecache.tag_response(image.response(), petition.count_tag)
