from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class BlockedDomain(models.Model):
    """An email domain, with its subdomains, whose addresses cannot take actions. Staff's
    additions to the maintained list of throwaway providers that ships with the app."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)
    note = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("blocked email domain")
        verbose_name_plural = _("blocked email domains")

    def __str__(self):
        return self.domain

    def clean(self):
        self.domain = self.domain.strip().lower().strip(".")


class SupporterQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def mailable(self):
        """Who may receive mail other than a confirmation: a confirmed address that has not
        unsubscribed."""
        return self.confirmed().filter(unsubscribed_at__isnull=True)


class Supporter(models.Model):
    """A person who took an action. Personal data: shown to staff with permission only."""

    email = models.EmailField(_("email, as typed"), max_length=254)
    email_key = models.CharField(
        _("email for matching"),
        max_length=254,
        unique=True,
        help_text=_("Lower case; dots and +tags removed where the provider ignores them."),
    )
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("first action"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("email confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    objects = SupporterQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("supporter")
        verbose_name_plural = _("supporters")
        permissions = [("view_personal_data", _("Can see supporters' personal data"))]

    def __str__(self):
        return self.email

    @property
    def first_name(self):
        return (self.name.split() or [""])[0]

    @property
    def domain(self):
        return self.email.rpartition("@")[2].lower()

    def confirm_address(self):
        """The supporter proved the address is theirs by following a link sent to it."""
        Supporter.objects.filter(pk=self.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )

    def unsubscribe(self):
        Supporter.objects.filter(pk=self.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        self.refresh_from_db(fields=["unsubscribed_at"])
