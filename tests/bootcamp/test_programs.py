import datetime
import json

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from bootcamp import services
from bootcamp.models import Item, Program, ProgramVersion
from bootcamp.selectors import enrollment_states
from tests.bootcamp.fixtures import tablet_check

pytestmark = pytest.mark.django_db


def test_the_default_program_is_real_and_loads_once():
    spec = json.loads((settings.BASE_DIR / "fixtures" / "program_default.json").read_text())
    version = services.program_load(actor=None, **spec)
    assert version.is_published and version.working_days == 10
    modules = list(version.modules.order_by("position"))
    assert [m.title for m in modules] == [
        "Device provisioning and secure enrollment",
        "On-device testing: redaction, region of interest, local diagnostics",
        "Model rollouts and rollback procedures",
        "Incident response and escalation templates",
    ]
    for module in modules:
        assert 6 <= module.items.count() <= 10
    items = Item.objects.filter(module__version=version)
    assert items.filter(needs_signoff=True).count() * 3 == items.count()
    assert services.program_load(actor=None, **spec) == version  # loading again changes nothing
    assert ProgramVersion.objects.count() == 1


def test_editing_a_program_used_by_a_running_cohort_leaves_that_cohort_unchanged(bootcamp):
    b = bootcamp
    tablet_check(b.enrollment, b.items[0])
    before = enrollment_states([b.enrollment])

    spec = services.program_version_spec(b.version)
    spec["modules"][0]["items"].append({"title": "A new practical", "kind": "practical", "needs_signoff": True})
    spec["modules"][1]["title"] = "Renamed module"
    revised = services.program_version_revise(actor=None, version=b.version, **spec)
    services.program_version_publish(actor=None, version=revised)

    assert revised.number == 2
    b.enrollment.refresh_from_db()
    assert enrollment_states([b.enrollment]) == before
    assert b.cohort.program_version_id == b.version.pk
    # The published version itself never changed.
    assert services.program_version_spec(b.version) != services.program_version_spec(revised)
    assert b.version.modules.get(position=2).title == "On-device testing"


def test_invalid_program_content_is_refused_and_leaves_nothing():
    program = Program.objects.create(code="p", title="P")
    with pytest.raises(ValidationError):
        services.program_version_create(
            actor=None,
            program=program,
            working_days=5,
            modules=[{"title": "Too long", "first_day": 1, "last_day": 7, "items": [{"title": "x"}]}],
        )
    with pytest.raises(ValidationError):
        services.program_version_create(
            actor=None,
            program=program,
            working_days=5,
            modules=[{"title": "Empty", "first_day": 1, "last_day": 2, "items": []}],
        )
    assert not ProgramVersion.objects.exists()


def test_cohorts_run_published_versions_only(bootcamp):
    b = bootcamp
    draft = services.program_version_revise(actor=None, version=b.version, **services.program_version_spec(b.version))
    with pytest.raises(ValidationError) as exc:
        services.cohort_create(
            actor=None,
            name="x",
            program_version=draft,
            start_on=datetime.date(2026, 12, 1),
            lead=b.lead_a,
            pods=[b.pod_a],
            capacity=5,
        )
    assert "program_version" in exc.value.message_dict
