"""Updates to supporters: who gets one, in which language, sent once in batches through the
outbox, resumed after a broker outage; the admin's preview, test, send and progress, and
who may do what there."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaigns import services, tasks
from campaigns.models import CampaignUpdate, Consent
from campaigns.services import updates
from core.roles import ADMINISTRATOR, CAMPAIGNER, DATA_PROTECTION_OFFICER, EDITOR
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from tests.budgets import page_queries
from tests.factories import CampaignUpdateFactory, PetitionFactory

pytestmark = pytest.mark.django_db


def supporter(petition, n, *, language="en", mailing=True, confirmed=True):
    signature = services.signature_create(
        petition=petition,
        name=f"Reader{n} Person",
        email=f"reader{n}@example.org",
        country="FR",
        mailing=mailing,
        ip=f"192.0.2.{n}",
        language=language,
    )
    if confirmed:
        signature.supporter.confirm_address()
    OutgoingEmail.objects.all().delete()  # the confirmation: not what these tests are about
    return signature.supporter


@pytest.fixture
def worker(monkeypatch):
    """A worker that takes the task as soon as it is queued."""
    monkeypatch.setattr(
        tasks.send_campaign_update,
        "apply_async",
        lambda args, **kwargs: tasks.send_campaign_update.run(*args),
    )


@pytest.fixture
def broker_down(monkeypatch):
    from kombu.exceptions import OperationalError

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_campaign_update, "apply_async", refuse)
    return attempts


@pytest.fixture
def petition():
    return PetitionFactory()


def send_outbox():
    return outbox_tasks.send_due_emails()


def staff(django_user_model, role, username, email="me@ngo.example.org"):
    user = django_user_model.objects.create_user(
        username, email=email, password="x", is_staff=True, first_name="Asel"
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def campaigner(client, django_user_model):
    from tests.conftest import sign_in

    user = staff(django_user_model, CAMPAIGNER, "campaigner")
    sign_in(client, user)
    client.user = user
    return client


def send_url(update):
    return reverse("admin:campaigns_campaignupdate_send", args=[update.pk])


def preview_url(update, language="en"):
    url = reverse("admin:campaigns_campaignupdate_preview", args=[update.pk])
    return f"{url}?language={language}"


# Who gets it ------------------------------------------------------------------------------


def test_only_confirmed_consenting_subscribed_supporters_of_the_campaign_get_it(petition):
    wants = supporter(petition, 1)
    supporter(petition, 2, mailing=False)
    supporter(petition, 3, confirmed=False)
    supporter(petition, 4).unsubscribe()
    changed_mind = supporter(petition, 5)
    Consent.objects.create(
        supporter=changed_mind,
        campaign=petition.campaign,
        wording_version="later",
        mailing=False,
        page="/",
        agreed_at=timezone.now() + timezone.timedelta(minutes=1),
    )
    supporter(PetitionFactory(), 6)  # another campaign's supporter
    update = CampaignUpdateFactory(campaign=petition.campaign)
    recipients = updates.campaign_update_recipients(update=update)
    assert list(recipients) == [wants]


# Sending ----------------------------------------------------------------------------------


def test_each_supporter_gets_it_once_in_their_language_with_one_click_unsubscribe(
    petition, worker, django_capture_on_commit_callbacks, admin_user
):
    supporter(petition, 1, language="en")
    supporter(petition, 2, language="ru")
    supporter(petition, 3, language="kk")
    update = CampaignUpdateFactory(
        campaign=petition.campaign,
        subject_ru="Новости суда",
        body_ru="Суд заседал сегодня.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        updates.campaign_update_send(update=update, user=admin_user)
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.SENT
    assert update.recipients_planned == 3 and update.queued == 3
    assert send_outbox() == 3
    assert send_outbox() == 0
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address["reader1@example.org"]
    assert english.subject == "News of the trial"
    assert "Hello Reader1," in english.body and "The court sat today." in english.body
    assert by_address["reader2@example.org"].subject == "Новости суда"
    kazakh = by_address["reader3@example.org"]
    assert kazakh.subject == "Новости суда"  # Kazakh falls back to Russian
    [(html, mimetype)] = kazakh.alternatives
    assert mimetype == "text/html" and '<div lang="ru"><p>Суд заседал сегодня.</p></div>' in html
    for message in mail.outbox:
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.extra_headers["List-Unsubscribe"][1:-1] in message.body


def test_russian_falls_back_to_english(petition, worker, django_capture_on_commit_callbacks):
    supporter(petition, 1, language="ru")
    update = CampaignUpdateFactory(campaign=petition.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        updates.campaign_update_send(update=update, user=None)
    send_outbox()
    [message] = mail.outbox
    assert message.subject == "News of the trial"
    assert "Здравствуйте, Reader1!" in message.body  # the words around it are Russian
    assert "Отписаться от всех наших писем:" in message.body


def test_an_update_is_sent_only_once(petition, worker, django_capture_on_commit_callbacks):
    supporter(petition, 1)
    update = CampaignUpdateFactory(campaign=petition.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        updates.campaign_update_send(update=update, user=None)
    stale = CampaignUpdate.objects.get(pk=update.pk)
    stale.state = CampaignUpdate.State.DRAFT  # a second press, from a page loaded before
    with pytest.raises(ValidationError, match="already been sent"):
        updates.campaign_update_send(update=stale, user=None)
    tasks.send_campaign_update(update.pk)  # a task delivered twice
    assert OutgoingEmail.objects.filter(template="campaigns/email/update").count() == 1


def test_batches_go_on_where_they_stopped_and_a_retry_sends_nothing_twice(petition, broker_down):
    for n in range(1, 6):
        supporter(petition, n)
    update = CampaignUpdateFactory(campaign=petition.campaign)
    updates.campaign_update_send(update=update, user=None)
    assert updates.campaign_update_send_batch(update_id=update.pk, batch_size=2) == 2
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.SENDING and update.queued == 2
    # The worker died here. A retry from the start finds the first batch already written.
    CampaignUpdate.objects.filter(pk=update.pk).update(last_supporter_id=0)
    assert updates.campaign_update_send_batches(update_id=update.pk, batch_size=2) == 3
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.SENT
    assert OutgoingEmail.objects.filter(template="campaigns/email/update").count() == 5
    assert send_outbox() == 5
    assert sorted(m.to[0] for m in mail.outbox) == [f"reader{n}@example.org" for n in range(1, 6)]


def test_a_broker_outage_loses_nothing_and_the_beat_resumes(
    petition, broker_down, campaigner, django_capture_on_commit_callbacks
):
    supporter(petition, 1)
    supporter(petition, 2)
    update = CampaignUpdateFactory(campaign=petition.campaign)
    with django_capture_on_commit_callbacks(execute=True):
        response = campaigner.post(send_url(update))
    assert response.status_code == 302 and len(broker_down) == 1
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.SENDING and update.recipients_planned == 2
    assert not OutgoingEmail.objects.filter(template="campaigns/email/update").exists()
    assert tasks.resume_campaign_updates() == 0  # not stalled yet: a worker may have it
    later = timezone.now() + timezone.timedelta(minutes=6)
    assert updates.campaign_updates_resume(now=later) == 2
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.SENT
    assert updates.campaign_updates_resume(now=later) == 0
    assert send_outbox() == 2


# The admin --------------------------------------------------------------------------------


def test_staff_preview_each_language_and_send_a_test_to_themselves(petition, campaigner):
    update = CampaignUpdateFactory(
        campaign=petition.campaign, subject_ru="Новости суда", body_ru="Суд заседал."
    )
    html = campaigner.get(preview_url(update, "kk")).content.decode()
    assert "Новости суда" in html and "Суд заседал." in html  # kk falls back to ru
    assert "Not yet written in this language" in html
    assert "Сәлеметсіз бе, Asel!" in html
    html = campaigner.get(preview_url(update, "en")).content.decode()
    assert "News of the trial" in html and "<p>The court sat today.</p>" in html
    assert "Thank you for standing with them." in html
    assert "Not yet written in this language" not in html
    response = campaigner.post(preview_url(update, "ru"), {"language": "ru"}, follow=True)
    assert "me@ngo.example.org" in response.content.decode()
    campaigner.post(preview_url(update, "ru"), {"language": "ru"})  # pressed twice
    assert send_outbox() == 1
    [test] = mail.outbox
    assert test.to == ["me@ngo.example.org"]
    with translation.override("ru"):
        assert test.subject == f"{gettext('[Test]')} Новости суда"
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.DRAFT


def test_a_test_needs_an_address(petition, client, django_user_model):
    from tests.conftest import sign_in

    sign_in(client, staff(django_user_model, CAMPAIGNER, "noaddress", email=""))
    update = CampaignUpdateFactory(campaign=petition.campaign)
    response = client.post(preview_url(update), {"language": "en"}, follow=True)
    assert response.status_code == 200
    assert "Your account has no email address" in response.content.decode()
    assert not OutgoingEmail.objects.exists()


def test_sending_from_the_admin_shows_progress_as_counts_only(
    petition, campaigner, worker, django_capture_on_commit_callbacks
):
    for n in range(1, 4):
        supporter(petition, n)
    OutgoingEmail.objects.all().delete()
    update = CampaignUpdateFactory(campaign=petition.campaign)
    page = campaigner.get(preview_url(update)).content.decode()
    assert "Send to 3 supporters" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = campaigner.post(send_url(update), follow=True)
    assert "Sending to 3 supporters." in response.content.decode()
    send_outbox()
    change = reverse("admin:campaigns_campaignupdate_change", args=[update.pk])
    page = campaigner.get(change).content.decode()
    assert '<th scope="row">Recipients planned</th><td>3</td>' in page
    assert '<th scope="row">Written to the outbox</th><td>3</td>' in page
    assert '<th scope="row">Sent by the outbox</th><td>3</td>' in page
    assert 'name="subject_en"' not in page  # what went out stays as it went out
    assert 'name="_save"' not in page
    for visited in (page, campaigner.get(preview_url(update)).content.decode()):
        assert "@example.org" not in visited and "Reader1" not in visited
    delete = reverse("admin:campaigns_campaignupdate_delete", args=[update.pk])
    assert campaigner.post(delete, {"post": "yes"}).status_code == 403
    again = campaigner.post(send_url(update), follow=True).content.decode()
    assert "already been sent" in again
    assert OutgoingEmail.objects.count() == 3


def test_only_staff_with_the_permission_can_send(petition, client, django_user_model):
    from django.contrib.auth.models import Permission

    from tests.conftest import sign_in

    supporter(petition, 1)
    update = CampaignUpdateFactory(campaign=petition.campaign)
    writer = django_user_model.objects.create_user("writer", "w@ngo.example.org", is_staff=True)
    writer.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="campaigns", codename__endswith="_campaignupdate"
        ).exclude(codename="send_campaignupdate")
    )
    sign_in(client, writer)
    page = client.get(preview_url(update)).content.decode()
    assert "Send to 1 supporter" not in page and "You may not send updates" in page
    assert client.post(send_url(update)).status_code == 403
    update.refresh_from_db()
    assert update.state == CampaignUpdate.State.DRAFT


@pytest.mark.parametrize(
    "role,allowed",
    [(EDITOR, False), (DATA_PROTECTION_OFFICER, False), (CAMPAIGNER, True), (ADMINISTRATOR, True)],
)
def test_roles(role, allowed, role_client, petition):
    update = CampaignUpdateFactory(campaign=petition.campaign)
    client = role_client(role)
    expected = 200 if allowed else 403
    assert client.get(preview_url(update)).status_code == expected
    assert client.get(reverse("admin:campaigns_campaignupdate_add")).status_code == expected
    assert client.post(send_url(update)).status_code in ({302} if allowed else {403})


def test_admin_pages_query_budget(campaigner, worker, django_capture_on_commit_callbacks):
    """Many updates, many recipients: the list, the page and the preview cost the same."""

    def counts():
        update = CampaignUpdate.objects.order_by("pk").last()
        return (
            page_queries(campaigner, reverse("admin:campaigns_campaignupdate_changelist")),
            page_queries(
                campaigner, reverse("admin:campaigns_campaignupdate_change", args=[update.pk])
            ),
            page_queries(campaigner, preview_url(update, "kk")),
        )

    def add(n_updates, n_supporters, start):
        petition = PetitionFactory()
        for n in range(start, start + n_supporters):
            supporter(petition, n)
        for _ in range(n_updates):
            update = CampaignUpdateFactory(campaign=petition.campaign)
        with django_capture_on_commit_callbacks(execute=True):
            updates.campaign_update_send(update=update, user=None)

    add(1, 1, 1)
    few = counts()
    add(15, 30, 10)
    assert counts() == few
