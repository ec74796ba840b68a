"""The task library's default tasks and the rubric's minimums, put back after
a flush.

Migration 0002 writes them once. A flushed database (`manage.py flush`, every
transactional test) has lost them; these put them back the migration's own
way, from its one copy of the texts, leaving rows that exist as they are
(an administrator's edits and retired tasks stay)."""

import importlib

from django.apps import apps as installed_apps
from django.db import connections

DEFAULTS_MIGRATION = "hiring.migrations.0002_default_tasks_and_minimums"


def put_back_defaults(apps=installed_apps) -> None:
    importlib.import_module(DEFAULTS_MIGRATION).forwards(apps, None)


def put_back_defaults_after_migrate(sender, apps=installed_apps, using="default", **kwargs) -> None:
    """post_migrate: `apps` is the migrated state; before hiring's tables or
    its defaults migration exist (a migrate to an earlier state) there is
    nothing to put back."""
    try:
        apps.get_model("hiring", "ScreeningTask")
        apps.get_model("hiring", "RubricMinimums")
    except LookupError:
        return
    tables = connections[using].introspection.table_names()
    if "hiring_screeningtask" in tables and "hiring_rubricminimums" in tables:
        put_back_defaults(apps)
