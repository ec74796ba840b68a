"""After a sign-off in place (htmx) nothing on the enrollment page is stale:
the answer carries the item's card, out-of-band swaps of the totals and the
module's heading, and a status line saying what was decided."""

import re

import pytest

from tests.bootcamp.fixtures import tablet_check

pytestmark = pytest.mark.django_db


def _post(client, b, item, **data):
    url = f"/lead/enrollments/{b.enrollment.pk}/items/{item.pk}/signoff/"
    return client.post(url, data, headers={"HX-Request": "true"}).content.decode()


def _oob(html: str, element_id: str) -> str:
    match = re.search(rf'<(\w+) [^>]*id="{element_id}"[^>]*hx-swap-oob="[^"]+"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no out-of-band swap of #{element_id} in {html}"
    return match.group(2)


def test_a_sign_off_answers_the_card_the_new_totals_the_module_and_a_status(client, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[0], b.items[1])  # one done, one awaiting sign-off
    client.force_login(b.lead_a)
    page = client.get(f"/lead/enrollments/{b.enrollment.pk}/").content.decode()
    assert "1 of 5 done" in page and "1 of 3 done" in page
    assert 'id="signoff-status"' in page

    html = _post(client, b, b.items[1], action="sign_off")

    assert html.lstrip().startswith("<li")  # the card first, swapped in place
    totals = _oob(html, "enrollment-totals")
    assert "2 of 5 done" in totals and "40%" in totals
    assert "awaiting sign-off" not in totals
    module = _oob(html, f"module-{b.items[1].module_id}")
    assert "2 of 3 done" in module
    assert f"Signed off: {b.items[1].title}" in _oob(html, "signoff-status")


def test_a_rejection_says_so_and_the_counts_follow(client, bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[0], b.items[1], b.items[2])
    client.force_login(b.lead_a)
    _post(client, b, b.items[1], action="sign_off")
    html = _post(client, b, b.items[1], action="reject", comment="Again, on the lit site")
    assert f"Rejected: {b.items[1].title}" in _oob(html, "signoff-status")
    assert "2 of 5 done" in _oob(html, "enrollment-totals")  # 3 done before, the rejected one reopens
    module = _oob(html, f"module-{b.items[1].module_id}")
    assert "2 of 3 done" in module and "Complete" not in module


def test_a_refusal_shows_its_reason_as_the_status_and_swaps_no_counts(client, bootcamp):
    b = bootcamp
    client.force_login(b.lead_a)
    html = _post(client, b, b.items[1], action="reject")
    assert "Say what to redo when rejecting." in _oob(html, "signoff-status")
    assert 'id="enrollment-totals"' not in html
