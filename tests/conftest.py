import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters, and a broker failure seen by one test, must not leak into the
    next test."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from core import ratelimit
    from outbox import handover

    cache.clear()
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)  # a request under /ru/ leaves Russian on
    handover.wait_until_handed_over()
    handover.reset()
    ratelimit.reset()


def pytest_collection_modifyitems(items):
    """The tests that read the demo data run last, together, so that it is loaded once."""
    uses_demo = [item for item in items if "demo_data" in getattr(item, "fixturenames", ())]
    items[:] = [item for item in items if item not in uses_demo] + uses_demo


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker):
    """The demo data, loaded once per test session inside a transaction that stays open
    until the session ends: each test then runs in a savepoint and rolls back to the demo
    data, and nothing of it outlives the session. Transactional tests cannot use it (their
    flush would need the transaction) and load the demo themselves."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        call_command("load_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo_data(request, demo_database):
    if request.node.get_closest_marker("django_db") and request.node.get_closest_marker(
        "django_db"
    ).kwargs.get("transaction"):
        pytest.fail("demo_data is for tests in a transaction; load the demo in the test")
    request.getfixturevalue("db")


def sign_in(client, user, *, second_factor=True):
    """Sign a staff member in; with a second factor verified, as after a TOTP code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if second_factor:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser, signed in with a second factor as the staff site requires."""
    return sign_in(client, admin_user)


@pytest.fixture
def role_client(client, django_user_model):
    """A client signed in as a new staff member with the given role (a group name)."""
    from django.contrib.auth.models import Group

    def make(role, *, second_factor=True, username=None):
        user = django_user_model.objects.create_user(
            username or role.lower().replace(" ", "-"), password="x", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        return sign_in(client, user, second_factor=second_factor)

    return make


@pytest.fixture
def staff_client(client, django_user_model):
    """A signed-in editor with exactly the permissions the Editor role gets."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("staff", "staff@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return client
