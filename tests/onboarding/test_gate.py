import pytest

from installer_ops.models import Stage
from onboarding.models import Clearance, DrillOutcome, OutageDrill

pytestmark = pytest.mark.django_db


def readiness(api, o):
    return api.as_user(o.lead).get(f"/api/v1/installers/{o.installer.pk}/readiness/").json()


def clear(api, o):
    return api.as_user(o.lead).post(f"/api/v1/installers/{o.installer.pk}/clearance/")


@pytest.mark.parametrize("missing", ["bootcamp", "kit", "shadow", "drill"])
def test_clearance_with_one_unmet_requirement_is_409_listing_exactly_it(api, onboarding, missing):
    o = onboarding
    steps = {"bootcamp": o.finish_bootcamp, "kit": o.issue_kit, "shadow": o.shadow, "drill": o.drill}
    for code, step in steps.items():
        if code != missing:
            step()
    response = clear(api, o)
    assert response.status_code == 409
    assert [r["code"] for r in response.json()["details"]] == [missing]
    assert not Clearance.objects.exists()
    o.installer.refresh_from_db()
    assert o.installer.stage != Stage.CLEARED


def test_clearance_with_nothing_done_lists_all_four(api, onboarding):
    response = clear(api, onboarding)
    assert response.status_code == 409
    assert [r["code"] for r in response.json()["details"]] == ["bootcamp", "kit", "shadow", "drill"]


def test_clearance_with_everything_met_is_201_and_the_installer_is_cleared(api, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit()
    o.shadow()
    o.drill()
    body = readiness(api, o)
    assert body["ready"] is True and all(r["met"] for r in body["requirements"])
    response = clear(api, o)
    assert response.status_code == 201, response.json()
    clearance = Clearance.objects.get()
    assert (clearance.cleared_by, clearance.installer) == (o.lead, o.installer)
    assert (clearance.valid_until - clearance.cleared_at.date()).days in range(365, 367)
    o.installer.refresh_from_db()
    assert o.installer.stage == Stage.CLEARED


def test_a_mentor_below_senior_installer_is_refused(api, onboarding):
    o = onboarding
    junior = type(o.mentor).objects.create(
        user=type(o.lead).objects.create(username="junior", name="Jo Junior"),
        employee_id="J-1",
        pod=o.b.pod_a,
        level=2,
        hired_on=o.installer.hired_on,
    )
    response = api.as_user(o.lead).post(
        "/api/v1/shadow-assignments/", {"installer": o.installer.pk, "mentor": junior.pk}, format="json"
    )
    assert response.status_code == 400
    assert "Mentors are Senior Installer or above" in response.json()["mentor"][0]
    ok = api.as_user(o.lead).post(
        "/api/v1/shadow-assignments/", {"installer": o.installer.pk, "mentor": o.mentor.pk}, format="json"
    )
    assert ok.status_code == 201


def test_four_confirmed_shadow_days_are_not_enough_five_are(onboarding):
    from onboarding.selectors import installer_readiness

    o = onboarding
    assignment = o.shadow(days=4)
    shadow = installer_readiness(o.installer).requirements[2]
    assert (shadow.code, shadow.met, shadow.detail) == ("shadow", False, "4 of 5 shadow days confirmed by the mentor.")
    o.shadow(days=1, start=4)  # the same assignment gets a fifth, earlier day
    assert assignment.days.filter(confirmed_at__isnull=False).count() == 5
    assert installer_readiness(o.installer).requirements[2].met


def test_unconfirmed_days_do_not_count_and_only_the_mentor_confirms(api, onboarding):
    from onboarding.selectors import installer_readiness

    o = onboarding
    assignment = o.shadow(days=5, confirm=False)
    assert not installer_readiness(o.installer).requirements[2].met
    day = assignment.days.first()
    own = api.as_user(o.installer.user).post(f"/api/v1/shadow-days/{day.pk}/confirm/")
    assert own.status_code == 400 and own.json() == {"non_field_errors": ["Only the mentor confirms a shadow day."]}
    assert api.as_user(o.b.lead_b).post(f"/api/v1/shadow-days/{day.pk}/confirm/").status_code == 404
    assert api.as_user(o.mentor.user).post(f"/api/v1/shadow-days/{day.pk}/confirm/").status_code == 200


def test_a_failed_drill_then_a_passed_one_meets_the_requirement_and_the_first_attempt_stays_failed(onboarding):
    from onboarding.selectors import installer_readiness

    o = onboarding
    first = o.drill(passed=False)
    assert not installer_readiness(o.installer).requirements[3].met
    second = o.drill(passed=True)
    assert installer_readiness(o.installer).requirements[3].met
    attempts = list(OutageDrill.objects.order_by("attempt").values_list("attempt", "outcome"))
    assert attempts == [(1, DrillOutcome.FAILED), (2, DrillOutcome.PASSED)]
    assert (first.attempt, second.attempt) == (1, 2)


def test_a_renewal_needs_a_refresher_drill(api, onboarding):
    o = onboarding
    o.finish_bootcamp()
    o.issue_kit()
    o.shadow()
    o.drill()
    assert clear(api, o).status_code == 201
    again = clear(api, o)
    assert again.status_code == 409
    assert [r["code"] for r in again.json()["details"]] == ["drill"]
    o.drill()
    assert clear(api, o).status_code == 201


def test_the_gate_is_scoped(api, onboarding):
    o = onboarding
    assert api.as_user(o.b.lead_b).get(f"/api/v1/installers/{o.installer.pk}/readiness/").status_code == 404
    assert api.as_user(o.b.lead_b).post(f"/api/v1/installers/{o.installer.pk}/clearance/").status_code == 404
    assert api.as_user(o.installer.user).get(f"/api/v1/installers/{o.installer.pk}/readiness/").status_code == 200
    assert api.as_user(o.installer.user).post(f"/api/v1/installers/{o.installer.pk}/clearance/").status_code == 403


def test_clearances_appear_as_expiring_30_days_ahead(onboarding):
    import datetime

    from dateutil.relativedelta import relativedelta

    from onboarding import services
    from onboarding.board_selectors import onboarding_board
    from onboarding.selectors import installer_readiness

    o = onboarding
    o.finish_bootcamp()
    o.issue_kit()
    o.shadow()
    o.drill()
    clearance = services.installer_clear(actor=o.lead, installer=o.installer)
    valid_until = clearance.valid_until
    assert valid_until == clearance.cleared_at.date() + relativedelta(months=12)
    today = valid_until - datetime.timedelta(days=31)
    columns = onboarding_board(o.lead, today=today).columns
    assert [card.readiness.installer for card in columns["cleared"]] == [o.installer]
    soon = valid_until - datetime.timedelta(days=30)
    columns = onboarding_board(o.lead, today=soon).columns
    assert columns["cleared"] == []
    # a refresher drill is what is missing
    assert [card.readiness.installer for card in columns["drill"]] == [o.installer]
    assert (
        installer_readiness(o.installer).requirements[3].detail
        == "A refresher drill is needed since the last clearance."
    )
