"""consent.recorded through the sync endpoint: stored once per event id, a
replay answers duplicate, other content under the same id a conflict, bad
events rejected with their reason beside good ones; complete and superseded
as the record was made; a fixed number of queries."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onboarding import document_services
from onboarding.models import ConsentRecord
from tests.factories import GeographyFactory

from .consent_fixtures import FLOW_V2, admin, consent_event, consent_flow, installer_in, results, signature_png, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    geography = GeographyFactory(code="de", name="Germany")
    document, version = consent_flow(geography)
    return geography, document, version, installer_in(geography)


def test_a_record_is_stored_once_and_a_replay_answers_duplicate(api, site):
    _geography, _document, version, installer = site
    event = consent_event(version, install_id="INS-7")
    assert results(sync(api, installer.user, [event])) == [("applied", "")]
    assert results(sync(api, installer.user, [event])) == [("duplicate", "")]
    record = ConsentRecord.objects.get()
    assert str(record.id) == event["id"]
    assert record.install_ref == "INS-7"
    assert record.complete and not record.superseded
    assert record.steps_done == [1, 2, 3, 4]
    assert bytes(record.signature_png).startswith(b"\x89PNG")


def test_the_same_id_with_other_content_is_a_conflict_and_stores_nothing_more(api, site):
    _g, _d, version, installer = site
    event = consent_event(version)
    sync(api, installer.user, [event])
    changed = {**event, "representative": "Someone Else"}
    assert results(sync(api, installer.user, [changed])) == [
        ("conflict", "an event with this id and other content exists")
    ]
    assert ConsentRecord.objects.get().representative == "Ana Ruiz"


def test_a_replay_inside_one_batch_is_stored_once(api, site):
    _g, _d, version, installer = site
    event = consent_event(version)
    assert [s for s, _r in results(sync(api, installer.user, [event, event]))] == ["applied", "duplicate"]
    assert ConsentRecord.objects.count() == 1


def test_missing_steps_or_signature_are_stored_but_not_complete(api, site):
    _g, _d, version, installer = site
    events = [
        consent_event(version, steps=[1, 2]),
        consent_event(version, signature=""),
        consent_event(version, representative=""),
    ]
    assert [s for s, _r in results(sync(api, installer.user, events))] == ["applied"] * 3
    assert ConsentRecord.objects.filter(complete=True).count() == 0


def test_a_record_against_a_superseded_version_is_stored_and_flagged(api, site):
    _g, document, version, installer = site
    document_services.document_publish(actor=admin(), document=document, body=FLOW_V2)
    # Made after v2 was published, from the v1 the tablet still held.
    late = consent_event(version, occurred_at=timezone.now())
    # Made offline before v2 was published, sent only now: not the installer's fault.
    early = consent_event(version, occurred_at=timezone.now() - datetime.timedelta(hours=2))
    assert [s for s, _r in results(sync(api, installer.user, [late, early]))] == ["applied", "applied"]
    assert ConsentRecord.objects.get(pk=late["id"]).superseded is True
    assert ConsentRecord.objects.get(pk=early["id"]).superseded is False


def test_a_translated_version_is_recorded_against_its_own_row(api, site):
    _g, document, version, installer = site
    from .consent_fixtures import FLOW_V1_DE

    german = document_services.document_publish(actor=admin(), document=document, body=FLOW_V1_DE, language="de")
    assert german.number == version.number and german.pk != version.pk
    assert results(sync(api, installer.user, [consent_event(german)])) == [("applied", "")]
    record = ConsentRecord.objects.get()
    assert record.version == german and record.complete and not record.superseded


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"install_id": ""}, "invalid: install_id must not be blank"),
        ({"install_id": "x" * 65}, "invalid: install_id must be at most 64 characters"),
        ({"install_id": 7}, "invalid: install_id must be a string"),
        ({"flow": "one"}, "invalid: flow must be an integer"),
        ({"steps_done": "1,2"}, "invalid: steps_done must be a list of step ids"),
        ({"steps_done": [1, 1]}, "invalid: steps_done must not repeat a step"),
        ({"steps_done": [True]}, "invalid: steps_done must be a list of step ids"),
        ({"representative": "x" * 201}, "invalid: representative must be at most 200 characters"),
        (
            {"signature": "data:image/jpeg;base64,AAAA"},
            "invalid: signature must be a PNG data URL (data:image/png;base64,...)",
        ),
        ({"signature": "data:image/png;base64,%%%"}, "invalid: signature is not valid base64"),
        ({"signature": "data:image/png;base64,AAAA"}, "invalid: signature is not a readable PNG image"),
        ({"occurred_at": "yesterday"}, "invalid: occurred_at is not an ISO 8601 time"),
        ({"occurred_at": None}, "invalid: occurred_at must be an ISO 8601 time"),
    ],
)
def test_bad_values_are_rejected_with_their_reason_beside_a_good_event(api, site, change, reason):
    _g, _d, version, installer = site
    good = consent_event(version)
    bad = {**consent_event(version), **change}
    answered = results(sync(api, installer.user, [bad, good]))
    assert answered[1] == ("applied", "")
    assert answered[0] == ("rejected", reason)
    assert ConsentRecord.objects.count() == 1


def test_a_signature_over_200_kb_is_rejected(api, site):
    _g, _d, version, installer = site
    noise = signature_png()
    # A valid data URL far over the limit: the size is checked before decoding.
    huge = "data:image/png;base64," + "A" * (300 * 1024)
    answered = results(
        sync(api, installer.user, [consent_event(version, signature=huge), consent_event(version, signature=noise)])
    )
    assert answered == [("rejected", "invalid: signature must be at most 200 KB"), ("applied", "")]


def test_unknown_flows_steps_and_other_geographies_are_refused(api, site):
    geography, _d, version, installer = site
    _other_doc, elsewhere = consent_flow(GeographyFactory(code="fr", name="France"))
    events = [
        consent_event(version, flow=999999),
        consent_event(elsewhere),
        consent_event(version, steps=[1, 9]),
    ]
    assert results(sync(api, installer.user, events)) == [
        ("rejected", "unknown flow"),
        ("rejected", "flow of another geography"),
        ("rejected", "unknown step"),
    ]
    assert not ConsentRecord.objects.exists()


def test_a_runbook_version_is_not_a_flow(api, site):
    _g, _d, _version, installer = site
    actor = admin()
    runbook = document_services.document_create(actor=actor, kind="runbook", slug="rb", title="Runbook")
    body_version = document_services.document_publish(actor=actor, document=runbook, body="# Runbook\n")
    assert results(sync(api, installer.user, [consent_event(body_version)])) == [("rejected", "unknown flow")]


def test_someone_who_is_not_an_installer_records_nothing(api, site):
    _g, _d, version, _installer = site
    assert results(sync(api, admin(), [consent_event(version)])) == [("rejected", "not yours")]


def test_another_installers_id_is_a_conflict_not_a_duplicate(api, site):
    geography, _d, version, installer = site
    event = consent_event(version)
    sync(api, installer.user, [event])
    assert results(sync(api, installer_in(geography).user, [event])) == [
        ("conflict", "an event with this id and other content exists")
    ]


def test_a_batch_runs_a_fixed_number_of_queries(api, site):
    _g, _d, version, installer = site
    sync(api, installer.user, [consent_event(version)])  # warm the session and caches
    counts = []
    for n in (1, 20):
        with CaptureQueriesContext(connection) as queries:
            response = sync(api, installer.user, [consent_event(version, id=uuid.uuid4()) for _ in range(n)])
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
