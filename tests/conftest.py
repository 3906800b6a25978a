import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters must not leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_data(db):
    call_command("load_demo")


@pytest.fixture
def staff_client(client, django_user_model):
    """A signed-in editor with exactly the permissions the Editors group gets."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", "staff@example.org", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="prisoners"))
    client.force_login(user)
    return client
