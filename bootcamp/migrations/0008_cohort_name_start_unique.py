import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


def rename_duplicates(apps, schema_editor):
    """Cohorts made by a form sent twice (same name, same start) get a
    numbered name, so that the constraint can be added without losing any."""
    Cohort = apps.get_model("bootcamp", "Cohort")
    seen = set()
    for cohort in Cohort.objects.order_by("start_on", "pk"):
        key = (cohort.name.lower(), cohort.start_on)
        number = 1
        while key in seen:
            number += 1
            key = (f"{cohort.name} ({number})".lower(), cohort.start_on)
        if number > 1:
            cohort.name = f"{cohort.name} ({number})"[:120]
            cohort.save(update_fields=["name"])
        seen.add(key)


class Migration(migrations.Migration):
    dependencies = [
        ("bootcamp", "0007_item_needs_evidence"),
        ("installer_ops", "0005_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(rename_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="cohort",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                models.F("start_on"),
                name="cohort_name_start_unique",
                violation_error_message="A cohort with this name starts on this date already.",
            ),
        ),
    ]
