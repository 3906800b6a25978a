from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from core.client import client_ip
from core.exceptions import InvalidLink
from prisoners.models import Prisoner
from supporters.models import Supporter

from . import services
from .forms import LetterForm, PrivacyRequestForm, SignPetitionForm, SolidarityMessageForm
from .models import Campaign, LetterAction, Petition, Signature

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


def _petition_context(petition, form):
    recent = (
        petition.signatures.confirmed()
        .filter(show_name=True, supporter__isnull=False)
        .select_related("supporter")
        .order_by("-confirmed_at")[:RECENT_SIGNERS]
    )
    return {"petition": petition, "campaign": petition.campaign, "form": form, "recent": recent}


def petition(request, slug):
    petition = get_object_or_404(
        Petition.objects.with_count()
        .select_related("campaign")
        .filter(campaign__status__in=[Campaign.Status.LIVE, Campaign.Status.CLOSED]),
        slug=slug,
    )
    status = 200
    if request.method == "POST" and petition.is_open:
        form = SignPetitionForm(request.POST)
        if form.is_valid():
            if form.is_bot():
                return redirect("campaigns:thanks", slug=petition.slug)
            data = form.cleaned_data
            try:
                result = services.signature_create(
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
            except services.RateLimited:
                form.add_error(
                    None,
                    _(
                        "Too many signatures came from your connection in the "
                        "last minutes. Please wait a minute and try again."
                    ),
                )
                status = 429
            except ValidationError as error:
                form.add_error("email" if error.code == "blocked_domain" else None, error)
                status = 400
            else:
                request.session["signed_outcome"] = result.outcome
                return redirect("campaigns:thanks", slug=petition.slug)
        else:
            status = 400
    else:
        form = SignPetitionForm()
    return render(
        request, "campaigns/petition.html", _petition_context(petition, form), status=status
    )


def thanks(request, slug):
    petition = get_object_or_404(Petition.objects.select_related("campaign"), slug=slug)
    outcome = request.session.pop("signed_outcome", "created")
    return render(
        request,
        "campaigns/thanks.html",
        {
            "petition": petition,
            "campaign": petition.campaign,
            "outcome": outcome,
            "share_url": request.build_absolute_uri(petition.get_absolute_url()),
        },
    )


@never_cache
def confirm(request, token):
    try:
        signature = services.signature_confirm_from_token(token)
    except signing.SignatureExpired as error:
        raise InvalidLink(
            "expired", _("Sign the petition again and we will send you a new one.")
        ) from error
    except (signing.BadSignature, Signature.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidLink("invalid") from error
    petition = (
        Petition.objects.with_count().select_related("campaign").get(pk=signature.petition_id)
    )
    return render(
        request,
        "campaigns/confirmed.html",
        {
            "petition": petition,
            "campaign": petition.campaign,
            "share_url": request.build_absolute_uri(petition.get_absolute_url()),
        },
    )


def _form_page(request, template, context, form, status=200):
    return render(request, template, {**context, "form": form}, status=status)


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
        return _form_page(request, "campaigns/letter.html", context, form)
    form = LetterForm(request.POST)
    if not form.is_valid():
        return _form_page(request, "campaigns/letter.html", context, form, status=400)
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
            form.add_error(
                None,
                _(
                    "Too many letters came from your connection. Please wait "
                    "a minute and try again."
                ),
            )
            return _form_page(request, "campaigns/letter.html", context, form, status=429)
    return render(
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


def message(request, slug):
    prisoner = get_object_or_404(Prisoner.objects.published(), slug=slug)
    context = {"prisoner": prisoner}
    if not prisoner.letters_accepted:
        return render(request, "campaigns/message.html", {**context, "closed": True}, status=404)
    if request.method != "POST":
        return _form_page(request, "campaigns/message.html", context, SolidarityMessageForm())
    form = SolidarityMessageForm(request.POST)
    if not form.is_valid():
        return _form_page(request, "campaigns/message.html", context, form, status=400)
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
            form.add_error(
                None,
                _(
                    "Too many messages came from your connection. Please wait "
                    "a minute and try again."
                ),
            )
            return _form_page(request, "campaigns/message.html", context, form, status=429)
    return render(request, "campaigns/message.html", {**context, "sent": True})


def privacy(request):
    form = PrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.privacy_request(email=form.cleaned_data["email"], ip=client_ip(request))
        except services.RateLimited:
            form.add_error(
                None,
                _("Too many requests from your connection. Please wait a minute and try again."),
            )
            return render(request, "campaigns/privacy.html", {"form": form}, status=429)
        return render(request, "campaigns/privacy.html", {"requested": True})
    return render(
        request, "campaigns/privacy.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
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
        return render(request, "campaigns/privacy_manage.html", {"erased": True})
    if request.GET.get("download"):
        response = JsonResponse(
            services.supporter_data(supporter=supporter),
            json_dumps_params={"indent": 2, "ensure_ascii": False},
        )
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    return render(
        request,
        "campaigns/privacy_manage.html",
        {"supporter": supporter, "data": services.supporter_data(supporter=supporter)},
    )
