"""The library's writes: drill scenarios and configuration profiles keep
their history; only those `can_author_documents` allows may write; each
write leaves its audit entry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from installer_ops.exceptions import DomainConflict
from installer_ops.models import AuditEntry
from installer_ops.roles import Role
from onboarding import library_services, services
from onboarding.demo import load_reference_data
from onboarding.models import ConfigProfile, DrillScenario
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def reference(admin):
    """The reference documents, profile and scenarios, an installer of a pod
    with its lead, and helpers to issue a kit and run a drill."""

    class Reference:
        pass

    r = Reference()
    r.profile, (r.runbook_v1, r.playbook_v1) = load_reference_data()
    r.scenario = DrillScenario.objects.get(code="node-offline")
    pod = PodFactory()
    r.lead = lead_of(pod)
    r.installer = InstallerFactory(pod=pod)

    def issue_kit(serial="NODE-0001"):
        return services.kit_issue(actor=r.lead, installer=r.installer, device_serial=serial, profile=r.profile)

    def drill():
        return services.drill_schedule(
            actor=r.lead, installer=r.installer, scenario=r.scenario, scheduled_for=timezone.now()
        )

    r.issue_kit, r.drill = issue_kit, drill
    return r


def entries(action: str, target) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, object_type=target._meta.model_name, object_id=str(target.pk)))


def new_scenario(admin, **overrides):
    values = {
        "code": "dns-outage",
        "title": "DNS outage",
        "description": "The site resolver stops answering.",
        "recovery_target_minutes": 25,
    }
    return library_services.drill_scenario_create(actor=admin, **{**values, **overrides})


def test_an_admin_adds_a_scenario_and_the_entry_names_it(admin):
    scenario = new_scenario(admin, title="  DNS outage  ")
    assert (scenario.code, scenario.title, scenario.active) == ("dns-outage", "DNS outage", True)
    [entry] = entries("create", scenario)
    assert entry.actor == admin
    assert entry.changes["code"] == "dns-outage"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"code": "not a slug!"}, "code"),
        ({"code": ""}, "code"),
        ({"title": "   "}, "title"),
        ({"description": ""}, "description"),
        ({"code": "x" * 61}, "code"),
    ],
)
def test_a_bad_scenario_is_refused_under_its_field_and_nothing_is_written(admin, overrides, field):
    with pytest.raises(ValidationError) as refused:
        new_scenario(admin, **overrides)
    assert field in refused.value.error_dict
    assert not DrillScenario.objects.filter(title="DNS outage").exists()
    assert not AuditEntry.objects.filter(action="create", object_type="drillscenario").exists()


def test_a_duplicate_code_is_refused(admin):
    new_scenario(admin)
    with pytest.raises(ValidationError) as refused:
        new_scenario(admin, title="Another")
    assert "code" in refused.value.error_dict


@pytest.mark.parametrize("role", [Role.LEAD, Role.EXECUTIVE, Role.INSTALLER])
def test_only_those_who_author_documents_write_the_library(admin, role):
    someone = UserFactory(role=role)
    scenario = new_scenario(admin)
    profile = library_services.config_profile_add(actor=admin, name="edge", content="a = 1\n")
    writes = [
        lambda: new_scenario(someone, code="other"),
        lambda: library_services.drill_scenario_update(
            actor=someone, scenario=scenario, title="X", description="Y", recovery_target_minutes=5
        ),
        lambda: library_services.drill_scenario_set_active(actor=someone, scenario=scenario, active=False),
        lambda: library_services.config_profile_add(actor=someone, name="other", content="b = 2\n"),
        lambda: library_services.config_profile_revise(actor=someone, profile=profile, content="a = 2\n"),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    scenario.refresh_from_db()
    assert (scenario.title, scenario.active) == ("DNS outage", True)
    assert ConfigProfile.objects.count() == 1


def test_an_unused_scenario_is_edited_in_place_with_before_and_after(admin):
    scenario = new_scenario(admin)
    library_services.drill_scenario_update(
        actor=admin, scenario=scenario, title="DNS outage at site", description="Same.", recovery_target_minutes=20
    )
    scenario.refresh_from_db()
    assert (scenario.title, scenario.recovery_target_minutes) == ("DNS outage at site", 20)
    [entry] = entries("update", scenario)
    assert entry.changes["recovery_target_minutes"] == [25, 20]
    # Saving the same values again changes nothing and writes no entry.
    library_services.drill_scenario_update(
        actor=admin, scenario=scenario, title="DNS outage at site", description="Same.", recovery_target_minutes=20
    )
    assert len(entries("update", scenario)) == 1


def test_a_scenario_drills_used_is_not_rewritten(reference, admin):
    o = reference
    drill = o.drill()
    with pytest.raises(DomainConflict) as refused:
        library_services.drill_scenario_update(
            actor=admin, scenario=o.scenario, title="Rewritten", description="d", recovery_target_minutes=1
        )
    assert "retire it" in refused.value.message
    o.scenario.refresh_from_db()
    drill.refresh_from_db()
    assert o.scenario.title == "Node offline" and drill.scenario.recovery_target_minutes == 30
    assert not entries("update", o.scenario)


def test_a_retired_scenario_keeps_its_drills_and_takes_no_new_ones(reference, admin):
    o = reference
    drill = o.drill()
    library_services.drill_scenario_set_active(actor=admin, scenario=o.scenario, active=False)
    library_services.drill_scenario_set_active(actor=admin, scenario=o.scenario, active=False)  # no second entry
    assert len(entries("retire", o.scenario)) == 1
    drill.refresh_from_db()
    assert drill.scenario_id == o.scenario.pk
    with pytest.raises(ValidationError) as refused:
        services.drill_schedule(actor=o.lead, installer=o.installer, scenario=o.scenario, scheduled_for=timezone.now())
    assert "scenario" in refused.value.error_dict
    library_services.drill_scenario_set_active(actor=admin, scenario=o.scenario, active=True)
    assert entries("restore", o.scenario)
    services.drill_schedule(actor=o.lead, installer=o.installer, scenario=o.scenario, scheduled_for=timezone.now())


def test_a_profile_is_added_once_by_name(admin):
    profile = library_services.config_profile_add(actor=admin, name=" edge-node ", content="a = 1\n")
    assert (profile.name, profile.version) == ("edge-node", 1)
    assert entries("create", profile)
    with pytest.raises(ValidationError) as refused:
        library_services.config_profile_add(actor=admin, name="edge-node", content="b = 2\n")
    assert "name" in refused.value.error_dict
    for name, content, field in (("", "a\n", "name"), ("x", "  \n ", "content"), ("x" * 101, "a\n", "name")):
        with pytest.raises(ValidationError) as refused:
            library_services.config_profile_add(actor=admin, name=name, content=content)
        assert field in refused.value.error_dict
    assert ConfigProfile.objects.count() == 1


def test_editing_a_profile_makes_its_next_version_and_kits_keep_theirs(reference, admin):
    o = reference
    kit = o.issue_kit()
    issued_with = kit.profile
    v2 = library_services.config_profile_revise(
        actor=admin, profile=issued_with, content=issued_with.content + "x = 1\n"
    )
    assert (v2.name, v2.version) == (issued_with.name, issued_with.version + 1)
    kit.refresh_from_db()
    assert kit.profile_id == issued_with.pk
    issued_with.refresh_from_db()
    assert "x = 1" not in issued_with.content
    assert entries("create", v2)
    # The same content returns the latest version; an earlier version is not edited.
    assert library_services.config_profile_revise(actor=admin, profile=v2, content=v2.content) == v2
    with pytest.raises(ValidationError) as refused:
        library_services.config_profile_revise(actor=admin, profile=issued_with, content="y = 2\n")
    assert "content" in refused.value.error_dict
    with pytest.raises(ValidationError):
        library_services.config_profile_revise(actor=admin, profile=v2, content="   ")
    assert ConfigProfile.objects.filter(name=issued_with.name).count() == 2
