"""Single sign-on through an OpenID Connect provider (mozilla-django-oidc).

The provider vouches for an email address; the person signs in as the one
existing, active login with that address (compared case-insensitively). No
login is ever created from a provider's answer: accounts come from hiring and
invitations, where a pod and a role come with them. Anything else (an
unknown address, a deactivated login, two active logins sharing the address,
a provider that fails) is refused and said on the login page.

Whether single sign-on is on is read at request time from
AUTHENTICATION_BACKENDS, which the settings fill only when the provider is
configured: the login page's button and the /oidc/ routes follow it.
"""

import logging
from enum import StrEnum

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

BACKEND = "installer_ops.single_sign_on.EmailMatchBackend"


def single_sign_on_enabled() -> bool:
    return BACKEND in settings.AUTHENTICATION_BACKENDS


class Refusal(StrEnum):
    NO_EMAIL = "no-email"
    UNKNOWN = "unknown"
    INACTIVE = "inactive"
    AMBIGUOUS = "ambiguous"
    LOCKED = "locked"
    PROVIDER = "provider"
    CANCELLED = "cancelled"
    STALE = "stale"


REFUSAL_TEXT = {
    Refusal.NO_EMAIL: _("Single sign-on did not tell us your email address, so we could not find your account."),
    Refusal.UNKNOWN: _(
        "No account here uses the email address %(email)s. Ask your installer lead or an administrator to add you."
    ),
    Refusal.INACTIVE: _("The account for %(email)s is no longer active. Ask an administrator if this is a mistake."),
    Refusal.AMBIGUOUS: _(
        "More than one account uses the email address %(email)s, so single sign-on cannot tell which is yours. "
        "Ask an administrator to fix the accounts, or log in with your username and password."
    ),
    Refusal.LOCKED: _("Too many refused sign-ins for %(email)s from this address. Please try again later."),
    Refusal.PROVIDER: _("Single sign-on could not be completed. Please try again, or log in with your password."),
    Refusal.CANCELLED: _("Single sign-on was cancelled or refused by the provider."),
    Refusal.STALE: _("That single sign-on attempt had expired. Please start again."),
}


def _refuse(request, reason: Refusal, email: str = "") -> None:
    """Remember why on the request, for the callback view's message."""
    request.single_sign_on_refusal = reason
    request.single_sign_on_refused_email = email
    logger.warning("Single sign-on refused (%s) for %s", reason, email or "no email")


class EmailMatchBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with our own matching: by email,
    case-insensitively, among active logins; refuse rather than guess or create."""

    def authenticate(self, request, **kwargs):
        # Only our callback's call is a sign-on. mozilla-django-oidc would
        # otherwise take any authenticate() whose request has ?code=&state=,
        # a password login's included, as a provider's answer.
        if "nonce" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.InvalidTokenError) as error:
            # The provider is down, answered nonsense, or its token did not
            # verify: a refusal to explain, not a server error.
            logger.warning("Single sign-on with the provider failed: %s", error)
            _refuse(request, Refusal.PROVIDER)
            return None

    def verify_claims(self, claims) -> bool:
        # An address the provider itself says is unverified proves nothing.
        return bool((claims.get("email") or "").strip()) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email).order_by("pk")

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            _refuse(self.request, Refusal.NO_EMAIL)
            return None
        email = claims["email"].strip()
        # django-axes keys this attempt on the vouched-for address (axes_username).
        self.request.single_sign_on_email = email.lower()
        matches = list(self.filter_users_by_claims(claims))
        active = [user for user in matches if self.user_can_authenticate(user)]
        if len(active) > 1:
            _refuse(self.request, Refusal.AMBIGUOUS, email)
            return None
        if not active:
            _refuse(self.request, Refusal.INACTIVE if matches else Refusal.UNKNOWN, email)
            return None
        if not AxesProxyHandler.is_allowed(self.request, {"username": email.lower()}):
            _refuse(self.request, Refusal.LOCKED, email)
            return None
        return active[0]

    def create_user(self, claims):
        # OIDC_CREATE_USER is False; this guards against it being switched on.
        raise SuspiciousOperation("Single sign-on never creates a login.")

    def get_user(self, user_id):
        # mozilla-django-oidc's get_user ignores is_active; Django's refuses a
        # deactivated login's session, as the password backend's sessions are.
        return super(OIDCAuthenticationBackend, self).get_user(user_id)


def axes_username(request, credentials) -> str | None:
    """django-axes' username for an attempt: the email the provider vouched
    for on a sign-on callback, otherwise axes' own default (the credentials'
    username, else the posted form's)."""
    email = getattr(request, "single_sign_on_email", None)
    if email:
        return email
    if credentials and credentials.get("nonce"):
        # A sign-on that failed before the provider named anyone (provider
        # down, a forged code): a key of its own, unique to the attempt, so
        # that such failures never pile up under one empty username and lock
        # out every sign-on from the address. Nobody can succeed that way.
        return f"single sign-on attempt {credentials['nonce']}"
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return credentials.get(field)
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return data.get(field)


class _OnlyWhenEnabled:
    def dispatch(self, request, *args, **kwargs):
        if not single_sign_on_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignOnStart(_OnlyWhenEnabled, OIDCAuthenticationRequestView):
    """Sends the browser to the provider, remembering state, nonce, PKCE verifier and `next`."""


class SignOnCallback(_OnlyWhenEnabled, OIDCAuthenticationCallbackView):
    """The provider sends the browser back here; a refusal lands on the login page with its reason."""

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation:
            # A state this session never issued: a replayed or second-tab callback.
            _refuse(request, Refusal.STALE)
            return self.login_failure()

    def login_failure(self):
        request = self.request
        reason = getattr(request, "single_sign_on_refusal", None)
        if reason is None:
            reason = Refusal.CANCELLED if request.GET.get("error") else Refusal.PROVIDER
        email = getattr(request, "single_sign_on_refused_email", "")
        messages.error(request, REFUSAL_TEXT[reason] % {"email": email})
        return redirect("login")


class LoginView(auth_views.LoginView):
    """Django's login page, offering single sign-on when it is configured."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "single_sign_on": single_sign_on_enabled()}


# Included under oidc/. The names are mozilla-django-oidc's, which its backend reverses.
urlpatterns = [
    path("authenticate/", SignOnStart.as_view(), name="oidc_authentication_init"),
    path("callback/", SignOnCallback.as_view(), name="oidc_authentication_callback"),
]
