"""What the tablet downloads for each item (instructions, "needs a photo"),
and the rule that a module waiting only for the lead's sign-off is not
overdue (docs/product.md, Offline tablet)."""

import datetime

import pytest

from bootcamp import selectors, services
from bootcamp.models import Enrollment, Item
from bootcamp.reminders import overdue_reminders_record
from tests.bootcamp.fixtures import tablet_check

pytestmark = pytest.mark.django_db
LATE = datetime.date(2026, 11, 10)  # module 1 was due on 4 November, module 2 on 9 November


def progress_of(enrollment):
    (progress,) = selectors.enrollments_progress([Enrollment.objects.select_related("cohort").get(pk=enrollment.pk)])
    return progress


def test_each_item_carries_its_instructions_and_whether_it_needs_a_photo(bootcamp, client):
    flash = bootcamp.items[0]
    Item.objects.filter(pk=flash.pk).update(description="Use the provisioning laptop.\nCompare the SHA-256.")
    Item.objects.filter(pk=bootcamp.items[1].pk).update(needs_evidence=True)
    client.force_login(bootcamp.installer.user)
    body = client.get(f"/api/v1/enrollments/{bootcamp.enrollment.pk}/").json()
    items = {i["id"]: i for m in body["modules"] for i in m["items"]}
    assert items[flash.pk]["description"] == "Use the provisioning laptop.\nCompare the SHA-256."
    assert items[flash.pk]["needs_evidence"] is False
    assert items[bootcamp.items[1].pk]["needs_evidence"] is True
    assert items[bootcamp.items[2].pk]["description"] == ""
    listed = client.get("/api/v1/enrollments/").json()["results"][0]
    assert listed["modules"][0]["items"][0]["description"].startswith("Use the provisioning laptop.")


def test_the_sync_answer_carries_the_same_shape(bootcamp):
    outcome = tablet_check(bootcamp.enrollment, bootcamp.items[0])
    (shaped,) = outcome.answer["enrollments"]
    item = shaped["modules"][0]["items"][0]
    assert {"description", "needs_evidence"} <= item.keys()
    assert shaped["modules"][0]["waiting_for_signoff"] is False


def test_a_module_that_only_waits_for_the_lead_is_not_overdue(bootcamp):
    module_1 = bootcamp.items[:3]
    tablet_check(bootcamp.enrollment, *module_1)  # the second item needs the lead's sign-off
    first, second = progress_of(bootcamp.enrollment).modules
    assert first.waiting_for_signoff and not first.complete
    assert not first.overdue_on(LATE)
    assert second.overdue_on(LATE) and not second.waiting_for_signoff  # nothing checked: the installer's to do
    shaped = selectors.enrollment_states([bootcamp.enrollment])[0]
    assert [m["waiting_for_signoff"] for m in shaped["modules"]] == [True, False]

    (summary,) = selectors.cohort_summaries([bootcamp.cohort], LATE)
    assert summary.awaiting_signoff == 1  # the lead still sees it, as theirs to do
    assert summary.overdue == 3  # module 2 of the installer, modules 1 and 2 of the other installer


def test_a_module_with_an_unchecked_item_beside_one_awaiting_sign_off_is_still_overdue(bootcamp):
    tablet_check(bootcamp.enrollment, *bootcamp.items[1:3])  # the first item is left open
    first, _ = progress_of(bootcamp.enrollment).modules
    assert first.awaiting_signoff == 1
    assert not first.waiting_for_signoff
    assert first.overdue_on(LATE)


def test_a_signed_off_module_is_complete_not_waiting(bootcamp):
    tablet_check(bootcamp.enrollment, *bootcamp.items[:3])
    services.enrollment_signoff_record(
        actor=bootcamp.lead_a, enrollment=bootcamp.enrollment, item=bootcamp.items[1], action="sign_off"
    )
    first, _ = progress_of(bootcamp.enrollment).modules
    assert first.complete and not first.waiting_for_signoff and not first.overdue_on(LATE)


def test_no_overdue_reminder_for_a_module_that_waits_for_the_lead(bootcamp):
    from installer_ops.models import Stage

    bootcamp.installer.stage = Stage.BOOTCAMP
    bootcamp.installer.save(update_fields=["stage"])
    tablet_check(bootcamp.enrollment, *bootcamp.items[:3])
    overdue_reminders_record(today=LATE)
    reminded = set(bootcamp.enrollment.reminders.values_list("module__position", flat=True))
    assert reminded == {2}
