"""Every write service takes the actor (keyword-only; None is the system),
so that the same action behaves the same through every door. The few that
no person ever calls are listed, each with why."""

import importlib
import inspect
import pkgutil

WRITE_MODULES = [
    "installer_ops.services",
    "installer_ops.sync",
    "bootcamp.services",
    "onboarding.services",
    "onboarding.library_services",
    "onboarding.document_services",
    "kpis.importing",
    "kpis.import_writes",
    "kpis.jobs",
    "kpis.targets",
    "bootcamp.reminders",
    "hiring.services",
]
SYSTEM_ONLY = {
    "installer_ops.services.role_groups_ensure": "creates the four role groups at set-up; nobody acts",
    "installer_ops.services.pod_role_assign_validate": "pod_role_assign's checks, for the admin form; writes nothing",
    "bootcamp.services.program_version_spec": "reads a version into the shape an edit starts from; writes nothing",
    "bootcamp.services.item_states_refresh": "derived item states, refreshed inside the services that store events",
    "bootcamp.services.evidence_problem": "whether bytes can be a photo (size, image type); writes nothing",
    "onboarding.document_services.sha256_of": "a checksum; writes nothing",
    "onboarding.document_services.offered_languages": "the language codes of settings; writes nothing",
    "onboarding.services.onboarding_stage_sync": "the hourly job (and kit issue) moving finished bootcamps on",
    "kpis.importing.read_directory": "reads the import files of a directory; writes nothing",
    "kpis.jobs.kpi_job_enqueue": "hands a recorded job to the broker (after commit, or the sweep)",
    "kpis.jobs.kpi_jobs_sweep": "the beat sweep for jobs recorded while the broker was down",
    "kpis.jobs.kpi_job_run": "the worker running a recorded job",
    "kpis.jobs.kpi_job_start": "the worker starting a recorded job's parts",
    "kpis.jobs.kpi_job_part_run": "the worker running one part of a recorded job",
    "kpis.jobs.kpi_job_fail": "the worker recording a job's failure",
    "kpis.jobs.nightly_window": "the nightly job's date range; writes nothing",
    "kpis.jobs.recompute_range_validate": "the range rules every door applies; writes nothing",
    "kpis.targets.target_bounds": "the range a KPI's target may take; writes nothing",
    "kpis.targets.kpi_target_validate": "a target's range rules, for the admin form; writes nothing",
    "kpis.targets.kpi_targets_overview": "the targets page's read; writes nothing",
    "installer_ops.sync.register": "an app's kinds of sync events, registered at start-up",
    "installer_ops.sync.registered_types": "the registry's event types; writes nothing",
    "installer_ops.sync.answer_fields": "the registry's answer fields, for the schema; writes nothing",
    "bootcamp.reminders.overdue_reminders_send": "the daily reminder job",
    "bootcamp.reminders.overdue_reminders_record": "its first step",
    "bootcamp.reminders.overdue_reminders_deliver": "its second step",
    "bootcamp.reminders.reminders_catch_up": "the beat sweep for a day whose reminders did not go out",
}


def public_functions():
    """(name as callers write it, function) for the public functions of each
    module, and of each module of a package (services split by concern)."""
    for module_name in WRITE_MODULES:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            own = function.__module__ == module_name or function.__module__.startswith(module_name + ".")
            if own and not name.startswith("_"):
                yield f"{module_name}.{name}", function
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            submodule = importlib.import_module(f"{module_name}.{info.name}")
            for name, function in inspect.getmembers(submodule, inspect.isfunction):
                if function.__module__ == submodule.__name__ and not name.startswith("_"):
                    yield f"{module_name}.{name}", function


def test_every_write_service_takes_the_actor_or_is_listed_as_the_systems():
    missing = []
    for qualified, function in public_functions():
        parameter = inspect.signature(function).parameters.get("actor")
        takes_actor = parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY
        if not takes_actor and qualified not in SYSTEM_ONLY:
            missing.append(qualified)
        if takes_actor and qualified in SYSTEM_ONLY:
            missing.append(f"{qualified} takes the actor: remove it from SYSTEM_ONLY")
    assert not missing, missing
    # The list names only functions that exist.
    assert set(SYSTEM_ONLY) <= {qualified for qualified, _ in public_functions()}


def test_the_actor_has_no_default():
    """A door that forgets to pass the actor fails loudly instead of acting as the system."""
    defaulted = [
        qualified
        for qualified, function in public_functions()
        if (p := inspect.signature(function).parameters.get("actor")) is not None and p.default is not p.empty
    ]
    assert not defaulted, defaulted
