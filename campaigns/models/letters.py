"""Writing to officials and to prisoners: officials, letter actions and letters, and
solidarity messages."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from prisoners.models import Prisoner

from .campaigns import Campaign


class Official(models.Model):
    """A decision-maker that supporters write to."""

    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=300)
    email = models.EmailField(_("email"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return f"{self.name}, {self.position}"


class LetterAction(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="letter_actions")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    subject = models.CharField(_("email subject"), max_length=200)
    suggested_letter = models.TextField(
        _("suggested letter"), help_text=_("Supporters may edit it before sending.")
    )
    recipients = models.ManyToManyField(
        Official, verbose_name=_("recipients"), related_name="letter_actions"
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("letter action")
        verbose_name_plural = _("letter actions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("campaigns:letter", kwargs={"slug": self.slug})


class Letter(models.Model):
    """A letter a supporter sent through the app (to the officials with an email)."""

    action = models.ForeignKey(LetterAction, on_delete=models.CASCADE, related_name="letters")
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
    )
    body = models.TextField(_("letter"))
    held = models.BooleanField(
        _("held"),
        default=False,
        help_text=_("Kept but not sent, because the abuse limits could not be checked."),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("letter sent")
        verbose_name_plural = _("letters sent")

    def __str__(self):
        return f"{self.action} · {self.created_at:%Y-%m-%d}"


class SolidarityMessageQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=SolidarityMessage.Status.APPROVED)


class SolidarityMessage(models.Model):
    """A short message to a prisoner, printed and posted by staff once approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.CASCADE, related_name="solidarity_messages"
    )
    supporter = models.ForeignKey(
        "supporters.Supporter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    author_name = models.CharField(_("signed as"), max_length=100)
    author_country = CountryField(_("country"), blank=True)
    text = models.TextField(_("message"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)

    objects = SolidarityMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("solidarity message")
        verbose_name_plural = _("solidarity messages")

    def __str__(self):
        return f"{self.author_name} → {self.prisoner}"

    def approve(self):
        self._moderate(self.Status.APPROVED)

    def reject(self):
        self._moderate(self.Status.REJECTED)

    def _moderate(self, status):
        self.status = status
        self.moderated_at = timezone.now()
        self.save(update_fields=["status", "moderated_at"])
