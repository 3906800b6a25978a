"""Rate limits as counters in the cache, each window opening with the first request it sees.

`over_limit` says whether a request goes over any of its (count, seconds) windows. It
raises LimitsUnavailable when the cache cannot be reached: each caller decides what failing
safe means for it (a signature is held for staff, a letter is held, a message waits for
moderation anyway).
"""

import logging

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

RATE_LIMITED_MESSAGE = _(
    "Too many submissions came from your connection in the last minutes. "
    "Please wait a minute and try again."
)


class LimitsUnavailable(Exception):
    """The counters cannot be read: the cache is down."""


class RateLimited(Exception):
    """The request went over a limit and is refused."""


def over_limit(key, limits):
    try:
        over = False
        for count, seconds in limits:
            window_key = f"rl:{key}:{seconds}"
            seen = 1 if cache.add(window_key, 1, timeout=seconds) else cache.incr(window_key)
            over = over or seen > count
        return over
    except ValueError:  # the window expired between add and incr: this is its first hit
        return False
    except Exception as error:
        logger.warning("Rate-limit counters unavailable (%s): failing safe.", error)
        raise LimitsUnavailable from error
