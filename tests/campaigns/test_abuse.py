"""Abuse controls: the client address behind proxies, limits that fail safe, the
blocklist, the recount, and what staff are told."""

import datetime

import pytest
from django.core import mail
from django.test import RequestFactory, override_settings
from django.utils import timezone

from campaigns import services, tasks
from campaigns.models import Letter, LetterAction, Official, PetitionCounterShard, Signature
from core.client import client_ip
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from supporters.models import BlockedDomain
from tests.factories import CampaignFactory, PetitionFactory

pytestmark = pytest.mark.django_db


def request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        ([], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # no proxy trusted: the peer
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["127.0.0.1"], "127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged left
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        (["127.0.0.1"], "203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not via the proxy
        (["unix"], "", "198.51.100.1", "198.51.100.1"),  # nginx over a unix socket
        ([], "", "198.51.100.1", ""),  # a unix socket nobody trusts: unknown
        (["127.0.0.1"], "127.0.0.1", "garbage", ""),
        (["127.0.0.1"], "127.0.0.1", "", "127.0.0.1"),
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
        (["127.0.0.1"], "127.0.0.1", "[2001:db8::7]:4711", "2001:db8::7"),
        ([], "::ffff:203.0.113.5", None, "203.0.113.5"),
        ([], "not-an-address", None, ""),
    ],
)
def test_the_client_is_the_rightmost_untrusted_address(trusted, remote, forwarded, client):
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_ip(request(remote, forwarded)) == client
    from core import client as client_module

    client_module._trusted.cache_clear()


def sign(client, petition, n, **meta):
    return client.post(
        petition.get_absolute_url(),
        {"name": "N", "email": f"n{n}@example.org", "country": "FR"},
        **meta,
    )


def test_an_unknown_address_does_not_switch_the_limits_off(client, settings):
    settings.TRUSTED_PROXIES = []
    petition = PetitionFactory()
    for n in range(4):  # over a unix socket without a trusted proxy: no address at all
        assert sign(client, petition, n, REMOTE_ADDR="").status_code == 302
    assert Signature.objects.filter(held=False).count() == 3
    assert Signature.objects.get(supporter__email="n3@example.org").hold_reason == "address"


def test_behind_the_proxy_each_supporter_has_their_own_limit(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    petition = PetitionFactory()
    for n in range(10):  # ten people behind the same proxy
        sign(client, petition, n, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.{n}.1")
    assert not Signature.objects.filter(held=True).exists()


class BrokenCache:
    """settings.CACHES for a Redis that is not there (nothing listens on port 9)."""

    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_when_the_cache_is_down_signatures_are_held_not_lost_and_not_counted(client, settings):
    petition = PetitionFactory()
    with override_settings(CACHES=BrokenCache.CACHES):
        for n in range(3):
            assert sign(client, petition, n, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
    assert Signature.objects.count() == 3
    assert set(Signature.objects.values_list("hold_reason", flat=True)) == {"limits_down"}
    assert outbox_tasks.send_due_emails() == 3  # each is asked to confirm, as usual
    for signature in Signature.objects.all():
        signature.confirm()
    assert petition.count == 0  # until staff validate them


def test_when_the_cache_is_down_a_letter_is_kept_and_held(client, admin_client):
    action = LetterAction.objects.create(
        campaign=CampaignFactory(),
        slug="w",
        title="Write",
        subject="Free them",
        suggested_letter="Dear Sir",
    )
    action.recipients.add(Official.objects.create(name="M", position="P", email="m@gov.example"))
    data = {"name": "A", "email": "a@example.org", "country": "KZ", "body": "Release them."}
    with override_settings(CACHES=BrokenCache.CACHES):
        response = client.post(action.get_absolute_url(), data, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 200
    letter = Letter.objects.get()
    assert letter.held and not OutgoingEmail.objects.exists()
    from django.urls import reverse

    admin_client.post(
        reverse("admin:campaigns_letter_changelist"),
        {"action": "release", "_selected_action": [letter.pk]},
    )
    letter.refresh_from_db()
    assert not letter.held
    assert outbox_tasks.send_due_emails() == 1 and mail.outbox[0].to == ["m@gov.example"]


@pytest.mark.parametrize(
    "email",
    ["bot@mailinator.com", "bot@eu.mailinator.com", "bot@Sub.Blocked.Example", "x@blocked.example"],
)
def test_blocked_domains_match_their_subdomains(client, email):
    BlockedDomain.objects.create(domain="blocked.example")
    response = client.post(
        PetitionFactory().get_absolute_url(),
        {"name": "N", "email": email, "country": "FR"},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 400
    assert "cannot sign" in response.content.decode()
    assert not Signature.objects.exists()


def test_a_lookalike_domain_is_not_blocked(client):
    BlockedDomain.objects.create(domain="blocked.example")
    response = client.post(
        PetitionFactory().get_absolute_url(),
        {"name": "N", "email": "n@notblocked.example", "country": "FR"},
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 302


def test_the_nightly_recount_fixes_drift_and_logs_it(caplog):
    petition = PetitionFactory()
    for n in range(5):
        services.signature_create(
            petition=petition,
            name="N",
            email=f"r{n}@example.org",
            country="FR",
            ip=f"198.51.100.{n}",
        ).confirm()
    assert petition.count == 5
    PetitionCounterShard.objects.filter(petition=petition).update(count=7)  # drifted
    Signature.objects.filter(supporter__email="r0@example.org").update(in_count=False)
    before = petition.count
    assert before != 5
    assert tasks.recount_petitions() == {petition.pk: 5 - before}
    assert petition.count == 5
    assert "counters were off" in caplog.text
    assert tasks.recount_petitions() == {}  # nothing left to fix
    assert Signature.objects.filter(in_count=True).count() == 5


def test_the_staff_digest_lists_failed_mail_held_signatures_and_trending_sources(settings):
    settings.CAMPAIGN_STAFF_EMAILS = ["staff@ngo.example.org"]
    settings.SIGNING_ADDRESS_LIMITS = [(1, 3600)]
    petition = PetitionFactory()
    for n in range(3):
        services.signature_create(
            petition=petition,
            name="N",
            email=f"t{n}@burst.example",
            country="FR",
            ip="203.0.113.9",
        )
    OutgoingEmail.objects.filter(key__startswith="signature-").update(status="failed")
    tasks.send_staff_digest()
    outbox_tasks.send_due_emails()
    [digest] = [m for m in mail.outbox if m.to == ["staff@ngo.example.org"]]
    assert "Emails that failed for good" in digest.body
    assert "campaigns/email/confirm_signature: 3" in digest.body
    assert "Signatures held for review: 2" in digest.body
    assert "@burst.example: 3" in digest.body
    fingerprint = Signature.objects.first().ip_hash
    assert f"network {fingerprint}: 3" in digest.body


def test_trending_lists_the_networks_and_domains_of_the_last_hour(admin_client, settings):
    from django.urls import reverse

    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()
    for n in range(4):
        services.signature_create(
            petition=petition,
            name="N",
            email=f"t{n}@burst.example",
            country="FR",
            ip="203.0.113.9",
        )
    old = services.signature_create(
        petition=petition, name="N", email="old@old.example", country="FR", ip="192.0.2.1"
    )
    Signature.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    page = admin_client.get(reverse("admin:campaigns_signature_trending"))
    trending = page.context["trending"]
    assert trending["domains"][0]["domain"] == "burst.example"
    assert trending["domains"][0]["signatures"] == 4
    assert "old.example" not in page.content.decode()
