"""The demo (seed_demo) works in five languages: a consent flow per geography
with its translations, the runbook and playbook translated, people reading
each language, acknowledgements with some missing, and consent records
(complete, incomplete, superseded) for the field data's installs, so that
the consent completion KPI has history."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import Client

from installer_ops.models import Geography, Installer, Stage, User
from kpis.models import Install, KpiCode, KpiSnapshot, Scope
from onboarding.consent_steps import consent_steps
from onboarding.demo_consent import NOT_YET_ACKNOWLEDGED, STILL_ON_FIRST_EDITION
from onboarding.document_selectors import current_consent_flows, translations_of
from onboarding.models import ConsentAcknowledgement, ConsentRecord, DocumentKind, DocumentVersion
from onboarding.selectors import readiness_of

pytestmark = pytest.mark.django_db
LANGUAGES = {"en", "de", "es", "fr", "ja"}
DOCUMENTED_LOGINS = ["lead", "installer", "exec", "admin"]


def test_the_demo_speaks_five_languages_and_records_consent(settings):
    settings.DEBUG = True  # seed_demo refuses without it
    assert {code for code, _name in settings.LANGUAGES} >= LANGUAGES
    call_command("seed_demo", stdout=io.StringIO())
    a_consent_flow_per_geography_with_its_translations()
    the_runbook_and_playbook_in_every_language()
    people_in_each_language_and_the_documented_logins_untouched()
    most_acknowledged_some_did_not()
    consent_records_complete_incomplete_and_superseded()
    consent_completion_has_history()


def a_consent_flow_per_geography_with_its_translations():
    current = current_consent_flows()
    assert set(current) == set(Geography.objects.values_list("pk", flat=True))
    languages = {v.document.geography.code: {t.language for t in translations_of(v)} for v in current.values()}
    assert languages == {"emea": {"en", "de", "es", "fr"}, "apac": {"en", "ja"}, "na": {"en"}}
    for version in current.values():
        steps = consent_steps(version.body)
        assert 5 <= len(steps) <= 6 and steps[0].needs_photo
        for translation in translations_of(version):
            assert [s.needs_photo for s in consent_steps(translation.body)] == [s.needs_photo for s in steps]
    # One geography published a second edition, with its translation.
    assert sorted(v.number for v in current.values()) == [1, 1, 2]
    second = next(v for v in current.values() if v.number == 2)
    assert {t.language for t in translations_of(second)} == {"en", "ja"}
    assert DocumentVersion.objects.filter(document=second.document, number=1).count() == 2


def the_runbook_and_playbook_in_every_language():
    for kind in (DocumentKind.RUNBOOK, DocumentKind.PLAYBOOK):
        current = DocumentVersion.objects.filter(document__kind=kind, language="en").order_by("-number").first()
        assert {t.language for t in translations_of(current)} == LANGUAGES
        for translation in translations_of(current):
            headings = [line.split(" ")[:2] for line in translation.body.splitlines() if line.startswith("## ")]
            assert headings == [line.split(" ")[:2] for line in current.body.splitlines() if line.startswith("## ")]
    # A German installer's tablet keeps the German copies; the consent flow too.
    client = Client()
    client.force_login(User.objects.get(username="fi-1019"))
    documents = client.get("/api/v1/current-documents/")
    assert documents.status_code == 200
    assert documents["Content-Language"] == "de"
    assert "Bevor du zum Standort fährst" in documents.content.decode()
    flows = client.get("/api/v1/consent-flows/").json()
    assert [f["language"] for f in flows] == ["de"]


def people_in_each_language_and_the_documented_logins_untouched():
    in_use = dict(
        User.objects.filter(is_active=True).values_list("language").annotate(n=Count("id")).order_by("language")
    )
    assert set(in_use) >= LANGUAGES
    assert all(in_use[code] >= 2 for code in LANGUAGES)
    assert set(User.objects.filter(username__in=DOCUMENTED_LOGINS).values_list("language", flat=True)) == {""}
    # Europe's installers read German mostly; Asia Pacific's Japanese.
    for geography, language in [("emea", "de"), ("apac", "ja")]:
        languages = list(
            Installer.objects.filter(pod__geography__code=geography, user__language__gt="")
            .exclude(stage=Stage.LEFT)
            .values_list("user__language", flat=True)
        )
        assert max(set(languages), key=languages.count) == language
    client = Client()
    for username, language in [("fi-1019", "de"), ("fi-1020", "fr"), ("fi-1026", "es"), ("fi-1023", "ja")]:
        response = client.post("/accounts/login/", {"username": username, "password": "installer-ops-demo"})
        assert response.status_code == 302
        assert client.get("/me/")["Content-Language"] == language
        client.logout()


def most_acknowledged_some_did_not():
    people = list(Installer.objects.filter(stage__in=[Stage.CLEARED, Stage.ONBOARDING]).select_related("user", "pod"))
    consent = {
        r.installer.employee_id: next(q for q in r.requirements if q.code == "consent") for r in readiness_of(people)
    }
    unmet = {e for e, requirement in consent.items() if not requirement.met}
    assert unmet == NOT_YET_ACKNOWLEDGED | STILL_ON_FIRST_EDITION
    assert len(unmet) * 3 < len(consent)  # most acknowledged
    assert ConsentAcknowledgement.objects.exclude(version__language="en").exists()
    # Someone otherwise ready waits for their acknowledgement alone (the board's consent column).
    assert any(
        [q.code for q in r.requirements if not q.met] == ["consent"]
        for r in readiness_of([i for i in people if i.stage == Stage.ONBOARDING])
    )


def consent_records_complete_incomplete_and_superseded():
    records = ConsentRecord.objects.select_related("installer__pod", "version__document")
    complete, incomplete = records.filter(complete=True).count(), records.filter(complete=False).count()
    assert complete > 4 * incomplete > 0
    superseded = records.filter(superseded=True)
    assert superseded.exists()
    newest = {v.document_id: v.number for v in current_consent_flows().values()}
    assert all(r.version.number < newest[r.version.document_id] for r in superseded)
    assert records.filter(version__number=2).exists()
    assert records.exclude(version__language="en").exists()
    installs = set(Install.objects.values_list("external_id", flat=True))
    refs = set(records.values_list("install_ref", flat=True))
    assert refs <= installs
    assert len(refs) * 4 > len(installs)
    for record in records.order_by("install_ref")[:50]:
        assert record.version.document.geography_id == record.installer.pod.geography_id
        assert record.effective_at == record.occurred_at  # the tablet's time counts
        assert record.received_at >= record.occurred_at
    incomplete = records.filter(complete=False)
    assert incomplete.filter(signature_sha256="").exists()
    assert any(len(r.steps_done) < len(consent_steps(r.version.body)) for r in incomplete.exclude(signature_sha256=""))


def consent_completion_has_history():
    snapshots = KpiSnapshot.objects.filter(
        kpi=KpiCode.CONSENT_COMPLETION, scope=Scope.ORG, grain="month", numerator__gt=0
    )
    assert snapshots.count() >= 6
