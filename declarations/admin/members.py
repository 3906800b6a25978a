"""Staff pages for the assemblies and their people: assemblies with their rules, national
delegations, political groups, and parliamentarians with what they signed and whom they
are godparent of."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from prisoners.models import Case

from .. import services
from ..forms import InviteForm
from ..models import Assembly, Delegation, Parliamentarian, PoliticalGroup, Signatory
from .godparents import GodparenthoodInline, invite_godparents


def report_invitations(model_admin, request, created, *, asked):
    """How many of the members asked for were invited now, and how many get no email."""
    without_email = sum(1 for s in created if not s.parliamentarian.email)
    model_admin.message_user(
        request,
        _(
            "%(n)d invited; %(skipped)d were invited before. %(no_email)d have no "
            "email address and get no message."
        )
        % {"n": len(created), "skipped": asked - len(created), "no_email": without_email},
        messages.SUCCESS,
    )


class PoliticalGroupInline(admin.TabularInline):
    model = PoliticalGroup
    extra = 1


@admin.register(Assembly)
class AssemblyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "min_signatures", "min_delegations", "min_groups"]
    inlines = [PoliticalGroupInline]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["name", "assembly", "country"]
    list_filter = ["assembly"]
    search_fields = ["name"]


@admin.register(PoliticalGroup)
class PoliticalGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "assembly", "is_non_attached"]
    list_filter = ["assembly"]
    search_fields = ["code", "name"]


class SignedCountFilter(admin.SimpleListFilter):
    title = _("declarations signed")
    parameter_name = "signed"

    def lookups(self, request, model_admin):
        return [
            ("0", _("none")),
            ("1", _("1 or more")),
            ("2", _("2 or more")),
            ("3", _("3 or more")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "0":
            return queryset.filter(signed_count=0)
        if self.value() in {"1", "2", "3"}:
            return queryset.filter(signed_count__gte=int(self.value()))
        return queryset


class SignedAboutCaseFilter(admin.SimpleListFilter):
    """Members who signed earlier declarations on the prisoners of a case: likely signers."""

    title = _("signed on prisoners of the case")
    parameter_name = "signed_case"

    def lookups(self, request, model_admin):
        return [(str(case.pk), case.title) for case in Case.objects.all()]

    def queryset(self, request, queryset):
        if not self.value() or not self.value().isdigit():
            return queryset
        return queryset.filter(
            signatories__status=Signatory.Status.SIGNED,
            signatories__declaration__prisoners__case_id=int(self.value()),
        ).distinct()


@admin.register(Parliamentarian)
class ParliamentarianAdmin(admin.ModelAdmin):
    list_display = ["__str__", "delegation", "group", "signed_count", "active"]
    list_filter = [
        SignedCountFilter,
        SignedAboutCaseFilter,
        "active",
        "delegation__assembly",
        "group",
        "delegation",
    ]
    search_fields = ["surname", "given_names", "email"]
    list_select_related = ["delegation", "group"]
    autocomplete_fields = ["delegation", "group"]
    actions = ["invite", "invite_godparent"]
    inlines = [GodparenthoodInline]

    def get_queryset(self, request):
        # Champions first: who signs most is who to invite first. Ordering by the annotation
        # must follow it, so the default ordering is applied here rather than by the admin.
        return self.model.objects.with_signature_counts().order_by(*self.get_ordering(request))

    def get_ordering(self, request):
        # Other admins use this ordering for their parliamentarian selectors, without the
        # annotation; only this list is sorted by it.
        if request.resolver_match.url_name == "declarations_parliamentarian_changelist":
            return ["-signed_count", "surname"]
        return ["surname", "given_names"]

    @admin.display(description=_("declarations signed"), ordering="signed_count")
    def signed_count(self, member):
        return member.signed_count

    def has_godparent_permission(self, request):
        return request.user.has_perm("declarations.add_godparenthood")

    @admin.action(description=_("Invite as godparent of a prisoner…"), permissions=["godparent"])
    def invite_godparent(self, request, queryset):
        return invite_godparents(self, request, queryset)

    @admin.action(description=_("Invite to a declaration…"), permissions=["change"])
    def invite(self, request, queryset):
        form = InviteForm(request.POST if "declaration" in request.POST else None)
        if form.is_valid():
            try:
                created = services.invitations_create(
                    declaration=form.cleaned_data["declaration"], parliamentarians=queryset
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            report_invitations(self, request, created, asked=len(queryset))
            return None
        return TemplateResponse(
            request,
            "admin/declarations/invite.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Invite to a declaration"),
                "form": form,
                "members": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )
