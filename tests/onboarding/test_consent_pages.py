"""The consent record pages (/lead/onboarding/consent/): the records a lead
or an administrator may see, newest first, filtered and paginated, in a
fixed number of queries; one record with its steps, signature and times;
another pod's record answers 404. The person page's consent section and the
readiness gate's consent requirement."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onboarding import document_services
from tests.factories import InstallerFactory, UserFactory
from tests.onboarding.consent_data import publish_flow, record_consent

pytestmark = pytest.mark.django_db
LIST = "/lead/onboarding/consent/"


@pytest.fixture
def consent(onboarding):
    """Pod A's geography's flow (v1) and one record of each pod's installer."""
    o = onboarding
    o.installer.user.name = "Ines Installer"
    o.installer.user.save()
    o.flow_v1 = publish_flow(o.installer.pod.geography)
    o.other_pod_installer = InstallerFactory(pod=o.b.pod_b, user__name="Otto Otherpod")
    o.other_flow = publish_flow(o.b.pod_b.geography, slug="other-consent", title="Other consent")
    o.theirs = record_consent(o.other_pod_installer, o.other_flow, install_ref="INS-OTHER")
    return o


def record_url(record) -> str:
    return f"{LIST}{record.pk}/"


def test_the_list_shows_the_visible_records_newest_first(client, consent):
    o = consent
    now = timezone.now()
    older = record_consent(o.installer, o.flow_v1, install_ref="INS-OLD", occurred_at=now - datetime.timedelta(days=2))
    newer = record_consent(
        o.installer, o.flow_v1, install_ref="INS-NEW", steps=[1], representative="", signed=False, occurred_at=now
    )
    client.force_login(o.lead)
    response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("INS-NEW") < page.index("INS-OLD")
    assert f'href="{record_url(newer)}"' in page and f'href="{record_url(older)}"' in page
    assert "INS-OTHER" not in page and "Otto Otherpod" not in page  # another pod's installer
    assert "3 of 3" in page and "1 of 3" in page
    assert "Rita Representative" in page
    assert "Site consent" in page and "v1 · English" in page
    assert ">complete<" in page and ">incomplete<" in page
    assert f'href="/org/installers/{o.installer.pk}/"' in page
    assert re.search(r"<time datetime=\"[^\"]+\">", page)  # times in the reader's format
    assert "2 records" in page


def test_the_list_is_for_leads_and_administrators(client, consent):
    for user, status in [
        (consent.installer.user, 403),
        (UserFactory(role="executive"), 403),
        (UserFactory(role="admin"), 200),
    ]:
        client.force_login(user)
        assert client.get(LIST).status_code == status
    # The administrator reads every pod's records.
    assert "INS-OTHER" in client.get(LIST).content.decode()


def test_the_empty_states_say_so(client, onboarding):
    client.force_login(onboarding.lead)
    page = client.get(LIST).content.decode()
    assert "No consent recorded yet: installers record it on the tablet at each customer site." in page
    page = client.get(LIST + "?status=complete").content.decode()
    assert "No consent record matches these filters." in page


def test_filters_by_install_installer_and_status(client, consent):
    o = consent
    second = InstallerFactory(pod=o.installer.pod, user__name="Sara Second")
    complete = record_consent(o.installer, o.flow_v1, install_ref="INS-A")
    partial = record_consent(second, o.flow_v1, install_ref="INS-B", steps=[1, 2])
    client.force_login(o.lead)

    def shown(query):
        response = client.get(LIST + query)
        assert response.status_code == 200, query
        return {ref for ref in ("INS-A", "INS-B") if f">{ref}</a>" in response.content.decode()}

    assert shown("") == {"INS-A", "INS-B"}
    assert shown("?install=INS-A") == {"INS-A"}
    assert shown("?install=+INS-B+") == {"INS-B"}  # trimmed
    assert shown(f"?installer={second.pk}") == {"INS-B"}
    assert shown("?status=complete") == {"INS-A"}
    assert shown("?status=incomplete") == {"INS-B"}
    assert shown("?status=superseded") == set()
    assert shown(f"?installer={o.installer.pk}&status=incomplete") == set()
    # The installer select offers the lead's pod's installers only.
    page = client.get(LIST).content.decode()
    assert f'<option value="{second.pk}">' in page and f'<option value="{o.other_pod_installer.pk}">' not in page
    assert complete.complete and not partial.complete


