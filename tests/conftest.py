import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters, and a broker failure seen by one test, must not leak into the
    next test."""
    from django.core.cache import cache

    from core import ratelimit
    from outbox import handover

    cache.clear()
    yield
    cache.clear()
    handover.wait_until_handed_over()
    handover.reset()
    ratelimit.reset()


@pytest.fixture
def demo_data(db):
    call_command("load_demo")


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
