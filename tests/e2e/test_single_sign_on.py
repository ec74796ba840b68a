"""Single sign-on against a real OpenID provider: django-oauth-toolkit in a
process of its own (tests/oidc_provider/), its own database and signing key.
The browser goes from our login page to the provider's, signs in there, and
comes back through our callback, which talks to the provider's token,
key-set and user-info endpoints itself."""

import re

import pytest
from axes.models import AccessLog
from playwright.sync_api import expect

from installer_ops.models import User
from installer_ops.single_sign_on import BACKEND
from tests.e2e.conftest import SCREENSHOTS
from tests.factories import InstallerFactory, PodFactory
from tests.oidc_provider.process import ProviderProcess

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_PASSWORD = "a-provider-pass"  # noqa: S105
# At the provider the address is written in another case than in our records.
ADA_AT_PROVIDER = "Ada.Field@Example.COM"
ADA_HERE = "ada.field@example.com"
STRANGER = "stranger@elsewhere.example"


@pytest.fixture(scope="module")
def provider(live_server):
    process = ProviderProcess(
        redirect_uri=f"{live_server.url}/oidc/callback/",
        users=[("ada", PROVIDER_PASSWORD, ADA_AT_PROVIDER), ("stranger", PROVIDER_PASSWORD, STRANGER)],
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def single_sign_on(provider, settings):
    """Our OIDC_ settings pointed at the provider, as the environment would set them."""
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    return provider


def sign_on_at_provider(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with single sign-on").click()
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_load_state()


def test_a_person_signs_in_through_the_provider_as_themselves(page, single_sign_on):
    pod = PodFactory(name="Berlin Retail")
    ada = InstallerFactory(pod=pod, user__name="Ada Field", user__email=ADA_HERE).user
    InstallerFactory(pod=pod, user__name="Bo Other", user__email="bo@example.com")

    page.goto("/accounts/login/")
    button = page.get_by_role("link", name="Sign in with single sign-on")
    expect(button).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=SCREENSHOTS / f"login-single-sign-on-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_on_at_provider(page, "ada")
    # An installer's home is the tablet app.
    expect(page).to_have_url(re.compile(r"/app/$"))
    page.goto("/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ada Field")
    assert AccessLog.objects.filter(username=ada.username).count() == 1


def test_an_unknown_email_is_refused_and_no_account_is_created(page, single_sign_on):
    InstallerFactory(user__name="Ada Field", user__email=ADA_HERE)
    users_before = User.objects.count()

    sign_on_at_provider(page, "stranger")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("status")).to_contain_text(f"No account here uses the email address {STRANGER}")
    page.set_viewport_size({"width": 390, "height": 800})
    page.screenshot(path=SCREENSHOTS / "login-single-sign-on-refused-390.png", full_page=True)
    assert User.objects.count() == users_before
    assert not User.objects.filter(email__iexact=STRANGER).exists()
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/me/$"))
