"""Withdrawing a signature, by the link in the confirmation email or from the page about
one's data: the count drops, and nothing is kept but that a signature was withdrawn."""

import pytest
from auditlog.models import LogEntry
from django.core import mail, serializers, signing
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.models import Signature, WithdrawnSignature
from campaigns.services.signing import WITHDRAW_SALT, withdraw_token
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from supporters.models import Supporter
from tests.budgets import page_queries
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

EMAIL = "dana.withdraws@example.org"


def sign(petition, email=EMAIL, name="Dana Withdraws", comment="Free them now", **extra):
    return services.signature_create(
        petition=petition,
        name=name,
        email=email,
        country="FR",
        comment=comment,
        ip="192.0.2.7",
        source="utm-newsletter",
        **extra,
    )


def latest_link(containing, to=EMAIL):
    """The link in the latest email to this address that has one containing `containing`."""
    outbox_tasks.send_due_emails()
    for message in reversed(mail.outbox):
        if message.to != [to]:
            continue
        for word in message.body.split():
            if word.startswith("http") and containing in word:
                return word.replace("http://127.0.0.1:8000", "")
    raise AssertionError(f"no {containing} link sent to {to}")


def withdraw_link():
    return latest_link("/withdraw/")


def privacy_link(client, email=EMAIL):
    client.post(reverse("campaigns:privacy"), {"email": email}, REMOTE_ADDR="192.0.2.9")
    return latest_link("/privacy/", to=email)


def words(response):
    return " ".join(response.content.decode().split())


def test_the_confirmation_email_links_to_a_page_that_withdraws_only_on_post(client):
    petition = PetitionFactory(title="Free Aigul Utepova")
    sign(petition).confirm()
    link = withdraw_link()
    assert petition.count == 1

    # Opening the link (as a mail gateway that scans links does) changes nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert "Withdraw your signature from “Free Aigul Utepova”?" in words(page)
    assert petition.count == 1 and Signature.objects.exists()

    done = client.post(link)
    assert done.status_code == 200
    assert "Your signature is withdrawn" in words(done)
    assert petition.count == 0
    assert not Signature.objects.exists()
    [record] = WithdrawnSignature.objects.all()
    assert record.petition == petition and record.was_counted
    # Nothing else was left of the supporter, so they are erased, emails included.
    assert "we have also erased your name and email address" in words(done)
    assert not Supporter.objects.exists()
    assert not OutgoingEmail.objects.filter(to=EMAIL).exists()

    again = client.post(link)
    assert again.status_code == 400 and "This link cannot be used" in words(again)
    assert client.get(link).status_code == 400
    assert WithdrawnSignature.objects.count() == 1 and petition.count == 0


def test_nothing_personal_reaches_the_audit_trail(admin_client):
    petition = PetitionFactory()
    signature = sign(petition, name="Aigul Secretname", comment="My secret comment")
    signature.confirm()
    supporter = signature.supporter
    sign(PetitionFactory(), name="Aigul Secretname").confirm()  # stays: not erased
    # A staff action on the signature writes its values to the trail.
    admin_client.post(
        reverse("admin:campaigns_signature_changelist"),
        {"action": "invalidate", "_selected_action": [signature.pk]},
    )
    assert LogEntry.objects.get_for_object(signature).exists()

    response = Client().post(reverse("campaigns:withdraw", args=[withdraw_token(signature)]))
    assert response.status_code == 200
    assert Supporter.objects.filter(pk=supporter.pk).exists()
    trail = serializers.serialize("json", LogEntry.objects.all())
    for personal in ("Secretname", "My secret comment", EMAIL, "utm-newsletter"):
        assert personal not in trail
    assert (
        not LogEntry.objects.get_for_object(signature)
        .exclude(additional_data__erasure=True)
        .exists()
    )


