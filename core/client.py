"""The address of the client that made a request, behind the reverse proxies we trust.

Behind nginx every request comes from the proxy, so REMOTE_ADDR names the proxy and the
client is in X-Forwarded-For. Only proxies listed in TRUSTED_PROXIES are believed: the
client is the right-most address of the chain that is not a trusted proxy, so a forged
X-Forwarded-For sent through the proxy is ignored. An address that cannot be read comes
back as "", which the rate limits treat as one shared, strict bucket, never as "no limit".
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

# A peer with no address at all: gunicorn behind nginx over a unix socket.
UNIX_SOCKET = "unix"


@lru_cache(maxsize=8)
def _trusted(proxies):
    networks, unix = [], False
    for entry in proxies:
        if entry.strip().lower() == UNIX_SOCKET:
            unix = True
        else:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
    return tuple(networks), unix


def parse_ip(text):
    """A normalised address, or "" for anything that is not one. Ports and IPv6 brackets
    that some proxies add are removed."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1 and "." in text:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _is_trusted(address, networks, unix):
    if address == "":
        return unix
    parsed = ipaddress.ip_address(address)
    return any(parsed in network for network in networks)


def client_ip(request):
    """The client's address as a string, or "" when it cannot be known."""
    networks, unix = _trusted(tuple(settings.TRUSTED_PROXIES))
    peer = request.META.get("REMOTE_ADDR", "")
    address = parse_ip(peer)
    if peer and not address:
        return ""
    if not _is_trusted(address, networks, unix):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
    if not forwarded:
        return address  # the proxy itself, or "" over a unix socket
    hops = [parse_ip(hop) for hop in forwarded.split(",")]
    for hop in reversed(hops):
        if not hop:
            return ""  # a garbled chain: trust nothing further left in it
        if not _is_trusted(hop, networks, unix):
            return hop
    return hops[0]  # every hop is one of our proxies


def sign_in_username(request, credentials=None):
    """The username a sign-in attempt named, for the lockout: from the credentials given to
    authenticate(), or from the two-factor login form, whose field is "auth-username"."""
    if credentials and credentials.get("username"):
        return credentials["username"]
    data = getattr(request, "POST", {}) or {}
    return data.get("auth-username") or data.get("username")
