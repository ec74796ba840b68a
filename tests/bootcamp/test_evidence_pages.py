"""The lead's enrollment page (lead-enrollment) shows each item's photos and
says when one is still awaited; the sign-off waits for it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bootcamp.evidence_selectors import evidence_url
from tests.bootcamp.photos import image_bytes, photo_for

pytestmark = pytest.mark.django_db


def card(body: str, item) -> str:
    """The item's card: up to the next card or the module's end."""
    start = body.index(f'id="item-{item.pk}"')
    ends = [body.find(mark, start) for mark in ('class="item-card', "</section>")]
    return body[start : min(end for end in ends if end != -1)]


def page(client, camp) -> str:
    client.force_login(camp.lead_a)
    response = client.get(reverse("lead-enrollment", args=[camp.enrollment.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_each_items_photos_and_which_are_awaited(client, camp):
    camp.event(camp.enrollment, camp.photo_item)
    camp.event(camp.enrollment, camp.signed_item)
    stored = photo_for(camp.enrollment, camp.photo_item).evidence
    body = page(client, camp)

    arrived = card(body, camp.photo_item)
    url = evidence_url(stored.pk)
    assert f'<a href="{url}"><img src="{url}"' in arrived
    assert f"Photo of “{camp.photo_item.title}” taken" in arrived
    assert "Waiting for the photo" not in arrived

    awaited = card(body, camp.signed_item)
    assert "Waiting for the photo" in awaited and "<img" not in awaited
    assert 'value="sign_off"' not in awaited  # not signable yet
    assert 'value="reject"' in awaited  # the lead may still send it back


def test_once_the_photo_arrives_the_item_can_be_signed_off_from_the_page(client, camp):
    camp.event(camp.enrollment, camp.signed_item)
    signoff = reverse("lead-enrollment-signoff", args=[camp.enrollment.pk, camp.signed_item.pk])
    client.force_login(camp.lead_a)
    refused = client.post(signoff, {"action": "sign_off"}, headers={"HX-Request": "true"})
    assert "The photo has not arrived yet" in refused.content.decode()

    photo_for(camp.enrollment, camp.signed_item)
    awaiting = card(page(client, camp), camp.signed_item)
    assert 'value="sign_off"' in awaiting and "Awaiting sign-off" in awaiting
    signed = client.post(signoff, {"action": "sign_off"}, headers={"HX-Request": "true"}).content.decode()
    assert "Signed off" in signed and "<img" in signed  # the answer's card keeps the photo


def test_an_item_not_checked_says_it_needs_a_photo(client, camp):
    assert "needs a photo" in card(page(client, camp), camp.photo_item)


def test_the_page_reads_the_same_queries_for_one_photo_and_for_many(client, camp):
    camp.event(camp.enrollment, camp.photo_item)
    photo_for(camp.enrollment, camp.photo_item)
    page(client, camp)
    with CaptureQueriesContext(connection) as few:
        page(client, camp)
    for n in range(4):
        photo_for(camp.enrollment, camp.photo_item, data=image_bytes(colour=(n, 40, 40)))
    camp.event(camp.enrollment, camp.signed_item)
    photo_for(camp.enrollment, camp.signed_item)
    with CaptureQueriesContext(connection) as many:
        body = page(client, camp)
    assert body.count("<img") == 6
    assert len(few.captured_queries) == len(many.captured_queries)
