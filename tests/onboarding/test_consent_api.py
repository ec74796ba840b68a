"""The consent API: the current flows of a person's geographies, an
installer's acknowledgement (200, 404 for another geography's flow, 400 for
a superseded version), the records a person may see, and a record's
signature, served only to those who see the record."""

import pytest

from onboarding import document_services
from onboarding.models import ConsentAcknowledgement
from tests.factories import InstallerFactory, UserFactory
from tests.onboarding.consent_data import publish_flow, record_consent, signature_png

pytestmark = pytest.mark.django_db
RECORDS = "/api/v1/consent-records/"


@pytest.fixture
def consent(onboarding):
    o = onboarding
    o.flow_v1 = publish_flow(o.installer.pod.geography)
    o.other_installer = InstallerFactory(pod=o.b.pod_b)
    o.other_flow = publish_flow(o.b.pod_b.geography, slug="other-consent", title="Other consent")
    o.mine = record_consent(o.installer, o.flow_v1, install_ref="INS-MINE")
    o.unsigned = record_consent(o.installer, o.flow_v1, install_ref="INS-UNSIGNED", signed=False)
    o.theirs = record_consent(o.other_installer, o.other_flow, install_ref="INS-THEIRS")
    return o


def listed(api, user, query="") -> set[str]:
    response = api.as_user(user).get(RECORDS + query)
    assert response.status_code == 200, query
    return {row["install_id"] for row in response.json()["results"]}


def test_the_record_list_is_scoped_to_the_installers_one_sees(api, consent):
    o = consent
    assert listed(api, o.lead) == {"INS-MINE", "INS-UNSIGNED"}
    assert listed(api, o.b.lead_b) == {"INS-THEIRS"}
    assert listed(api, o.installer.user) == {"INS-MINE", "INS-UNSIGNED"}  # their own
    assert listed(api, o.b.other.user) == set()  # another installer of the same pod
    assert listed(api, UserFactory(role="executive")) == set()
    assert listed(api, UserFactory(role="admin")) == {"INS-MINE", "INS-UNSIGNED", "INS-THEIRS"}


def test_the_record_list_filters_and_shapes_each_record(api, consent):
    o = consent
    assert listed(api, o.lead, "?install=INS-MINE") == {"INS-MINE"}
    assert listed(api, o.lead, f"?installer={o.installer.pk}") == {"INS-MINE", "INS-UNSIGNED"}
    assert listed(api, o.lead, f"?installer={o.other_installer.pk}") == set()
    assert listed(api, o.lead, "?installer=abc") == {"INS-MINE", "INS-UNSIGNED"}  # ignored, never a 500
    refused = api.as_user(o.lead).get(RECORDS + "?install=a%00b")
    assert refused.status_code == 400 and "install" in refused.json()
    row = api.as_user(o.lead).get(f"{RECORDS}{o.mine.pk}/").json()
    assert row["installer"] == o.installer.pk and row["flow"] == o.flow_v1.pk
    assert row["version"] == 1 and row["language"] == "en" and row["steps_done"] == [1, 2, 3]
    assert row["complete"] is True and row["superseded"] is False
    assert row["signature_url"] == f"/api/v1/consent-records/{o.mine.pk}/signature.png"
    assert api.as_user(o.lead).get(f"{RECORDS}{o.unsigned.pk}/").json()["signature_url"] is None
    assert api.as_user(o.lead).get(f"{RECORDS}{o.theirs.pk}/").status_code == 404


def test_the_signature_is_served_only_to_those_who_see_the_record(api, consent):
    o = consent
    url = f"{RECORDS}{o.mine.pk}/signature.png"
    for user in (o.lead, o.installer.user, UserFactory(role="admin")):
        response = api.as_user(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png" and response.content == signature_png()
        assert response["Cache-Control"] == "private, max-age=3600"
    for user in (o.b.lead_b, o.other_installer.user, o.b.other.user, UserFactory(role="executive")):
        response = api.as_user(user).get(url)
        assert response.status_code == 404 and response.content != signature_png()
    assert api.as_user(o.lead).get(f"{RECORDS}{o.unsigned.pk}/signature.png").status_code == 404
    api.force_authenticate(user=None)
    assert api.get(url).status_code in (401, 403)


def test_an_installer_acknowledges_the_current_flow_of_their_geography(api, consent):
    o = consent
    url = f"/api/v1/consent-flows/{o.flow_v1.pk}/acknowledge/"
    response = api.as_user(o.installer.user).post(url)
    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None and response.json()["version"] == 1
    assert api.as_user(o.installer.user).post(url).status_code == 200  # again: nothing changes
    assert ConsentAcknowledgement.objects.filter(installer=o.installer).count() == 1
    flows = api.as_user(o.installer.user).get("/api/v1/consent-flows/").json()
    assert [f["id"] for f in flows] == [o.flow_v1.pk] and flows[0]["acknowledged_at"] is not None
    assert [s["needs_photo"] for s in flows[0]["steps"]] == [False, True, False]


def test_another_geographys_flow_or_a_non_installer_answers_404(api, consent):
    o = consent
    other = f"/api/v1/consent-flows/{o.other_flow.pk}/acknowledge/"
    assert api.as_user(o.installer.user).post(other).status_code == 404
    mine = f"/api/v1/consent-flows/{o.flow_v1.pk}/acknowledge/"
    for user in (o.lead, UserFactory(role="admin"), UserFactory(role="executive")):
        assert api.as_user(user).post(mine).status_code == 404
    runbook = f"/api/v1/consent-flows/{o.runbook_v1.pk}/acknowledge/"
    assert api.as_user(o.installer.user).post(runbook).status_code == 404
    assert api.as_user(o.installer.user).post("/api/v1/consent-flows/999999/acknowledge/").status_code == 404
    assert not ConsentAcknowledgement.objects.exists()


def test_a_superseded_version_is_refused_with_400(api, consent):
    o = consent
    document_services.document_publish(
        actor=None, document=o.flow_v1.document, body=o.flow_v1.body + "- [ ] Leave the notice\n"
    )
    response = api.as_user(o.installer.user).post(f"/api/v1/consent-flows/{o.flow_v1.pk}/acknowledge/")
    assert response.status_code == 400
    assert "superseded by v2" in str(response.json()["version"])
    assert not ConsentAcknowledgement.objects.exists()


def test_the_flows_list_is_the_viewers_geographies_in_their_language(api, consent):
    o = consent
    document_services.document_publish(
        actor=None,
        document=o.flow_v1.document,
        language="de",
        body="# Einwilligung\n\n- [ ] Schilder\n- [photo] Foto\n- [ ] Bereich\n",
    )
    o.installer.user.language = "de"
    o.installer.user.save()
    flows = api.as_user(o.installer.user).get("/api/v1/consent-flows/", HTTP_ACCEPT_LANGUAGE="de").json()
    assert [(f["geography"], f["language"]) for f in flows] == [(o.installer.pod.geography_id, "de")]
    assert [s["text"] for s in flows[0]["steps"]] == ["Schilder", "Foto", "Bereich"]
    lead_flows = api.as_user(o.lead).get("/api/v1/consent-flows/").json()
    assert {f["geography"] for f in lead_flows} == {o.installer.pod.geography_id}
    admin_flows = api.as_user(UserFactory(role="admin")).get("/api/v1/consent-flows/").json()
    assert len(admin_flows) == 2
    assert api.as_user(UserFactory(role="executive")).get("/api/v1/consent-flows/").status_code == 200
