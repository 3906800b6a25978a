"""The statuses of declarations and signatories, in a module of their own so that every
model and queryset can name them without importing the others."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COLLECTING = "collecting", _("Collecting signatures")
    THRESHOLD_MET = "threshold_met", _("Threshold met")
    TABLED = "tabled", _("Tabled")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


class SignatoryStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    PLEDGED = "pledged", _("Pledged")
    SIGNED = "signed", _("Signed")
    DECLINED = "declined", _("Declined")
