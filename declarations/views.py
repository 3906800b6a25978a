from itertools import groupby

from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.generic import DetailView, ListView

from core.exceptions import InvalidLink
from core.pagination import ForgivingPaginationMixin
from prisoners.models import Prisoner

from . import services
from .models import Declaration, Godparenthood, Parliamentarian, Signatory, page_sections
from .services.godparents import godparent_answer, godparenthood_from_token


class DeclarationListView(ForgivingPaginationMixin, ListView):
    template_name = "declarations/declaration_list.html"
    context_object_name = "declarations"
    paginate_by = 20

    def get_queryset(self):
        return (
            Declaration.objects.public()
            .with_threshold_counts()
            .order_by("-published_on", "-created_at")
        )


class DeclarationDetailView(DetailView):
    template_name = "declarations/declaration_detail.html"
    context_object_name = "declaration"

    def get_queryset(self):
        return (
            Declaration.objects.public()
            .with_threshold_counts()
            .prefetch_related(
                Prefetch("prisoners", queryset=Prisoner.objects.published()),
                *page_sections.prefetches(),
                Prefetch(
                    "signatories",
                    queryset=Signatory.objects.signed()
                    .select_related("parliamentarian", "delegation_at_signing", "group_at_signing")
                    .order_by("delegation_at_signing__name", "parliamentarian__surname"),
                    to_attr="signed",
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["by_delegation"] = [
            (delegation, list(signatures))
            for delegation, signatures in groupby(
                self.object.signed, key=lambda s: s.delegation_at_signing
            )
        ]
        context["threshold"] = self.object.threshold()
        return context


class ParliamentarianDetailView(DetailView):
    """Which declarations a member signed. Contact details are never shown here."""

    template_name = "declarations/parliamentarian_detail.html"
    context_object_name = "member"

    def get_queryset(self):
        return Parliamentarian.objects.select_related("delegation", "group").prefetch_related(
            Prefetch(
                "signatories",
                queryset=Signatory.objects.signed()
                .filter(declaration__status__in=Declaration.PUBLIC_STATUSES)
                .select_related("declaration", "group_at_signing", "delegation_at_signing")
                .order_by("-declaration__published_on"),
                to_attr="public_signatures",
            ),
            Prefetch(
                "godparenthoods",
                queryset=Godparenthood.objects.public().current_first().select_related("prisoner"),
                to_attr="public_godparenthoods",
            ),
        )

    def get_object(self, queryset=None):
        member = super().get_object(queryset)
        if not member.public_signatures and not member.public_godparenthoods:
            raise Http404
        return member


@never_cache
@csrf_protect
def pledge(request, token):
    """A member's personal link: pledge to sign, or decline, without an account."""
    try:
        signature = services.pledge_signature_from_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink("expired", _("Write to us and we will send you a new one.")) from error
    except (signing.BadSignature, Signatory.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if signature.declaration.status not in Declaration.PUBLIC_STATUSES:
        raise Http404  # a withdrawn declaration is no longer anyone's position
    error = None
    if request.method == "POST":
        try:
            services.invitation_answer(signature=signature, answer=request.POST.get("answer"))
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "declarations/pledge.html",
        {
            "signature": signature,
            "declaration": signature.declaration,
            "error": error,
            "answered": request.method == "POST" and not error,
        },
    )


@never_cache
@csrf_protect
def godparent(request, token):
    """A member's personal link: accept to be a prisoner's godparent, or decline. It serves
    one answer; GET only shows the question."""
    try:
        godparenthood = godparenthood_from_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink("expired", _("Write to us and we will send you a new one.")) from error
    except (signing.BadSignature, Godparenthood.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    if godparenthood.prisoner.publication != Prisoner.Publication.PUBLISHED:
        raise Http404  # the profile went back to draft: nothing about it is public
    if godparenthood.status != Godparenthood.Status.INVITED:
        raise InvalidLink(
            "expired",
            _("This invitation has been answered or withdrawn. Write to us to change anything."),
        )
    error = None
    if request.method == "POST":
        try:
            godparenthood = godparent_answer(
                godparenthood=godparenthood, answer=request.POST.get("answer")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "declarations/godparent.html",
        {
            "godparenthood": godparenthood,
            "prisoner": godparenthood.prisoner,
            "predecessor": godparenthood.predecessor,
            "error": error,
            "answered": request.method == "POST" and not error,
        },
    )