def test_a_pending_or_held_signature_leaves_the_count_untouched(client):
    petition = PetitionFactory()
    sign(petition, email="counted@example.org").confirm()
    pending = sign(petition, email="pending@example.org")
    held = sign(petition, email="held@example.org")
    Signature.objects.filter(pk=held.pk).update(held=True)
    held.refresh_from_db()
    held.confirm()
    assert petition.count == 1
    for signature in (pending, held):
        response = client.post(reverse("campaigns:withdraw", args=[withdraw_token(signature)]))
        assert response.status_code == 200
    assert petition.count == 1
    assert sorted(WithdrawnSignature.objects.values_list("was_counted", flat=True)) == [
        False,
        False,
    ]
    assert services.petitions_recount() == {}  # the counters agree with the rows


def test_withdrawing_twice_at_once_counts_once():
    petition = PetitionFactory()
    sign(petition).confirm()
    first = Signature.objects.select_related("petition", "supporter").get()
    second = Signature.objects.select_related("petition", "supporter").get()
    assert services_withdraw(first) is not None
    assert services_withdraw(second) is None
    assert petition.count == 0 and WithdrawnSignature.objects.count() == 1


def services_withdraw(signature):
    from campaigns.services.withdrawal import signature_withdraw

    return signature_withdraw(signature=signature)


def test_a_supporter_who_withdrew_can_sign_again(client):
    petition = PetitionFactory()
    sign(petition).confirm()
    client.post(withdraw_link())
    assert petition.count == 0
    sign(petition).confirm()
    assert petition.count == 1 and Signature.objects.count() == 1


def test_a_changed_or_expired_link_gets_the_link_invalid_page(client, settings):
    petition = PetitionFactory()
    signature = sign(petition)
    signature.confirm()
    token = withdraw_token(signature)
    for bad in (token[:-2] + "xx", "nonsense", confirm_token_of(signature)):
        response = client.post(reverse("campaigns:withdraw", args=[bad]))
        assert response.status_code == 400 and "This link cannot be used" in words(response)
    old = signing.TimestampSigner(salt=WITHDRAW_SALT)
    old.timestamp = lambda: signing.b62_encode(0)
    expired = old.sign_object({"s": signature.pk, "u": signature.supporter_id})
    response = client.get(reverse("campaigns:withdraw", args=[expired]))
    assert response.status_code == 410 and "This link has expired." in words(response)
    assert petition.count == 1 and Signature.objects.exists()


def confirm_token_of(signature):
    return services.confirm_token(signature)


def test_the_link_stops_working_once_the_supporter_is_erased(client):
    petition = PetitionFactory()
    signature = sign(petition)
    signature.confirm()
    link = reverse("campaigns:withdraw", args=[withdraw_token(signature)])
    services.supporter_erase(supporter=signature.supporter)
    assert client.post(link).status_code == 400
    assert petition.count == 1  # the erased supporter's signature stays counted


def test_the_privacy_page_withdraws_one_signature_and_keeps_the_rest(client):
    kept, left = PetitionFactory(title="Kept petition"), PetitionFactory(title="Left petition")
    sign(kept).confirm()
    leaving = sign(left)
    leaving.confirm()
    link = privacy_link(client)
    page = words(client.get(link))
    assert "Kept petition" in page and "Left petition" in page
    assert page.count("Withdraw my signature") == 2

    response = client.post(link, {"withdraw": leaving.pk})
    assert response.status_code == 200
    page = words(response)
    assert "Your signature no longer counts for “Left petition”" in page
    listed = page.split('id="signatures-heading"')[1].split("Erase everything")[0]
    assert "Kept petition" in listed and "Left petition" not in listed
    assert left.count == 0 and kept.count == 1
    assert Supporter.objects.filter(email=EMAIL).exists()
    assert not OutgoingEmail.objects.filter(key__startswith=f"signature-{leaving.pk}-").exists()

    response = client.post(link, {"withdraw": Signature.objects.get().pk})
    assert "we have also erased your name and email address" in words(response)
    assert not Supporter.objects.exists() and kept.count == 0


