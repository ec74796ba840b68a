"""Exactly one navigation entry is current: the longest URL prefix of the page."""

import pytest
from django.test import RequestFactory

from installer_ops.navigation import navigation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def current(user, path: str) -> list[str]:
    request = RequestFactory().get(path)
    request.user = user
    return [item["url"] for item in navigation(request)["nav_items"] if item["active"]]


def test_a_nested_page_lights_only_its_own_entry(settings):
    settings.NAVIGATION = {"admin": [("Cohorts", "lead-cohorts"), ("Onboarding", "onboarding-board")]}
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert current(admin, "/lead/onboarding/installers/3/") == ["/lead/onboarding/"]
    assert current(admin, "/lead/cohorts/4/") == ["/lead/"]
    assert current(admin, "/dashboard/") == []
