"""Network fingerprints that cannot be turned back into an address.

Two values are derived from a client's address, and neither outlives its purpose:

- a rate-limit key, from the full address, lives only in the cache and only for the
  length of the rate-limit window;
- a network fingerprint, from the /24 (IPv4) or /48 (IPv6) network, is kept with a
  signature so that staff can see bursts from one network.

Both are HMACs under a random key that changes every day and is kept only in the cache,
never in the database or in the settings. Whoever seizes the server finds at most the key
of the current day, and with it can test /24 networks, not addresses: every stored
fingerprint older than a day is useless to them.
"""

import datetime
import hashlib
import hmac
import ipaddress
import logging
import secrets
import threading

from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

KEY_LIFETIME = int(datetime.timedelta(days=2).total_seconds())
# When the cache cannot be reached, each process keeps a key of its own for the day.
_local = {"day": None, "key": None}
_lock = threading.Lock()


def daily_key(day=None):
    from .ratelimit import cache_available, cache_failed

    day = day or timezone.now().date()
    name = f"fingerprint-key:{day.isoformat()}"
    if cache_available():
        try:
            key = cache.get(name)
            if key is None:
                cache.add(name, secrets.token_hex(32), timeout=KEY_LIFETIME)
                key = cache.get(name)
            if key:
                return key
        except Exception as error:  # a process-local key still never leaves memory
            cache_failed(error)
    with _lock:
        if _local["day"] != day:
            _local.update(day=day, key=secrets.token_hex(32))
        return _local["key"]


def _hmac(text, key):
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def network(ip):
    """The /24 or /48 network an address belongs to, or "" for no address."""
    if not ip:
        return ""
    address = ipaddress.ip_address(ip)
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def network_fingerprint(ip):
    """16 hex digits naming the client's network for today; "" when the address is unknown."""
    if not ip:
        return ""
    return _hmac(network(ip), daily_key())[:16]


def address_key(ip):
    """Key for the rate-limit counters of one address (cache only). Unknown addresses share
    one key, so that they are limited together rather than not at all."""
    return _hmac(ip or "unknown", daily_key())[:32]


def network_key(ip):
    """Key for the rate-limit counters of the client's /24 or /48 network (cache only)."""
    return _hmac(f"net:{network(ip) or 'unknown'}", daily_key())[:32]


def keyed_digest(text):
    """A short digest of a value under today's key, for idempotency keys that must not
    carry the value itself (an email address in the outbox key, say)."""
    return _hmac(f"digest:{text}", daily_key())[:24]