@pytest.mark.parametrize("value", ["", "abc", "-1", "١", "9" * 40])
def test_the_privacy_page_refuses_a_bad_choice_without_an_error(client, value):
    petition = PetitionFactory()
    sign(petition).confirm()
    link = privacy_link(client)
    response = client.post(link, {"withdraw": value})
    assert response.status_code == 200
    assert "That signature was already withdrawn." in words(response)
    assert petition.count == 1


def test_nobody_withdraws_someone_elses_signature_from_their_page(client):
    petition = PetitionFactory()
    sign(petition).confirm()
    other = sign(petition, email="someone.else@example.org", name="Someone Else")
    other.confirm()
    link = privacy_link(client)
    response = client.post(link, {"withdraw": other.pk})
    assert "That signature was already withdrawn." in words(response)
    assert petition.count == 2 and Signature.objects.filter(pk=other.pk).exists()


def test_staff_see_how_many_signatures_were_withdrawn(client, role_client):
    petition = PetitionFactory(title="Free them all")
    for n in range(3):
        signature = sign(petition, email=f"w{n}@example.org")
        signature.confirm()
        client.post(reverse("campaigns:withdraw", args=[withdraw_token(signature)]))
    staff = role_client("Campaigner")
    listed = words(staff.get(reverse("admin:campaigns_petition_changelist")))
    assert '<td class="field-withdrawn">3</td>' in listed
    change = words(staff.get(reverse("admin:campaigns_petition_change", args=[petition.pk])))
    assert "3 withdrawn by their signers." in change
    for personal in ("w0@example.org", "Dana Withdraws"):
        assert personal not in change


def test_the_pages_keep_their_budgets_however_many_signatures(client, settings):
    settings.SIGNING_ADDRESS_LIMITS = [(10**6, 60)]
    settings.SIGNING_NETWORK_LIMITS = [(10**6, 60)]
    few = [sign(PetitionFactory()) for _ in range(1)]
    many = [sign(PetitionFactory(), email="many@example.org") for _ in range(12)]
    links = [privacy_link(client), privacy_link(client, "many@example.org")]
    assert len(few) == 1 and len(many) == 12
    counts = [page_queries(client, link) for link in links]
    assert counts[0] == counts[1] <= 6, counts
    withdraw = reverse("campaigns:withdraw", args=[withdraw_token(many[0])])
    assert page_queries(client, withdraw) <= 2


def test_a_withdrawal_takes_the_campaigns_update_consent_with_it(client):
    """Updates go to those who consented with an action in the campaign: a supporter who
    withdrew from it hears nothing more of it, while other campaigns keep their consent."""
    from campaigns.models import Consent

    left, kept = PetitionFactory(title="Left petition"), PetitionFactory(title="Kept petition")
    leaving = sign(left, mailing=True)
    leaving.confirm()
    sign(kept, mailing=True).confirm()
    assert Consent.objects.filter(campaign=left.campaign, mailing=True).exists()

    client.post(privacy_link(client), {"withdraw": leaving.pk})
    assert Supporter.objects.filter(email=EMAIL).exists()
    assert not Consent.objects.filter(campaign=left.campaign).exists()
    assert Consent.objects.filter(campaign=kept.campaign, mailing=True).exists()


def test_the_already_signed_email_also_offers_the_withdrawal(client):
    petition = PetitionFactory()
    sign(petition).confirm()
    sign(petition)  # again, from the same address: the owner is told it already counts
    outbox_tasks.send_due_emails()
    [already] = [m for m in mail.outbox if "already signed" in m.subject]
    link = next(w for w in already.body.split() if "/withdraw/" in w)
    client.post(link.replace("http://127.0.0.1:8000", ""))
    assert petition.count == 0 and WithdrawnSignature.objects.filter(petition=petition).exists()
