"""A twin inserted between a create's uniqueness check and its insert (a
double-clicked form, two tabs) is refused as the check would refuse it: the
field's message, never an IntegrityError (a 500). The race is staged by
inserting the twin right after full_clean passes."""

import pytest
from django.core.exceptions import ValidationError

from bootcamp.models import Program
from bootcamp.services import program_drafts
from kpis import targets
from kpis.models import KpiTarget
from onboarding import library_services, services
from onboarding.models import ConfigProfile, Document, DrillScenario

pytestmark = pytest.mark.django_db


def twin_after_check(monkeypatch, model, **twin):
    original = model.full_clean

    def full_clean(self, *args, **kwargs):
        original(self, *args, **kwargs)
        model.objects.create(**twin)

    monkeypatch.setattr(model, "full_clean", full_clean)


CASES = {
    "program": (
        Program,
        {"code": "field", "title": "Twin"},
        lambda: program_drafts.program_create(actor=None, code="field", title="Field", working_days=10),
        "code",
    ),
    "document": (
        Document,
        {"kind": "runbook", "slug": "field-runbook", "title": "Twin"},
        lambda: services.document_create(actor=None, kind="runbook", slug="field-runbook", title="Runbook"),
        "slug",
    ),
    "profile": (
        ConfigProfile,
        {"name": "edge", "version": 1, "content": "a", "sha256": "0" * 64},
        lambda: services.config_profile_create(actor=None, name="edge", content="b"),
        None,
    ),
    "scenario": (
        DrillScenario,
        {"code": "node-offline", "title": "Twin", "description": "d", "recovery_target_minutes": 30},
        lambda: library_services.drill_scenario_create(
            actor=None, code="node-offline", title="Node offline", description="d", recovery_target_minutes=30
        ),
        "code",
    ),
    "target": (
        KpiTarget,
        {"kpi": "mttr", "scope": "org", "scope_id": 0, "target": 5},
        lambda: targets.kpi_target_set(actor=None, kpi="mttr", scope="org", scope_id=0, target=4),
        None,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_loser_of_a_create_race_gets_the_uniqueness_refusal(monkeypatch, case):
    model, twin, create, field = CASES[case]
    twin_after_check(monkeypatch, model, **twin)
    with pytest.raises(ValidationError) as refused:
        create()
    if field:
        assert field in refused.value.message_dict
    # The staged twin shared the refused transaction: nothing is left half-written.
    assert model.objects.count() == 0
