"""The task library's four default tasks and the rubric's minimums row.

The texts are written out here rather than imported, so that this migration
gives the same result whatever later code says. Administrators edit both
afterwards (the admin, hiring.services.minimums_set); running the migration
again (a rollback and forward) leaves edited rows as they are."""

from django.db import migrations

TASKS = [
    {
        "slug": "surface-mount-wiring",
        "title": "Surface-mount wiring",
        "kind": "practical",
        "position": 1,
        "what_to_look_for": (
            "Runs that match the site plan, strain-relieved and labelled; polarity and grounding checked with a "
            "meter before power is applied; no exposed conductors; the work area left tidy and safe."
        ),
    },
    {
        "slug": "device-provisioning",
        "title": "Provisioning a device",
        "kind": "practical",
        "position": 2,
        "what_to_look_for": (
            "The image's checksum and the device certificate verified before enrolment; credentials never reused, "
            "shared or written down; the node seen reporting to the fleet and the configuration profile confirmed "
            "as applied."
        ),
    },
    {
        "slug": "debug-small-model",
        "title": "Debugging a small model on a device",
        "kind": "practical",
        "position": 3,
        "what_to_look_for": (
            "The failure reproduced before anything is changed; logs and metrics read rather than guessed at; the "
            "input (camera, lighting, region of interest) checked before the model; the fix confirmed on the "
            "device, with what they would keep watching."
        ),
    },
    {
        "slug": "failure-scenario",
        "title": "Failure-scenario interview",
        "kind": "interview",
        "position": 4,
        "what_to_look_for": (
            "A model that worked in testing degrades in the field. Listen for: what they suspect first (drift in "
            "the data, lighting, a moved camera, firmware) and why; how they would detect it (metrics, a baseline "
            "to compare with, sampled frames only within the consent rules); how they would roll back safely "
            "(the previous version kept, a staged rollback, the customer told) and confirm the recovery."
        ),
    },
]


def forwards(apps, schema_editor):
    ScreeningTask = apps.get_model("hiring", "ScreeningTask")
    RubricMinimums = apps.get_model("hiring", "RubricMinimums")
    for task in TASKS:
        ScreeningTask.objects.get_or_create(slug=task["slug"], defaults=task)
    # The model's defaults: 2.50, 2.50, 3.00, two scorecards, the failure-scenario interview required.
    RubricMinimums.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("hiring", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
