""" "Clear for independent deployment" is the page's primary action only when
the gate is met; with requirements unmet it is disabled and lists them, and
once cleared it gives way to "Cleared until <date>"."""

import re

import pytest
from django.utils.formats import date_format

from onboarding.models import Clearance

pytestmark = pytest.mark.django_db


def _clear_button(html: str) -> str:
    match = re.search(r"<button[^>]*>Clear for independent deployment</button>", html)
    return match.group(0) if match else ""


def _page(client, o) -> str:
    client.force_login(o.lead)
    return client.get(f"/lead/onboarding/installers/{o.installer.pk}/").content.decode()


def test_with_four_unmet_requirements_the_button_is_disabled_and_says_why(client, onboarding):
    html = _page(client, onboarding)
    button = _clear_button(html)
    assert "disabled" in button and "primary" not in button
    unmet = re.search(r'<div id="clear-unmet".*?</div>', html, re.S).group(0)
    assert "4 requirements are not met yet" in unmet
    for label in ("Bootcamp complete", "Day-1 kit issued and acknowledged", "Shadow week done", "Outage drill passed"):
        assert label in unmet


def test_with_the_gate_met_it_is_the_primary_action(client, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit()
    o.shadow()
    o.drill()
    button = _clear_button(_page(client, o))
    assert "primary" in button and "disabled" not in button


def test_once_cleared_it_shows_until_when_instead(client, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit()
    o.shadow()
    o.drill()
    client.force_login(o.lead)
    client.post(f"/lead/onboarding/installers/{o.installer.pk}/clear/")
    clearance = Clearance.objects.get()
    html = _page(client, o)
    assert _clear_button(html) == ""
    assert f"Cleared until {date_format(clearance.valid_until)}" in html
