import datetime

from django.db import models
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core import pagecache
from core.composition import RelatedSections
from core.names import NameInTwoScripts, name_key


class Article(models.Model):
    """An article of the Criminal Code, shared by every prisoner charged under it."""

    number = models.CharField(
        _("number"),
        max_length=16,
        unique=True,
        help_text=_("As written in the code, e.g. 405 or 380-1."),
    )
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        ordering = ["number"]
        verbose_name = _("Criminal Code article")
        verbose_name_plural = _("Criminal Code articles")

    def __str__(self):
        return f"{self.number} ({self.title})"


class CaseQuerySet(models.QuerySet):
    def with_published_count(self):
        return self.annotate(
            published_count=Count(
                "prisoners", filter=Q(prisoners__publication=Prisoner.Publication.PUBLISHED)
            )
        )


class Case(models.Model):
    """A case or group of cases that several prisoners belong to."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("prisoners:case", kwargs={"slug": self.slug})


# Declarations and campaigns register what a profile shows of them (core.composition).
profile_sections = RelatedSections("prisoner profile")


class PrisonerQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Prisoner.Publication.PUBLISHED)

    def in_detention(self):
        return self.filter(status__in=Prisoner.DETAINED_STATUSES)

    def with_sentence_in_months(self):
        return self.annotate(
            sentence_total_months=F("sentence_years") * 12 + F("sentence_months"),
        )

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for prisoner in objs:
            prisoner.name_key = prisoner.compute_name_key()
        created = super().bulk_create(objs, *args, **kwargs)
        pagecache.content_changed()
        return created

    def for_list(self):
        return self.select_related("case").prefetch_related("charges")

    def for_profile(self, sections=True):
        """With what the profile shows, including the sections that the apps above add
        through `profile_sections` (declarations naming the person, live campaigns,
        godparents); without them for a reader that shows only the profile's own facts."""
        return self.select_related("case").prefetch_related(
            "charges",
            "alternative_names",
            "sources",
            Prefetch("events", queryset=TimelineEvent.objects.select_related("source")),
            *(profile_sections.prefetches() if sections else ()),
        )

    def headline(self):
        """Counts behind "48 political prisoners: 40 convicted, 8 in pre-trial detention"."""
        return self.aggregate(
            total=Count("pk", filter=Q(status__in=Prisoner.DETAINED_STATUSES)),
            convicted=Count("pk", filter=Q(status=Prisoner.Status.CONVICTED)),
            pretrial=Count("pk", filter=Q(status=Prisoner.Status.PRETRIAL)),
            restricted=Count("pk", filter=Q(status=Prisoner.Status.RESTRICTED)),
            released=Count("pk", filter=Q(status=Prisoner.Status.RELEASED)),
            exile=Count("pk", filter=Q(status=Prisoner.Status.EXILE)),
            deceased=Count("pk", filter=Q(status=Prisoner.Status.DECEASED)),
        )


