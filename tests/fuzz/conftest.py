import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def no_language_left_behind():
    """A request under /ru/ leaves Russian active in this thread, and the tests that run
    next would build Russian URLs."""
    yield
    translation.deactivate()
