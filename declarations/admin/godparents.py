"""Staff pages for godparents: the list of invitations and roles, with the moves staff
make (hand over, end, record an answer given by letter or phone), and the inviting of
members from the parliamentarians' list. Every move goes through the services, which
email the member through the outbox."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from prisoners.models import Prisoner

from ..models import Godparenthood, Parliamentarian
from ..services.godparents import (
    godparent_answer,
    godparent_hand_over,
    godparent_token,
    godparents_invite,
)


def _autocomplete_field(name, queryset, label, admin_site):
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        widget=AutocompleteSelect(Godparenthood._meta.get_field(name), admin_site),
    )


class GodparentInviteForm(forms.Form):
    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prisoner"] = _autocomplete_field(
            "prisoner",
            Prisoner.objects.published(),
            _("Godparent of (a published profile)"),
            admin_site,
        )


class GodparentHandOverForm(forms.Form):
    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"] = _autocomplete_field(
            "parliamentarian", Parliamentarian.objects.all(), _("Hand over to"), admin_site
        )


def _form_page(model_admin, request, *, form, title, action, objects, submit):
    """The intermediate page of an action that needs one more choice."""
    return TemplateResponse(
        request,
        "declarations/godparent_admin_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "objects": objects,
            "action": action,
            "submit": submit,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": model_admin.model._meta,
        },
    )


def invite_godparents(model_admin, request, members):
    """The parliamentarians' action: invite the chosen members as godparents of one
    prisoner."""
    form = GodparentInviteForm(
        request.POST if "prisoner" in request.POST else None, admin_site=model_admin.admin_site
    )
    if not form.is_valid():
        return _form_page(
            model_admin,
            request,
            form=form,
            title=_("Invite as godparents"),
            action="invite_godparent",
            objects=members,
            submit=_("Send the invitations"),
        )
    prisoner = form.cleaned_data["prisoner"]
    try:
        done = godparents_invite(
            prisoner=prisoner, parliamentarians=members, invited_by=request.user
        )
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None
    model_admin.message_user(
        request,
        _(
            "%(n)d invited as godparents of %(prisoner)s; %(skipped)d were already invited "
            "or godparents. %(no_email)d have no email address: send them the personal link "
            "shown on their invitation."
        )
        % {
            "n": done.invited,
            "prisoner": prisoner.full_name,
            "skipped": done.skipped,
            "no_email": done.without_email,
        },
        messages.SUCCESS,
    )
    return None


class GodparenthoodInline(admin.TabularInline):
    """A member's invitations and roles, read only: they change through the actions."""

    model = Godparenthood
    fk_name = "parliamentarian"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["prisoner", "status", "invited_at", "accepted_at", "ended_at"]
    readonly_fields = fields
    verbose_name_plural = _("godparent of")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("prisoner")


@admin.register(Godparenthood)
class GodparenthoodAdmin(admin.ModelAdmin):
    list_display = [
        "parliamentarian",
        "prisoner",
        "status",
        "invited_at",
        "accepted_at",
        "ended_at",
        "handed_over_to",
    ]
    list_filter = ["status"]
    search_fields = [
        "parliamentarian__surname",
        "parliamentarian__given_names",
        "prisoner__family_name",
        "prisoner__given_name",
        "prisoner__family_name_cyrillic",
    ]
    list_select_related = ["parliamentarian", "prisoner", "handed_over_to__parliamentarian"]
    readonly_fields = [
        "prisoner",
        "parliamentarian",
        "status",
        "invited_at",
        "invited_by",
        "invitation_sent_at",
        "accepted_at",
        "ended_at",
        "handed_over_to",
        "predecessor",
        "personal_link",
    ]
    fields = [*readonly_fields, "note"]
    actions = ["hand_over", "end", "record_accepted", "record_declined"]

    def has_add_permission(self, request):
        # An invitation is made from the parliamentarians' list, which emails the member.
        return False

    @admin.display(description=_("handed over by"))
    def predecessor(self, godparenthood):
        before = godparenthood.predecessor
        return before.parliamentarian if before else "—"

    @admin.display(description=_("personal link"))
    def personal_link(self, godparenthood):
        if godparenthood.status != Godparenthood.Status.INVITED:
            return "—"
        url = settings.SITE_URL.rstrip("/") + reverse(
            "declarations:godparent", kwargs={"token": godparent_token(godparenthood)}
        )
        return format_html(
            "<code>{}</code><br>{}",
            url,
            _("For a member without an email address: send it to them yourself."),
        )

    def _apply(self, request, queryset, do):
        done = 0
        for godparenthood in queryset.select_related("prisoner", "parliamentarian"):
            try:
                do(godparenthood)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{godparenthood}: {' '.join(error.messages)}", messages.ERROR
                )
        if done:
            self.message_user(request, _("%d recorded.") % done, messages.SUCCESS)

    @admin.action(description=_("Record as accepted"), permissions=["change"])
    def record_accepted(self, request, queryset):
        self._apply(request, queryset, lambda g: godparent_answer(godparenthood=g, answer="accept"))

    @admin.action(description=_("Record as declined"), permissions=["change"])
    def record_declined(self, request, queryset):
        self._apply(
            request, queryset, lambda g: godparent_answer(godparenthood=g, answer="decline")
        )

    @admin.action(description=_("End the role or withdraw the invitation"), permissions=["change"])
    def end(self, request, queryset):
        self._apply(request, queryset, lambda g: g.end())

    @admin.action(description=_("Hand over to another member…"), permissions=["change"])
    def hand_over(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(
                request, _("Choose one godparent to hand the role over."), messages.ERROR
            )
            return None
        [godparenthood] = queryset
        form = GodparentHandOverForm(
            request.POST if "successor" in request.POST else None, admin_site=self.admin_site
        )
        if not form.is_valid():
            return _form_page(
                self,
                request,
                form=form,
                title=_("Hand over a godparent's role"),
                action="hand_over",
                objects=queryset,
                submit=_("Hand over and invite"),
            )
        successor = form.cleaned_data["successor"]
        try:
            godparent_hand_over(
                godparenthood=godparenthood, successor=successor, handed_over_by=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            _("%(member)s is invited to take over as godparent of %(prisoner)s.")
            % {"member": successor.display_name, "prisoner": godparenthood.prisoner.full_name},
            messages.SUCCESS,
        )
        return None