def test_a_superseded_record_is_marked(client, consent):
    o = consent
    document_services.document_publish(
        actor=None, document=o.flow_v1.document, body=o.flow_v1.body + "- [ ] Leave the notice\n"
    )
    old = record_consent(o.installer, o.flow_v1, install_ref="INS-LATE")
    assert old.superseded
    client.force_login(o.lead)
    page = client.get(LIST + "?status=superseded").content.decode()
    assert "INS-LATE" in page and ">superseded<" in page
    page = client.get(record_url(old)).content.decode()
    assert "the installer worked from an outdated copy" in page


@pytest.mark.parametrize(
    "query",
    [
        "?installer=abc",
        "?installer=99999999999999999999999",
        "?installer=-1",
        "?status=bogus",
        "?install=" + "x" * 65,
        "?install=a%00b",
        "?page=abc",
        "?page=999",
        "?installer=&status=&install=",
    ],
)
def test_a_bad_filter_value_never_fails(client, consent, query):
    record_consent(consent.installer, consent.flow_v1)
    client.force_login(consent.lead)
    response = client.get(LIST + query)
    assert response.status_code in (200, 400), query
    if response.status_code == 400:
        assert 'class="error"' in response.content.decode()


def test_another_pods_installer_is_no_filter_of_a_lead(client, consent):
    client.force_login(consent.lead)
    response = client.get(f"{LIST}?installer={consent.other_pod_installer.pk}")
    assert response.status_code == 400
    assert "INS-OTHER" not in response.content.decode()
    assert "Select a valid choice" in response.content.decode()


def test_the_pages_links_keep_the_filters(client, consent):
    o = consent
    for i in range(27):
        record_consent(o.installer, o.flow_v1, install_ref="INS-MANY", steps=[1] if i % 2 else [1, 2, 3])
    client.force_login(o.lead)
    page = client.get(LIST + "?install=INS-MANY").content.decode()
    assert "Page 1 of 2" in page
    assert 'href="?install=INS-MANY&amp;page=2"' in page
    assert len(re.findall(r'href="/lead/onboarding/consent/[0-9a-f-]{36}/"', page)) == 25


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_the_list_runs_the_same_queries_for_2_and_20_records(client, consent, who):
    o = consent
    few, many = InstallerFactory(pod=o.installer.pod), InstallerFactory(pod=o.installer.pod)
    for installer, n in ((few, 2), (many, 20)):
        for i in range(n):
            record_consent(installer, o.flow_v1, install_ref=f"INS-{installer.pk}-{i}", signed=i % 2 == 0)
    client.force_login(o.lead if who == "lead" else UserFactory(role="admin"))
    client.get(f"{LIST}?installer={few.pk}")  # session and role caches warm alike for both
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{LIST}?installer={few.pk}").status_code == 200
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"{LIST}?installer={many.pk}")
    assert len(large.captured_queries) == len(small.captured_queries)
    assert response.content.decode().count(f'href="/org/installers/{many.pk}/"') == 20
    # The signatures' bytes are never read for a list.
    assert not any("signature_png" in q["sql"] for q in large.captured_queries)


