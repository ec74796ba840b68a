import pytest

from bootcamp.models import CheckoffEvent
from tests.bootcamp.fixtures import tablet_check

pytestmark = pytest.mark.django_db


def signoff(api, user, b, item, action="sign_off", comment=""):
    return api.as_user(user).post(
        f"/api/v1/enrollments/{b.enrollment.pk}/signoffs/", {"item": item.pk, "action": action, "comment": comment}
    )


def item_state(response, item):
    return next(i for m in response.json()["modules"] for i in m["items"] if i["id"] == item.pk)


def test_the_cohort_lead_signs_off_a_checked_item_and_rejection_reopens_it(api, bootcamp):
    b = bootcamp
    needs = b.items[1]
    tablet_check(b.enrollment, needs)
    signed = signoff(api, b.lead_a, b, needs)
    assert signed.status_code == 201
    assert item_state(signed, needs)["signed_off"] is True
    rejected = signoff(api, b.lead_a, b, needs, "reject", "The certificate chain was not verified")
    assert rejected.status_code == 201
    state = item_state(rejected, needs)
    assert (state["checked"], state["signed_off"]) == (False, False)
    assert state["rejection_comment"] == "The certificate chain was not verified"
    assert CheckoffEvent.objects.filter(item=needs).count() == 3  # the history keeps everything


def test_signoff_of_an_unchecked_item_is_409_and_writes_nothing(api, bootcamp):
    b = bootcamp
    response = signoff(api, b.lead_a, b, b.items[1])
    assert response.status_code == 409
    assert "not checked" in response.json()["detail"]
    assert not CheckoffEvent.objects.exists()


def test_only_the_cohorts_lead_and_only_sign_off_items(api, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[0])
    tablet_check(b.enrollment, b.items[1])
    assert signoff(api, b.lead_b, b, b.items[1]).status_code == 404  # another pod's lead: out of scope
    assert signoff(api, b.installer.user, b, b.items[1]).status_code == 403  # in scope, not allowed
    no_signoff = signoff(api, b.lead_a, b, b.items[0])
    assert no_signoff.status_code == 400 and "item" in no_signoff.json()
    missing_comment = signoff(api, b.lead_a, b, b.items[1], "reject")
    assert missing_comment.status_code == 400 and "comment" in missing_comment.json()
    assert CheckoffEvent.objects.filter(type__in=["item.signed_off", "item.rejected"]).count() == 0


def test_a_signoff_takes_effect_after_a_check_a_tablet_dated_slightly_ahead(api, bootcamp):
    """The check is believed (within five minutes ahead), so the lead's
    decision is ordered after it: before, it was stored, answered 201, and
    left the item checked but not signed off."""
    import datetime as dt

    from django.utils import timezone

    from bootcamp import services
    from bootcamp.models import ItemState
    from tests.bootcamp.test_sync import event, statuses, sync

    b = bootcamp
    ahead = timezone.now() + dt.timedelta(minutes=2)
    sync(api, b.installer.user, [event(b.enrollment, b.items[1], occurred_at=ahead)])
    services.enrollment_signoff_record(actor=b.lead_a, enrollment=b.enrollment, item=b.items[1], action="sign_off")
    assert ItemState.objects.get(enrollment=b.enrollment, item=b.items[1]).signed_off
    later = event(b.enrollment, b.items[1], "item.unchecked", occurred_at=ahead + dt.timedelta(minutes=1))
    answer = sync(api, b.installer.user, [later])
    assert statuses(answer) == ["rejected"] and answer.json()["results"][0]["reason"] == "item signed off"
