"""Single sign-on: who the provider's email matches, and what the pages do
around it. The provider's answers are stubbed here; the browser tests
(tests/e2e/test_single_sign_on.py) run the whole flow against a real one."""

from urllib.parse import parse_qs, urlparse

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse

from installer_ops.models import User
from installer_ops.single_sign_on import BACKEND, EmailMatchBackend, Refusal
from tests.factories import UserFactory
from tests.oidc_provider.process import free_port

pytestmark = pytest.mark.django_db

PROVIDER = "https://sso.example.test"


@pytest.fixture
def sso_on(settings):
    settings.OIDC_RP_CLIENT_ID = "installer-ops"
    settings.OIDC_RP_CLIENT_SECRET = "a-client-secret"  # noqa: S105
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks/"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    return settings


def match(claims: dict):
    """What the backend makes of the provider's user info `claims`: (user or None, request)."""
    backend = EmailMatchBackend()
    request = RequestFactory().get("/oidc/callback/")
    backend.request = request
    backend.get_userinfo = lambda access_token, id_token, payload: claims
    return backend.get_or_create_user("access", "id", {}), request


def test_matches_by_email_whatever_its_case(sso_on):
    ada = UserFactory(username="ada", email="ada.field@example.com")
    UserFactory(username="bob", email="bob@example.com")
    user, _ = match({"email": "  Ada.Field@EXAMPLE.com", "sub": "1"})
    assert user == ada


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "nobody@example.com"}, Refusal.UNKNOWN),
        ({"sub": "1"}, Refusal.NO_EMAIL),
        ({"email": "  "}, Refusal.NO_EMAIL),
        ({"email": "ada@example.com", "email_verified": False}, Refusal.NO_EMAIL),
    ],
)
def test_refuses_without_a_known_vouched_email_and_creates_nobody(sso_on, claims, reason):
    UserFactory(username="ada", email="ada@example.com")
    before = User.objects.count()
    user, request = match(claims)
    assert user is None
    assert request.single_sign_on_refusal == reason
    assert User.objects.count() == before


def test_creates_nobody_even_if_creation_were_switched_on(sso_on):
    sso_on.OIDC_CREATE_USER = True
    before = User.objects.count()
    user, request = match({"email": "newcomer@example.com"})
    assert (user, request.single_sign_on_refusal) == (None, Refusal.UNKNOWN)
    assert User.objects.count() == before
    with pytest.raises(Exception, match="never creates"):
        EmailMatchBackend().create_user({"email": "newcomer@example.com"})


def test_refuses_a_deactivated_login(sso_on):
    UserFactory(username="ada", email="ada@example.com", is_active=False)
    user, request = match({"email": "ada@example.com"})
    assert (user, request.single_sign_on_refusal) == (None, Refusal.INACTIVE)


def test_refuses_two_active_logins_sharing_the_email(sso_on):
    UserFactory(username="ada", email="ada@example.com")
    UserFactory(username="ada2", email="ADA@example.com")
    user, request = match({"email": "ada@example.com"})
    assert (user, request.single_sign_on_refusal) == (None, Refusal.AMBIGUOUS)


def test_a_deactivated_namesake_does_not_make_it_ambiguous(sso_on):
    UserFactory(username="ada-old", email="ada@example.com", is_active=False)
    ada = UserFactory(username="ada", email="Ada@example.com")
    user, _ = match({"email": "ada@example.com"})
    assert user == ada


def test_a_deactivated_login_loses_its_sign_on_session(sso_on):
    ada = UserFactory(username="ada", email="ada@example.com")
    assert EmailMatchBackend().get_user(ada.pk) == ada
    ada.is_active = False
    ada.save()
    assert EmailMatchBackend().get_user(ada.pk) is None


def test_an_unreachable_provider_is_a_refusal_not_an_error(sso_on):
    sso_on.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/token/"
    request = RequestFactory().get("/oidc/callback/", {"code": "c", "state": "s"})
    assert EmailMatchBackend().authenticate(request, nonce="n", code_verifier="v") is None
    assert request.single_sign_on_refusal == Refusal.PROVIDER


def test_only_the_callback_is_a_sign_on(sso_on):
    sso_on.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{free_port()}/token/"
    request = RequestFactory().post("/accounts/login/?code=c&state=s")
    assert EmailMatchBackend().authenticate(request, username="ada", password="pw") is None
    assert EmailMatchBackend().authenticate(request) is None
    assert not hasattr(request, "single_sign_on_refusal")  # the provider was never asked


