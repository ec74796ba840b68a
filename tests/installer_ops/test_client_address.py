"""Trusted proxies: the login lockout and the token throttle key on the real
client, whatever a client writes into X-Forwarded-For."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from installer_ops.client_address import client_address
from tests.factories import UserFactory

PASSWORD = "right-horse-battery"  # noqa: S105 - a test account's
PROXY = "10.0.0.5"
ATTACKER = "203.0.113.7"
VICTIM = "198.51.100.20"


def via_proxy(*forwarded: str) -> dict:
    """What our proxy hands on: its own address, and X-Forwarded-For with the client's appended."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ", ".join(forwarded)}


def login(client, username, password, **meta):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


def token(client, **meta) -> int:
    """A right password, so that only the throttle can refuse (not the lockout)."""
    response = client.post("/api/v1/auth/token/", {"username": "tina", "password": PASSWORD}, **meta)
    if response.status_code == 429:
        assert "throttled" in response.json()["detail"]
    return response.status_code


@pytest.mark.parametrize(
    ("forwarded", "proxies", "expected"),
    [
        (None, 0, PROXY),
        (ATTACKER, 0, PROXY),  # no trusted proxy: the header is the client's word
        (ATTACKER, 1, ATTACKER),
        (f"{VICTIM}, {ATTACKER}", 1, ATTACKER),  # the leftmost entry was forged
        (f"{VICTIM}, {ATTACKER}, 10.0.0.9", 2, ATTACKER),  # two proxies appended two entries
        (ATTACKER, 2, PROXY),  # shorter than the chain: did not come through every proxy
        (None, 1, PROXY),  # straight to the web process (a health check)
        ("", 1, PROXY),
        ("not-an-address", 1, PROXY),
        (f"{ATTACKER}, ", 1, PROXY),  # an empty last entry is not the client
        (f"{ATTACKER}:51234", 1, ATTACKER),  # a proxy that appends the port
        ("[2001:db8::7]:443", 1, "2001:db8::7"),
        ("2001:DB8:0::7", 1, "2001:db8::7"),  # one client, one spelling
        ("1.2.3.4:5:6", 1, PROXY),
        ("x" * 5000, 1, PROXY),
    ],
)
def test_the_client_is_the_nth_address_from_the_right(forwarded, proxies, expected):
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(meta, proxies) == expected


def test_the_client_address_is_settled_before_any_other_middleware():
    assert settings.MIDDLEWARE[0] == "installer_ops.client_address.ClientAddressMiddleware"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    assert settings.AXES_CLIENT_IP_CALLABLE == "installer_ops.client_address.remote_addr"


@pytest.mark.django_db
def test_behind_one_proxy_an_attacker_locks_only_their_own_attempts(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="vera", password=PASSWORD)
    attacker = Client()
    for n in range(5):
        assert login(attacker, "vera", f"wrong-{n}", **via_proxy(ATTACKER)).status_code == 200
    assert login(attacker, "vera", "wrong-5", **via_proxy(ATTACKER)).status_code == 429
    assert login(attacker, "vera", PASSWORD, **via_proxy(ATTACKER)).status_code == 429
    # Vera, through the same proxy from her own address, still gets in.
    assert login(Client(), "vera", PASSWORD, **via_proxy(VICTIM)).status_code == 302
    assert set(AccessAttempt.objects.values_list("username", "ip_address")) == {("vera", ATTACKER)}


@pytest.mark.django_db
def test_a_forged_leftmost_address_does_not_change_the_lockout_key(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="walt", password=PASSWORD)
    attacker = Client()
    # The attacker claims to be Walt's address; the proxy appends the real one.
    for n in range(6):
        login(attacker, "walt", f"wrong-{n}", **via_proxy(VICTIM, ATTACKER))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert login(Client(), "walt", PASSWORD, **via_proxy(VICTIM)).status_code == 302


@pytest.mark.django_db
def test_with_no_trusted_proxy_x_forwarded_for_is_ignored(settings, monkeypatch, fresh_throttle_counts):
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(username="xena", password=PASSWORD)
    client = Client()
    # A new made-up address on every try changes nothing: the key is the peer.
    for n in range(5):
        forged = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": f"192.0.2.{n}"}
        assert login(client, "xena", f"wrong-{n}", **forged).status_code == 200
    forged = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": "192.0.2.99"}
    assert login(client, "xena", "wrong-5", **forged).status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # Nor does it buy more tokens.
    UserFactory(username="tina", password=PASSWORD)
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    answers = [token(client, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(4)]
    assert answers == [200, 200, 200, 429]


@pytest.mark.django_db
def test_the_token_throttle_counts_each_real_client_behind_the_proxy(settings, monkeypatch, fresh_throttle_counts):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="tina", password=PASSWORD)
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/min"})
    client = Client()
    # Forged entries differ on every request; the one our proxy appended does not.
    answers = [token(client, **via_proxy(f"192.0.2.{n}", ATTACKER)) for n in range(4)]
    assert answers == [200, 200, 200, 429]
    # Another client behind the same proxy has a count of its own.
    assert token(Client(), **via_proxy(VICTIM)) == 200


@pytest.mark.django_db
def test_a_malformed_forwarded_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="yuri", password=PASSWORD)
    for forwarded in (",,,", "garbage", "[::1", "1.2.3.4, ]", "\x00"):
        response = login(Client(), "yuri", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
        assert response.status_code == 200, forwarded
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_a_negative_proxy_count_is_refused_at_start_up(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from installer_ops.settings.environment import env_int

    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "-1")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT must be at least 0"):
        env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