class Prisoner(NameInTwoScripts):
    class Status(models.TextChoices):
        PRETRIAL = "pretrial", _("In pre-trial detention")
        CONVICTED = "convicted", _("Imprisoned after conviction")
        RESTRICTED = "restricted", _("Restricted freedom")
        RELEASED = "released", _("Released")
        EXILE = "exile", _("In exile abroad")
        DECEASED = "deceased", _("Deceased")

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Publication(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    DETAINED_STATUSES = (Status.PRETRIAL, Status.CONVICTED)

    # In Latin letters; NameInTwoScripts adds the name in Cyrillic.
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    photo = models.ImageField(_("photo"), upload_to="prisoners/", blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    citizenship = CountryField(_("citizenship"), blank=True)
    region = models.CharField(_("home region or city"), max_length=100, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="prisoners",
        null=True,
        blank=True,
    )
    charges = models.ManyToManyField(
        Article, verbose_name=_("charges"), related_name="prisoners", blank=True
    )

    sentence_years = models.PositiveSmallIntegerField(_("sentence, years"), null=True, blank=True)
    sentence_months = models.PositiveSmallIntegerField(_("sentence, months"), default=0)
    sentence_note = models.CharField(_("note on the sentence"), max_length=300, blank=True)

    detained_on = models.DateField(_("detained on"), null=True, blank=True)
    convicted_on = models.DateField(_("convicted on"), null=True, blank=True)
    sentence_start_on = models.DateField(_("sentence counted from"), null=True, blank=True)

    place_of_detention = models.CharField(_("place of detention"), max_length=255, blank=True)
    letters_address = models.TextField(_("address for letters"), blank=True)
    letters_accepted = models.BooleanField(_("letters accepted"), default=False)

    summary = models.TextField(_("summary"), max_length=600)
    story = models.TextField(_("story"), blank=True)

    torture_reported = models.BooleanField(_("torture or ill-treatment reported"), default=False)
    health_at_risk = models.BooleanField(_("health at risk"), default=False)
    hunger_strike = models.BooleanField(_("hunger strike"), default=False)

    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.DRAFT
    )
    # The names' transliteration keys, for search in any script (core.names); set on save.
    name_key = models.CharField(max_length=400, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PrisonerQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("prisoner")
        verbose_name_plural = _("prisoners")
        constraints = [
            models.CheckConstraint(
                condition=Q(sentence_months__lte=11),
                name="sentence_months_below_twelve",
                violation_error_message=_(
                    "Months of a sentence go from 0 to 11; write 12 months as one more year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(convicted_on__isnull=True)
                | Q(detained_on__isnull=True)
                | Q(convicted_on__gte=F("detained_on")),
                name="convicted_after_detained",
                violation_error_message=_("The conviction date is before the detention date."),
            ),
        ]
        indexes = [
            models.Index(fields=["publication", "status"]),
            # The public list: published profiles in name order, read from the index
            # instead of sorting every published row on each request.
            models.Index(
                fields=["publication", "family_name", "given_name"], name="published_by_name"
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_key = self.compute_name_key()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name_key" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("prisoners:detail", kwargs={"slug": self.slug})

    def compute_name_key(self):
        # With the Cyrillic: it may transliterate otherwise ("Джардемали", "Jardemalie").
        return name_key(self.full_name, self.cyrillic_name)

    @property
    def full_name(self):
        return " ".join(n for n in (self.given_name, self.patronymic, self.family_name) if n)

    @property
    def sentence_in_months(self):
        if self.sentence_years is None:
            return None
        return self.sentence_years * 12 + self.sentence_months

    @property
    def detention_start(self):
        """The detention date, or failing that the date the sentence counts from, or the
        conviction: the report gives only those for some people."""
        return self.detained_on or self.sentence_start_on or self.convicted_on

    @property
    def detention_days_are_a_minimum(self):
        return self.detained_on is None and self.sentence_start_on is None

    def days_in_detention(self, today=None):
        """Days from detention until today, or until release for those no longer held."""
        start = self.detention_start
        if start is None:
            return None
        end = today or timezone.localdate()
        if self.status not in self.DETAINED_STATUSES:
            released = [e.date for e in self.events.all() if e.kind == TimelineEvent.Kind.RELEASED]
            if not released:
                return None
            end = max(released)
        return max((end - start).days, 0)

    def publish(self):
        self.publication = self.Publication.PUBLISHED
        self.save(update_fields=["publication", "updated_at"])

    def unpublish(self):
        self.publication = self.Publication.DRAFT
        self.save(update_fields=["publication", "updated_at"])


class AlternativeNameQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for spelling in objs:
            spelling.name_key = name_key(spelling.name)
        created = super().bulk_create(objs, *args, **kwargs)
        pagecache.content_changed()
        return created


class AlternativeName(models.Model):
    """Another spelling or transliteration of a prisoner's name, found by search."""

    prisoner = models.ForeignKey(
        Prisoner, on_delete=models.CASCADE, related_name="alternative_names"
    )
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=400, blank=True, editable=False)

    objects = AlternativeNameQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("alternative spelling")
        verbose_name_plural = _("alternative spellings")
        constraints = [
            models.UniqueConstraint(fields=["prisoner", "name"], name="unique_alternative_name"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)


class Source(models.Model):
    """Where a fact about a prisoner comes from. A printed report may have no URL."""

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(_("URL"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300)
    published_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        ordering = ["published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["prisoner", "url"], condition=~Q(url=""), name="unique_source_url"
            ),
            models.UniqueConstraint(
                fields=["prisoner", "title"],
                condition=Q(url=""),
                name="unique_source_title_without_url",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def reference(self):
        """How an event names this source in an import file: its URL, else its title."""
        return self.url or self.title


class TimelineEvent(models.Model):
    class Kind(models.TextChoices):
        DETAINED = "detained", _("Detained")
        CHARGED = "charged", _("Charged")
        TRIAL_OPENED = "trial_opened", _("Trial opened")
        HEARING = "hearing", _("Court hearing")
        CONVICTED = "convicted", _("Convicted")
        APPEAL = "appeal", _("Appeal")
        TRANSFERRED = "transferred", _("Transferred")
        HUNGER_STRIKE = "hunger_strike", _("Hunger strike")
        TORTURE_REPORTED = "torture_reported", _("Torture reported")
        RELEASED = "released", _("Released")
        OTHER = "other", _("Other")

    class Precision(models.TextChoices):
        DAY = "day", _("Day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")

    prisoner = models.ForeignKey(Prisoner, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date known to the"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=500)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.RESTRICT, related_name="events"
    )

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            models.UniqueConstraint(
                fields=["prisoner", "date", "kind"], name="unique_event_per_day_and_kind"
            ),
        ]

    def __str__(self):
        return f"{self.date_label}: {self.get_kind_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.source_id and self.prisoner_id and self.source.prisoner_id != self.prisoner_id:
            raise ValidationError({"source": _("Pick one of this prisoner's own sources.")})

    @property
    def date_label(self):
        if self.date_precision == self.Precision.YEAR:
            return str(self.date.year)
        if self.date_precision == self.Precision.MONTH:
            return self.date.strftime("%Y-%m")
        return self.date.isoformat()

    @classmethod
    def parse_date(cls, text):
        """'2024-05-16', '2024-05' or '2024' -> (date, precision)."""
        parts = text.strip().split("-")
        try:
            if len(parts) == 3:
                return datetime.date.fromisoformat(text.strip()), cls.Precision.DAY
            if len(parts) == 2:
                return datetime.date(int(parts[0]), int(parts[1]), 1), cls.Precision.MONTH
            if len(parts) == 1:
                return datetime.date(int(parts[0]), 1, 1), cls.Precision.YEAR
        except ValueError:
            pass
        raise ValueError(f"'{text}' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY.")