# --- the pages -------------------------------------------------------------------------------


def test_without_configuration_there_is_no_button_and_no_route(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "single sign-on" not in page.content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "c", "state": "s"}).status_code == 404


def test_configured_the_login_page_offers_it_keeping_next(sso_on, client):
    page = client.get(reverse("login"), {"next": "/me/"})
    assert 'href="/oidc/authenticate/?next=/me/"' in page.content.decode()
    answer = client.get("/oidc/authenticate/", {"next": "/me/"})
    assert answer.status_code == 302
    target = urlparse(answer["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{PROVIDER}/authorize/"
    assert query["client_id"] == ["installer-ops"]
    assert query["scope"] == ["openid email"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert client.session["oidc_login_next"] == "/me/"


@pytest.fixture
def provider_says(sso_on, monkeypatch):
    """Stub the provider's token and user-info answers: `provider_says(claims)`."""

    tokens = {"id_token": "i", "access_token": "a"}

    def say(claims: dict) -> None:
        monkeypatch.setattr(EmailMatchBackend, "get_token", lambda self, payload: tokens)
        monkeypatch.setattr(EmailMatchBackend, "verify_token", lambda self, token, **kwargs: {"sub": "1"})
        monkeypatch.setattr(EmailMatchBackend, "get_userinfo", lambda self, access, id_token, payload: claims)

    return say


def sign_on(client):
    """Start at our side, then come back from the provider with a code."""
    start = client.get("/oidc/authenticate/")
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    return client.get("/oidc/callback/", {"code": "a-code", "state": state}, follow=True)


def test_a_matched_person_is_signed_in_and_axes_logs_it(provider_says, client):
    ada = UserFactory(username="ada", email="ada@example.com")
    provider_says({"email": "ADA@example.com"})
    page = sign_on(client)
    assert int(client.session[SESSION_KEY]) == ada.pk
    assert client.session["_auth_user_backend"] == BACKEND
    assert page.redirect_chain[0] == ("/", 302)
    assert AccessLog.objects.filter(username="ada").exists()


@pytest.mark.parametrize(
    ("email", "is_active", "text"),
    [
        ("stranger@example.com", True, "No account here uses the email address stranger@example.com"),
        ("ada@example.com", False, "The account for ada@example.com is no longer active"),
    ],
)
def test_a_refusal_is_said_on_the_login_page(provider_says, client, email, is_active, text):
    UserFactory(username="ada", email="ada@example.com", is_active=is_active)
    provider_says({"email": email})
    page = sign_on(client)
    assert page.status_code == 200
    assert page.redirect_chain[-1] == (reverse("login"), 302)
    assert text in page.content.decode()
    assert SESSION_KEY not in client.session


def test_a_cancelled_or_replayed_callback_is_said_too(sso_on, client):
    page = client.get("/oidc/callback/", {"error": "access_denied"}, follow=True)
    assert "cancelled or refused" in page.content.decode()
    client.get("/oidc/authenticate/")
    page = client.get("/oidc/callback/", {"code": "c", "state": "not-ours"}, follow=True)
    assert page.status_code == 200
    assert "had expired" in page.content.decode()


def test_refusals_count_against_the_email_not_the_whole_address(provider_says, client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="ada", email="ada@example.com")
    provider_says({"email": "stranger@example.com"})
    for _ in range(2):
        assert sign_on(client).status_code == 200
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"stranger@example.com"}
    locked = sign_on(client)
    assert locked.status_code == 429  # axes' lockout page, as for passwords
    # Someone else signing on from the same address is not locked out.
    provider_says({"email": "ada@example.com"})
    sign_on(client)
    assert client.session[SESSION_KEY]


def test_failures_that_name_no_email_never_lock_out_the_address(provider_says, client, settings, monkeypatch):
    """A provider that is down (or a forged code) names nobody: such attempts
    must not pile up under one 'no username' key and lock every sign-on from
    the office's address."""
    import requests

    settings.AXES_FAILURE_LIMIT = 3
    ada = UserFactory(username="ada", email="ada@example.com")

    def down(self, payload):
        raise requests.ConnectionError("provider down")

    monkeypatch.setattr(EmailMatchBackend, "get_token", down)
    for _ in range(4):
        assert sign_on(client).status_code == 200
    provider_says({"email": "ada@example.com"})
    sign_on(client)
    assert int(client.session[SESSION_KEY]) == ada.pk
