"""Accounts in the browser: a new hire's invitation, a forgotten password,
and a separation ending a signed-in person's access at once."""

import datetime
import re
import urllib.error
import urllib.request

import pytest
from django.core import mail
from playwright.sync_api import expect
from rest_framework.authtoken.models import Token

from installer_ops.roles import Role
from tests.e2e.conftest import SCREENSHOTS, log_in, watch_csp
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-browser-test-pass"  # noqa: S105
NEW_PASSWORD = "fresh-field-passphrase-58"  # noqa: S105
WIDTHS = (390, 820, 1280)


def shoot(page, name: str) -> None:
    """The page at each width, full length; and no sideways scroll at any."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways at {width} px"
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def mailed_path(pattern: str) -> str:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return re.search(r"https?://[^/\s]+(" + pattern + r"[^\s]+/)", mail.outbox[0].body).group(1)


def test_a_new_hire_receives_the_invitation_sets_a_password_and_signs_in(page, browser, live_server):
    pod = PodFactory(name="Lisbon Retail")
    lead = lead_of(pod, password=PASSWORD)
    log_in(page, lead.username, PASSWORD)
    page.goto("/org/installers/new/")
    page.get_by_label("Full name").fill("Ines Duarte")
    page.get_by_label("Employee id").fill("FI-7001")
    page.get_by_label("Email").fill("ines@example.com")
    page.get_by_label("Pod").select_option(label="Lisbon Retail")
    page.get_by_role("button", name="Hire").click()
    expect(page.get_by_text("Ines Duarte was hired.")).to_be_visible()
    expect(page.get_by_text("not yet accepted")).to_be_visible()
    expect(page.get_by_role("button", name="Resend invitation")).to_be_visible()
    assert mail.outbox[0].to == ["ines@example.com"]
    link = mailed_path("/accounts/invitation/")

    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    newcomer = context.new_page()
    violations = watch_csp(newcomer)
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Welcome: set your password")).to_be_visible()
    expect(newcomer.get_by_text("Your login name is fi-7001")).to_be_visible()
    shoot(newcomer, "invitation-set-password")
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Set password").click()
    expect(newcomer.get_by_text("Your password is set.")).to_be_visible()
    log_in(newcomer, "fi-7001", NEW_PASSWORD)
    newcomer.goto("/accounts/")
    expect(newcomer.get_by_role("heading", name="Your account")).to_be_visible()
    expect(newcomer.get_by_text("Ines Duarte").first).to_be_visible()
    # Used once: the link now says so.
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="This invitation link no longer works")).to_be_visible()
    shoot(newcomer, "invitation-expired")
    context.close()
    assert not violations

    page.reload()
    expect(page.get_by_text("accepted (has signed in)")).to_be_visible()


def test_a_person_resets_a_forgotten_password(page):
    user = UserFactory(role=Role.LEAD, name="Lea Lopes", email="lea@example.com", password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    shoot(page, "password-reset-request")
    page.get_by_label("Email").fill("lea@example.com")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    shoot(page, "password-reset-sent")
    page.goto(mailed_path("/accounts/reset/"))
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    shoot(page, "password-reset-confirm")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Password set")).to_be_visible()
    page.get_by_role("link", name="Log in").last.click()
    log_in(page, user.username, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("did not match")  # the old one is gone
    log_in(page, user.username, NEW_PASSWORD)
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.get_by_role("button", name="Create a token").click()
    expect(page.get_by_text("it is not shown again")).to_be_visible()
    page.goto("/accounts/")
    expect(page.get_by_text("Lea Lopes").first).to_be_visible()
    shoot(page, "account-lead")


def _me(live_server, key: str) -> int:
    url = live_server.url + "/api/v1/me/"
    request = urllib.request.Request(url, headers={"Authorization": f"Token {key}"})  # noqa: S310 - the test server
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - the test server
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_separated_installers_session_and_token_stop_at_once(page, browser, live_server):
    pod = PodFactory(name="Porto Retail")
    lead = lead_of(pod, password=PASSWORD)
    installer = InstallerFactory(
        pod=pod, user__name="Sam Separated", user__password=PASSWORD, hired_on=datetime.date(2025, 1, 6)
    )
    key = Token.objects.create(user=installer.user).key
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    theirs = context.new_page()
    log_in(theirs, installer.user.username, PASSWORD)
    theirs.goto("/me/")
    expect(theirs.get_by_role("heading", level=1)).to_contain_text("Sam Separated")
    assert _me(live_server, key) == 200

    log_in(page, lead.username, PASSWORD)
    page.goto(f"/org/installers/{installer.pk}/")
    page.get_by_text("Record a promotion or separation").click()
    page.get_by_label("Left on").fill(datetime.date.today().isoformat())  # noqa: DTZ011 - a form's date
    page.get_by_label("Voluntary", exact=True).check()
    page.get_by_role("button", name="Record separation").click()
    expect(page.get_by_text("Separation recorded.")).to_be_visible()

    theirs.goto("/me/")
    expect(theirs).to_have_url(re.compile(r"/accounts/login/"))
    expect(theirs.get_by_role("heading", name="Log in")).to_be_visible()
    assert _me(live_server, key) == 401
    context.close()
