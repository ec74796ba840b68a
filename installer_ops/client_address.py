"""The client's address, computed in one place (docs/architecture.md, Settings and processes).

Behind TRUSTED_PROXY_COUNT reverse proxies, REMOTE_ADDR is the nearest
proxy's address and X-Forwarded-For holds what each proxy appended. Only the
entries our own proxies appended can be trusted: anything to their left was
sent by the client and may be forged. So the client is the N-th address from
the right, and with no trusted proxy the header means nothing at all.

`ClientAddressMiddleware` runs first and writes the answer to
request.META["REMOTE_ADDR"]; the login lockout (django-axes, through
`remote_addr`) and DRF's throttles (NUM_PROXIES = 0) read only that, so no
library ever interprets X-Forwarded-For on its own.
"""

from ipaddress import ip_address

from django.conf import settings


def _parse_address(entry: str) -> str | None:
    """One X-Forwarded-For entry as a normalised IP address, or None.

    Some proxies append a port ("203.0.113.7:51234", "[2001:db8::1]:443");
    the port is dropped so that it cannot split one client into many keys."""
    entry = entry.strip()
    if entry.startswith("["):
        host, bracket, _ = entry[1:].partition("]")
        entry = host if bracket else ""
    elif entry.count(":") == 1:
        entry = entry.split(":", 1)[0]
    try:
        return str(ip_address(entry))
    except ValueError:
        return None


def client_address(meta, trusted_proxies: int) -> str | None:
    """The real client's address from a request's META.

    Falls back to REMOTE_ADDR when there is no trusted proxy, when the header
    is missing or shorter than the proxy chain (a request that did not come
    through every proxy), or when the trusted entry is not an address: a
    broken header costs the client its own key, never a 500 and never a
    value the client chose."""
    remote = meta.get("REMOTE_ADDR")
    if trusted_proxies <= 0:
        return remote
    entries = meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(entries) < trusted_proxies:
        return remote
    return _parse_address(entries[-trusted_proxies]) or remote


def remote_addr(request) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the address the middleware settled
    on, whether or not django-ipware happens to be installed."""
    return request.META.get("REMOTE_ADDR")


class ClientAddressMiddleware:
    """First in MIDDLEWARE: from here on REMOTE_ADDR is the real client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read per request so that a test's settings override applies at once.
        address = client_address(request.META, settings.TRUSTED_PROXY_COUNT)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