def test_a_record_shows_its_steps_representative_signature_device_and_times(client, consent):
    o = consent
    record = record_consent(o.installer, o.flow_v1, install_ref="INS-9", steps=[1, 3])
    client.force_login(o.lead)
    response = client.get(record_url(record))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Consent at INS-9" in page and ">incomplete<" in page
    assert "Steps: 2 of 3 done" in page
    assert re.search(r'class="met">.*Post the signage at each entrance', page)
    assert re.search(r'class="unmet">.*Photograph the posted signage', page)
    assert re.search(r'class="met">.*Agree the region of interest', page)
    assert "Rita Representative" in page
    assert (
        f'<img src="/api/v1/consent-records/{record.pk}/signature.png" alt="Signature of Rita Representative">' in page
    )
    assert "TAB-1" in page
    assert page.count("<time datetime=") >= 3  # recorded, on the device, received
    assert f'href="{LIST}?install=INS-9"' in page
    assert "/runbooks/consent-flow/v1/?language=en" in page
    # The image it shows is served to the same viewer.
    image = client.get(f"/api/v1/consent-records/{record.pk}/signature.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_a_record_without_signature_says_so(client, consent):
    record = record_consent(consent.installer, consent.flow_v1, representative="", signed=False)
    client.force_login(consent.lead)
    page = client.get(record_url(record)).content.decode()
    assert "No signature was drawn." in page and "signature.png" not in page
    assert "not named" in page


def test_a_record_in_a_translation_shows_that_languages_steps(client, consent):
    o = consent
    german = document_services.document_publish(
        actor=None,
        document=o.flow_v1.document,
        language="de",
        body="# Einwilligung\n\n- [ ] Schilder aufhängen\n- [photo] Schilder fotografieren\n- [ ] Bereich\n",
    )
    record = record_consent(o.installer, german, steps=[2])
    client.force_login(o.lead)
    page = client.get(record_url(record)).content.decode()
    assert "Schilder fotografieren" in page and "Post the signage" not in page
    assert "v1 · German" in page
    assert "/runbooks/consent-flow/v1/?language=de" in page


def test_another_pods_record_answers_404(client, consent):
    o = consent
    mine = record_consent(o.installer, o.flow_v1)
    client.force_login(o.lead)
    assert client.get(record_url(o.theirs)).status_code == 404
    assert client.get(f"{LIST}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"{LIST}not-a-uuid/").status_code == 404
    client.force_login(o.b.lead_b)
    response = client.get(record_url(mine))
    assert response.status_code == 404 and "Ines Installer" not in response.content.decode()
    assert client.get(record_url(o.theirs)).status_code == 200
    for user in (o.installer.user, UserFactory(role="executive")):
        client.force_login(user)
        assert client.get(record_url(mine)).status_code == 403


def test_the_record_page_runs_the_same_queries_for_3_and_40_steps(client, consent, django_assert_num_queries):
    o = consent
    short = record_consent(o.installer, o.flow_v1)
    long_flow = document_services.document_publish(
        actor=None, document=o.flow_v1.document, body="\n".join(f"- [ ] Step {n}" for n in range(1, 41))
    )
    long = record_consent(o.installer, long_flow, steps=range(1, 41))
    client.force_login(o.lead)
    client.get(record_url(short))  # session and role caches warm alike for both
    with CaptureQueriesContext(connection) as first:
        assert client.get(record_url(short)).status_code == 200
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(record_url(long)).content.decode()
    assert "Steps: 40 of 40 done" in page and ">complete<" in page


def test_the_person_page_shows_the_last_records_and_the_gate_shows_consent(client, consent):
    o = consent
    now = timezone.now()
    for i in range(7):
        record_consent(
            o.installer, o.flow_v1, install_ref=f"INS-P{i}", occurred_at=now - datetime.timedelta(hours=7 - i)
        )
    client.force_login(o.lead)
    page = client.get(f"/org/installers/{o.installer.pk}/").content.decode()
    assert "Consent at customer sites" in page
    assert "INS-P6" in page and "INS-P2" in page and "INS-P1" not in page  # the five newest
    assert f'href="{LIST}?installer={o.installer.pk}"' in page
    assert "Consent flow acknowledged" in page
    assert "Site consent v1 is not acknowledged yet" in page
    document_services.consent_acknowledge(actor=None, installer=o.installer, version=o.flow_v1)
    page = client.get(f"/org/installers/{o.installer.pk}/").content.decode()
    assert "Site consent v1 acknowledged on" in page
    # The installer's onboarding page shows the same gate.
    page = client.get(f"/lead/onboarding/installers/{o.installer.pk}/").content.decode()
    assert "Consent flow acknowledged" in page


def test_the_person_page_without_records_says_so(client, onboarding):
    client.force_login(onboarding.lead)
    page = client.get(f"/org/installers/{onboarding.installer.pk}/").content.decode()
    assert "No consent recorded at a customer site yet." in page
    assert "No consent flow is published for this geography." in page


def test_the_board_links_the_consent_records(client, onboarding):
    client.force_login(onboarding.lead)
    assert f'href="{LIST}"' in client.get("/lead/onboarding/").content.decode()
