"""Bulk sign-off (bootcamp/services/bulk_signoffs.py): each row through the
single sign-off's rules, refusals per row with their reason, one audit entry
per sign-off."""

import datetime
import uuid

import pytest
from django.utils import timezone

from bootcamp import services
from bootcamp.models import CheckoffEvent, ItemState
from bootcamp.services.bulk_signoffs import signoffs_record_bulk
from installer_ops.models import AuditEntry
from installer_ops.sync import sync_batch_apply
from tests.bootcamp.fixtures import tablet_check
from tests.factories import InstallerFactory

pytestmark = pytest.mark.django_db


def tablet_uncheck(enrollment, item):
    sync_batch_apply(
        actor=enrollment.installer.user,
        device_id="tablet",
        events=[
            {
                "id": str(uuid.uuid4()),
                "type": "item.unchecked",
                "enrollment": enrollment.pk,
                "item": item.pk,
                "occurred_at": (timezone.now() + datetime.timedelta(seconds=1)).isoformat(),
            }
        ],
    )


def signoff_items(b):
    return [item for item in b.items if item.needs_signoff]


def signed_off(enrollment, item) -> bool:
    return ItemState.objects.get(enrollment=enrollment, item=item).signed_off


def test_the_rest_applies_when_the_installer_unchecked_one_meanwhile(bootcamp):
    b = bootcamp
    first, second = signoff_items(b)
    tablet_check(b.enrollment, first, second)
    tablet_check(b.other_enrollment, first)
    tablet_uncheck(b.enrollment, second)  # after the lead loaded the queue

    outcome = signoffs_record_bulk(
        actor=b.lead_a,
        items=[(b.enrollment, first), (b.enrollment, second), (b.other_enrollment, first)],
    )

    assert len(outcome.signed) == 2
    assert [(r.enrollment, r.item) for r in outcome.refused] == [(b.enrollment, second)]
    assert "has not checked" in outcome.refused[0].reason
    assert signed_off(b.enrollment, first) and signed_off(b.other_enrollment, first)
    assert not ItemState.objects.get(enrollment=b.enrollment, item=second).checked
    assert not CheckoffEvent.objects.filter(enrollment=b.enrollment, item=second, type="item.signed_off").exists()


def test_another_leads_installer_is_refused_and_nothing_of_theirs_written(bootcamp):
    b = bootcamp
    first, _second = signoff_items(b)
    theirs_cohort = services.cohort_create(
        actor=None,
        name="Pod B cohort",
        program_version=b.version,
        start_on=datetime.date(2026, 11, 2),
        lead=b.lead_b,
        pods=[b.pod_b],
        capacity=10,
    )
    (theirs,) = services.enrollment_bulk_create(
        actor=None, cohort=theirs_cohort, installers=[InstallerFactory(pod=b.pod_b)]
    )
    tablet_check(b.enrollment, first)
    tablet_check(theirs, first)

    outcome = signoffs_record_bulk(actor=b.lead_a, items=[(theirs, first), (b.enrollment, first)])

    assert [(e.enrollment_id, e.item_id) for e in outcome.signed] == [(b.enrollment.pk, first.pk)]
    assert [(r.enrollment, r.reason) for r in outcome.refused] == [
        (theirs, "Only the installer's lead signs off their items.")
    ]
    assert not signed_off(theirs, first)
    assert not AuditEntry.objects.filter(action="sign_off", object_id=str(theirs.pk)).exists()


def test_an_item_signed_off_already_is_refused(bootcamp):
    b = bootcamp
    first, second = signoff_items(b)
    tablet_check(b.enrollment, first, second)
    services.enrollment_signoff_record(actor=b.lead_a, enrollment=b.enrollment, item=first, action="sign_off")

    outcome = signoffs_record_bulk(actor=b.lead_a, items=[(b.enrollment, first), (b.enrollment, second)])

    assert [e.item_id for e in outcome.signed] == [second.pk]
    assert [(r.item, r.reason) for r in outcome.refused] == [(first, "This item is signed off already.")]
    assert CheckoffEvent.objects.filter(enrollment=b.enrollment, item=first, type="item.signed_off").count() == 1


def test_an_item_without_sign_off_is_refused_with_the_single_sign_offs_reason(bootcamp):
    b = bootcamp
    plain = next(item for item in b.items if not item.needs_signoff)
    tablet_check(b.enrollment, plain)

    outcome = signoffs_record_bulk(actor=b.lead_a, items=[(b.enrollment, plain)])

    assert outcome.signed == []
    assert outcome.refused[0].reason == "This item does not need a sign-off."


def test_one_audit_entry_per_sign_off_and_none_for_a_refusal(bootcamp):
    b = bootcamp
    first, second = signoff_items(b)
    tablet_check(b.enrollment, first, second)
    tablet_check(b.other_enrollment, second)
    before = AuditEntry.objects.count()

    outcome = signoffs_record_bulk(
        actor=b.lead_a,
        items=[
            (b.enrollment, first),
            (b.enrollment, second),
            (b.other_enrollment, second),
            (b.other_enrollment, first),
        ],
    )

    assert len(outcome.signed) == 3 and len(outcome.refused) == 1
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert len(entries) == 3
    assert {(e.actor_id, e.action, e.object_type) for e in entries} == {(b.lead_a.pk, "sign_off", "enrollment")}
    assert sorted((int(e.object_id), e.changes["item"]) for e in entries) == sorted(
        [(b.enrollment.pk, first.pk), (b.enrollment.pk, second.pk), (b.other_enrollment.pk, second.pk)]
    )
    assert {e.changes["event"] for e in entries} == {str(event.pk) for event in outcome.signed}


def test_the_same_row_twice_is_signed_off_once(bootcamp):
    b = bootcamp
    first, _second = signoff_items(b)
    tablet_check(b.enrollment, first)

    outcome = signoffs_record_bulk(actor=b.lead_a, items=[(b.enrollment, first), (b.enrollment, first)])

    assert len(outcome.signed) == 1 and outcome.refused == []


def test_an_installer_signs_off_nothing(bootcamp):
    b = bootcamp
    first, _second = signoff_items(b)
    tablet_check(b.enrollment, first)

    outcome = signoffs_record_bulk(actor=b.other.user, items=[(b.enrollment, first)])

    assert outcome.signed == [] and len(outcome.refused) == 1
    assert not signed_off(b.enrollment, first)
