"""Staff access: roles made by a migration, each reaching what it needs and refused (403)
everywhere else; strong passwords; lockout; two-factor sign-in; session limits."""

import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from campaigns.models import Signature
from core.roles import ADMINISTRATOR, CAMPAIGNER, DATA_PROTECTION_OFFICER, EDITOR, ROLES
from prisoners.models import Prisoner
from supporters.models import Supporter
from tests.factories import PetitionFactory, PrisonerFactory

pytestmark = pytest.mark.django_db

ALL = (EDITOR, CAMPAIGNER, DATA_PROTECTION_OFFICER, ADMINISTRATOR)


def changelist(app, model):
    return reverse(f"admin:{app}_{model}_changelist")


# Every page a role must reach (200) and must not (403). Supporters' personal data is
# for the data protection officer and the administrator only.
MATRIX = [
    # (url, roles that get 200)
    (lambda: changelist("prisoners", "prisoner"), {EDITOR, CAMPAIGNER, ADMINISTRATOR}),
    (lambda: reverse("admin:prisoners_prisoner_add"), {EDITOR, ADMINISTRATOR}),
    (lambda: reverse("admin:prisoners_prisoner_import"), {EDITOR, ADMINISTRATOR}),
    (lambda: reverse("admin:prisoners_prisoner_export"), {EDITOR, CAMPAIGNER, ADMINISTRATOR}),
    (lambda: changelist("prisoners", "timelineevent"), set()),  # inline only: not registered
    (
        lambda: changelist("campaigns", "campaign"),
        {CAMPAIGNER, DATA_PROTECTION_OFFICER, ADMINISTRATOR},
    ),
    (lambda: reverse("admin:campaigns_campaign_add"), {CAMPAIGNER, ADMINISTRATOR}),
    (
        lambda: changelist("campaigns", "petition"),
        {CAMPAIGNER, DATA_PROTECTION_OFFICER, ADMINISTRATOR},
    ),
    (
        lambda: changelist("campaigns", "solidaritymessage"),
        {CAMPAIGNER, DATA_PROTECTION_OFFICER, ADMINISTRATOR},
    ),
    (lambda: changelist("declarations", "declaration"), {CAMPAIGNER, ADMINISTRATOR}),
    (lambda: reverse("admin:declarations_declaration_import_text"), {CAMPAIGNER, ADMINISTRATOR}),
    (lambda: changelist("declarations", "parliamentarian"), {CAMPAIGNER, ADMINISTRATOR}),
    (lambda: reverse("admin:declarations_signatory_export"), {CAMPAIGNER, ADMINISTRATOR}),
    (
        lambda: reverse("admin:campaigns_signature_trending"),
        {CAMPAIGNER, DATA_PROTECTION_OFFICER, ADMINISTRATOR},
    ),
    # Personal data.
    (lambda: changelist("supporters", "supporter"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: changelist("campaigns", "signature"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: reverse("admin:campaigns_signature_export"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: reverse("admin:campaigns_signature_held"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: changelist("campaigns", "letter"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: changelist("outbox", "outgoingemail"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: changelist("supporters", "blockeddomain"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    (lambda: changelist("axes", "accessattempt"), {DATA_PROTECTION_OFFICER, ADMINISTRATOR}),
    # Staff accounts.
    (lambda: changelist("auth", "user"), {ADMINISTRATOR}),
    (lambda: changelist("auth", "group"), {ADMINISTRATOR}),
    (lambda: changelist("otp_totp", "totpdevice"), {ADMINISTRATOR}),
    (lambda: changelist("auditlog", "logentry"), set(ALL)),
]


def test_the_roles_exist_after_migrate_with_least_privilege():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)

    def perms(role):
        group = Group.objects.get(name=role)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert "prisoners.change_prisoner" in perms(EDITOR)
    assert not {p for p in perms(EDITOR) if p.startswith(("campaigns.", "supporters."))}
    assert "campaigns.change_campaign" in perms(CAMPAIGNER)
    assert "supporters.view_personal_data" not in perms(CAMPAIGNER)
    assert "campaigns.view_signature" not in perms(CAMPAIGNER)
    assert "supporters.view_personal_data" in perms(DATA_PROTECTION_OFFICER)
    assert "prisoners.change_prisoner" not in perms(DATA_PROTECTION_OFFICER)
    assert perms(ADMINISTRATOR) == {
        f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.all()
    }


@pytest.mark.parametrize("role", ALL)
def test_each_role_reaches_what_it_needs_and_nothing_else(role, role_client):
    client = role_client(role)
    PrisonerFactory()
    for url, allowed in MATRIX:
        try:
            path = url()
        except Exception:  # a model that has no admin page of its own
            assert not allowed
            continue
        response = client.get(path)
        expected = 200 if role in allowed else 403
        assert response.status_code == expected, (role, path, response.status_code)


@pytest.mark.parametrize("role", [EDITOR, CAMPAIGNER])
def test_supporters_data_cannot_be_exported_by_post_without_the_permission(role, role_client):
    from campaigns import services

    services.signature_create(
        petition=PetitionFactory(), name="Secret Name", email="secret@example.org", country="FR"
    )
    client = role_client(role)
    response = client.post(
        reverse("admin:campaigns_signature_export"),
        {"format": "0", "resource": "0", "signatureresource_email": "on"},
    )
    assert response.status_code == 403
    assert b"secret@example.org" not in response.content
    response = client.post(
        changelist("supporters", "supporter"),
        {"action": "export_data", "_selected_action": [Supporter.objects.get().pk]},
    )
    assert response.status_code == 403 and b"secret@example.org" not in response.content


def test_an_action_without_the_permission_is_refused(role_client):
    prisoner = PrisonerFactory(publication=Prisoner.Publication.DRAFT)
    client = role_client(CAMPAIGNER)  # may view prisoners, not change them
    response = client.post(
        changelist("prisoners", "prisoner"),
        {"action": "publish", "_selected_action": [prisoner.pk]},
    )
    assert response.status_code == 403
    prisoner.refresh_from_db()
    assert prisoner.publication == Prisoner.Publication.DRAFT
    editor = role_client(EDITOR, username="editor2")
    editor.post(
        changelist("prisoners", "prisoner"),
        {"action": "publish", "_selected_action": [prisoner.pk]},
    )
    prisoner.refresh_from_db()
    assert prisoner.publication == Prisoner.Publication.PUBLISHED


def test_the_data_protection_officer_reviews_held_signatures_in_bulk(role_client, settings):
    from campaigns import services

    settings.SIGNING_ADDRESS_LIMITS = [(0, 60)]
    petition = PetitionFactory()
    for n in range(3):
        signature = services.signature_create(
            petition=petition, name="N", email=f"n{n}@burst.example", country="FR", ip="192.0.2.9"
        )
        signature.confirm()
    assert petition.count == 0 and Signature.objects.held().count() == 3
    client = role_client(DATA_PROTECTION_OFFICER)
    page = client.get(reverse("admin:campaigns_signature_held"))
    [group] = page.context["groups"]
    assert group["domain"] == "burst.example" and group["signatures"] == 3
    client.post(
        reverse("admin:campaigns_signature_held"),
        {"verb": "validate", "ip_hash": group["ip_hash"], "domain": group["domain"]},
    )
    assert petition.count == 3 and not Signature.objects.held().exists()
    from auditlog.models import LogEntry

    entries = LogEntry.objects.filter(additional_data__admin_action="validate")
    assert entries.count() == 3
    assert all(e.changes["held"] == ["True", "False"] for e in entries)


# Passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "aaaaaaaaaaaa",
        "Kazakhstan2024",
        "politicalprisoners",
        "123456789012",
        "alice.smith2025",
    ],
)
def test_weak_passwords_are_refused(password, django_user_model):
    user = django_user_model(username="alice", email="alice.smith@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_is_accepted(django_user_model):
    user = django_user_model(username="alice", email="alice@example.org")
    validate_password("orbit lantern gravel symphony", user)


# Lockout -------------------------------------------------------------------------------

LOGIN = "two_factor:login"


def attempt(client, username, password, **extra):
    return client.post(
        reverse(LOGIN),
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        **extra,
    )


def test_lockout_says_the_same_whether_or_not_the_account_exists(client, django_user_model):
    django_user_model.objects.create_user(
        "real", password="orbit lantern gravel symphony", is_staff=True
    )
    answers = {}
    for username, ip in (("real", "192.0.2.1"), ("nobody", "192.0.2.2")):
        for _ in range(5):
            response = attempt(client, username, "wrong", REMOTE_ADDR=ip)
        answers[username] = (response.status_code, response.content)
    assert answers["real"][0] == 429
    assert answers["real"] == answers["nobody"]
    # Locked means locked, even with the right password.
    response = attempt(client, "real", "orbit lantern gravel symphony", REMOTE_ADDR="192.0.2.3")
    assert response.status_code == 429


def test_lockout_by_client_address_behind_the_trusted_proxy(client, settings, django_user_model):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    django_user_model.objects.create_user(
        "carol", password="orbit lantern gravel symphony", is_staff=True
    )
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for n in range(5):  # one attacker, five accounts
        attempt(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.66", **proxy)
    locked = attempt(
        client,
        "carol",
        "orbit lantern gravel symphony",
        HTTP_X_FORWARDED_FOR="198.51.100.66",
        **proxy,
    )
    assert locked.status_code == 429
    # Another supporter behind the same proxy is not locked out with the attacker.
    other = attempt(
        client,
        "carol",
        "orbit lantern gravel symphony",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
        **proxy,
    )
    assert other.status_code == 302


# Two-factor sign-in --------------------------------------------------------------------


def totp_code(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.token()


def test_administrators_must_set_up_a_second_factor(client, django_user_model):
    admin = django_user_model.objects.create_user("boss", password="x", is_staff=True)
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    client.force_login(admin)  # a password alone
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor:setup"))
    assert client.get(changelist("auth", "user")).status_code == 302


def test_a_data_protection_officer_with_a_device_must_use_it(client, django_user_model):
    officer = django_user_model.objects.create_user(
        "dpo", password="orbit lantern gravel symphony", is_staff=True
    )
    officer.groups.add(Group.objects.get(name=DATA_PROTECTION_OFFICER))
    device = TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    response = attempt(client, "dpo", "orbit lantern gravel symphony")
    assert response.status_code == 200 and "token-otp_token" in response.content.decode()
    assert client.get(changelist("supporters", "supporter")).status_code == 302
    response = client.post(
        reverse(LOGIN),
        {"login_view-current_step": "token", "token-otp_token": totp_code(device)},
    )
    assert response.status_code == 302
    assert client.get(changelist("supporters", "supporter")).status_code == 200


def test_recovery_codes_sign_in_once_each(client, django_user_model):
    officer = django_user_model.objects.create_user(
        "dpo", password="orbit lantern gravel symphony", is_staff=True
    )
    officer.groups.add(Group.objects.get(name=DATA_PROTECTION_OFFICER))
    TOTPDevice.objects.create(user=officer, name="default", confirmed=True)
    backup = StaticDevice.objects.create(user=officer, name="backup")
    backup.token_set.create(token="recover1")

    def sign_in_with(code):
        client.logout()
        attempt(client, "dpo", "orbit lantern gravel symphony")
        client.post(reverse(LOGIN), {"wizard_goto_step": "backup"})
        return client.post(
            reverse(LOGIN), {"login_view-current_step": "backup", "backup-otp_token": code}
        )

    assert sign_in_with("recover1").status_code == 302
    assert client.get(changelist("supporters", "supporter")).status_code == 200
    assert sign_in_with("recover1").status_code == 200  # used up
    assert client.get(changelist("supporters", "supporter")).status_code == 302


def test_an_editor_may_sign_in_with_a_password_alone(client, django_user_model):
    editor = django_user_model.objects.create_user(
        "ed", password="orbit lantern gravel symphony", is_staff=True
    )
    editor.groups.add(Group.objects.get(name=EDITOR))
    assert attempt(client, "ed", "orbit lantern gravel symphony").status_code == 302
    assert client.get(changelist("prisoners", "prisoner")).status_code == 200


def test_create_administrator_command(monkeypatch, django_user_model):
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "Kazakhstan2024")
    with pytest.raises(CommandError, match="Password refused"):
        call_command(
            "create_administrator",
            "first",
            "first@ngo.example.org",
            password_env="FIRST_ADMIN_PASSWORD",
        )
    monkeypatch.setenv("FIRST_ADMIN_PASSWORD", "orbit lantern gravel symphony")
    call_command(
        "create_administrator",
        "first",
        "first@ngo.example.org",
        password_env="FIRST_ADMIN_PASSWORD",
    )
    user = django_user_model.objects.get(username="first")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [ADMINISTRATOR]
    assert user.check_password("orbit lantern gravel symphony")
    with pytest.raises(CommandError, match="already"):
        call_command(
            "create_administrator", "first", "x@example.org", password_env="FIRST_ADMIN_PASSWORD"
        )


# Sessions ------------------------------------------------------------------------------


def test_sessions_end_after_30_idle_minutes_and_12_hours_at_most(role_client, settings):
    client = role_client(EDITOR)
    assert client.get(changelist("prisoners", "prisoner")).status_code == 200
    assert client.session.get_expiry_age() == 30 * 60
    assert client.session.get_expire_at_browser_close()
    session = client.session
    session["_signed_in_at"] = time.time() - 12 * 3600 - 1
    session.save()
    assert client.get(changelist("prisoners", "prisoner")).status_code == 302


def test_every_campaigns_permission_but_personal_data_still_cannot_export(
    client, django_user_model
):
    """The fault that was seen: staff with every permission of the campaigns and supporters
    apps except the personal-data one downloaded every supporter by POSTing to the export."""
    from campaigns import services
    from tests.conftest import sign_in

    services.signature_create(
        petition=PetitionFactory(), name="Secret Name", email="secret@example.org", country="FR"
    )
    user = django_user_model.objects.create_user("old-editor", password="x", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["campaigns", "supporters"]).exclude(
            codename="view_personal_data"
        )
    )
    sign_in(client, user)
    for url in (
        reverse("admin:campaigns_signature_export"),
        changelist("campaigns", "signature"),
        changelist("supporters", "supporter"),
        changelist("campaigns", "letter"),
    ):
        assert client.get(url).status_code == 403, url
        response = client.post(
            url, {"format": "0", "resource": "0", "signatureresource_email": "on"}
        )
        assert response.status_code == 403 and b"secret@example.org" not in response.content
    message_page = client.get(changelist("campaigns", "solidaritymessage"))
    assert message_page.status_code == 200


def test_staff_pages_follow_the_browsers_language(client, role_client):
    login = client.get(reverse(LOGIN), HTTP_ACCEPT_LANGUAGE="ru")
    assert login["Content-Language"] == "ru" and "Accept-Language" in login["Vary"]
    assert 'lang="ru"' in login.content.decode()
    staff = role_client(EDITOR)
    page = staff.get(changelist("prisoners", "prisoner"), HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")
    assert page["Content-Language"] == "ru"
    english = staff.get(changelist("prisoners", "prisoner"), HTTP_ACCEPT_LANGUAGE="en")
    assert english["Content-Language"] == "en"
    # The public site keeps taking its language from the address, not the browser.
    public = client.get("/prisoners/", HTTP_ACCEPT_LANGUAGE="ru")
    assert 'lang="en"' in public.content.decode()
