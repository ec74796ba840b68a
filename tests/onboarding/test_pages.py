import pytest

from onboarding.models import Day1Kit, OutageDrill

pytestmark = pytest.mark.django_db


def test_the_board_is_scoped_and_says_what_is_missing(client, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit(acknowledge=False)  # also moves the installer to onboarding
    client.force_login(o.lead)
    page = client.get("/lead/onboarding/").content.decode()
    assert o.installer.name in page
    assert "Runbook v1 is not acknowledged yet." in page
    client.force_login(o.b.lead_b)
    assert o.installer.name not in client.get("/lead/onboarding/").content.decode()
    assert client.get(f"/lead/onboarding/installers/{o.installer.pk}/").status_code == 404


def test_a_refused_action_is_explained_and_writes_nothing(client, onboarding):
    o = onboarding
    client.force_login(o.lead)
    response = client.post(f"/lead/onboarding/installers/{o.installer.pk}/clear/", follow=True)
    text = response.content.decode()
    assert "cannot be cleared yet" in text and "Bootcamp complete" in text
    bad = client.post(f"/lead/onboarding/installers/{o.installer.pk}/kit/", {"device_serial": ""}, follow=True)
    assert "Device serial: This field is required." in bad.content.decode()
    assert not Day1Kit.objects.exists()
    drill = client.post(f"/lead/onboarding/installers/{o.installer.pk}/drills/", {"scenario": 999}, follow=True)
    assert "Scenario: Select a valid choice." in drill.content.decode()
    assert not OutageDrill.objects.exists()


def test_next_only_follows_local_addresses(client, onboarding):
    o = onboarding
    client.force_login(o.lead)
    response = client.post(f"/lead/onboarding/installers/{o.installer.pk}/clear/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/lead/onboarding/installers/{o.installer.pk}/"
    local = client.post(f"/lead/onboarding/installers/{o.installer.pk}/clear/", {"next": "/lead/onboarding/"})
    assert local["Location"] == "/lead/onboarding/"


def test_the_daily_job_moves_finished_bootcamps_to_onboarding(onboarding):
    from installer_ops.models import Stage
    from onboarding.tasks import advance_completed_bootcamps

    o = onboarding
    assert advance_completed_bootcamps.delay().get() == 0
    o.finish_bootcamp()
    assert advance_completed_bootcamps.delay().get() == 1
    o.installer.refresh_from_db()
    assert o.installer.stage == Stage.ONBOARDING
    assert advance_completed_bootcamps.delay().get() == 0  # idempotent
