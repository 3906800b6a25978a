"""Supporters' addresses: matching one person across submissions, the domain blocklist,
finding or creating one under concurrency, and unsubscribing."""

from disposable_email_domains import allowlist as DISPOSABLE_ALLOWED
from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import BlockedDomain, Supporter

UNSUBSCRIBE_SALT = "campaigns.unsubscribe"

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


def _parent_domains(domain):
    """mail.eu.example.org -> mail.eu.example.org, eu.example.org, example.org."""
    labels = domain.strip(".").lower().split(".")
    return [".".join(labels[i:]) for i in range(len(labels) - 1)]


def blocked_domain(email):
    """The blocked domain the address falls under (itself or a parent), or None. The
    maintained list of throwaway providers counts unless its own allowlist excepts the
    domain; staff's BlockedDomain rows count always."""
    candidates = _parent_domains(email.rpartition("@")[2])
    for domain in candidates:
        if domain in DISPOSABLE_DOMAINS and domain not in DISPOSABLE_ALLOWED:
            return domain
    return (
        BlockedDomain.objects.filter(domain__in=candidates)
        .order_by("-domain")
        .values_list("domain", flat=True)
        .first()
    )


def supporter_check_address(*, email):
    """Refuse an address at a blocked domain, with a message beside the field."""
    domain = blocked_domain(email)
    if domain:
        raise ValidationError(
            _("Addresses at %(domain)s cannot sign; please use another address."),
            params={"domain": domain},
            code="blocked_domain",
        )


def supporter_get_or_create(*, email, name, country="", language="en"):
    """The supporter behind an address, created on first contact."""
    return supporter_find_or_create(email=email, name=name, country=country, language=language)[0]


def supporter_find_or_create(*, email, name, country="", language="en"):
    """The supporter behind an address, created on first contact, and whether it was new.
    An existing supporter's details are not changed by a later submission: whoever typed
    it has not proved the address is theirs.

    One SELECT, and for a new address one INSERT ... ON CONFLICT, without a savepoint.
    Concurrent first contacts of one address make one supporter: an insert that loses the
    race changes nothing in the row and returns its id, and the supporter is reported new,
    with the details this submission typed."""
    key = email_key(email)
    supporter = Supporter.objects.filter(email_key=key).first()
    if supporter is not None:
        return supporter, False
    supporter = Supporter(email_key=key, email=email, name=name, country=country, language=language)
    supporter.full_clean(validate_unique=False)
    Supporter.objects.bulk_create(
        [supporter], update_conflicts=True, unique_fields=["email_key"], update_fields=["email_key"]
    )
    return supporter, True


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(supporter):
    token = signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": supporter.pk})
    return absolute(reverse("supporters:unsubscribe", kwargs={"token": token}))


def supporter_from_unsubscribe_token(token):
    """Raises signing.BadSignature or Supporter.DoesNotExist for a bad or stale link."""
    data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    return Supporter.objects.get(pk=data["u"])
