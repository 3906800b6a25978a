"""Rate limits as counters in the cache, each window opening with the first request it sees.

`over_limit` says whether a request goes over any of its (count, seconds) windows. It
raises LimitsUnavailable when the cache cannot be reached: each caller decides what failing
safe means for it (a signature is held for staff, a letter is held, a message waits for
moderation anyway).

After a cache failure, this process stops asking the cache for CACHE_BACKOFF_SECONDS, so
that while Redis is down or frozen no request waits for it more than once.
"""

import logging
import time

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

RATE_LIMITED_MESSAGE = _(
    "Too many submissions came from your connection in the last minutes. "
    "Please wait a minute and try again."
)
CACHE_BACKOFF_SECONDS = 10

_state = {"down_since": None}


class LimitsUnavailable(Exception):
    """The counters cannot be read: the cache is down."""


class RateLimited(Exception):
    """The request went over a limit and is refused."""


def cache_available():
    down_since = _state["down_since"]
    return down_since is None or time.monotonic() - down_since >= CACHE_BACKOFF_SECONDS


def cache_failed(error):
    if cache_available():
        logger.warning("Cache unavailable (%s): rate limits fail safe for a while.", error)
    _state["down_since"] = time.monotonic()


def reset():
    _state["down_since"] = None


def over_limit(key, limits):
    if not cache_available():
        raise LimitsUnavailable
    try:
        over = False
        for count, seconds in limits:
            window_key = f"rl:{key}:{seconds}"
            seen = 1 if cache.add(window_key, 1, timeout=seconds) else cache.incr(window_key)
            over = over or seen > count
        _state["down_since"] = None
        return over
    except ValueError:  # the window expired between add and incr: this is its first hit
        return False
    except Exception as error:
        cache_failed(error)
        raise LimitsUnavailable from error
