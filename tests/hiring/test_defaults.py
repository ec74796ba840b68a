"""The task library's default tasks and the rubric's minimums survive a
flush (`manage.py flush`, and the one after every transactional test): the
hiring pages, the hire and the demo need them."""

import io

import pytest
from django.core.management import call_command

from hiring.models import RubricMinimums, ScreeningTask


@pytest.mark.django_db(transaction=True)
def test_a_flush_puts_back_the_default_tasks_and_minimums_and_keeps_edits():
    retired = ScreeningTask.objects.get(slug="debug-small-model")
    retired.active = False
    retired.save()
    ScreeningTask.objects.filter(slug="failure-scenario").delete()
    ScreeningTask.objects.create(slug="ladder-safety", title="Ladder safety", kind="practical", position=5)
    call_command("migrate", verbosity=0, stdout=io.StringIO())  # post_migrate puts back what is missing
    assert ScreeningTask.objects.get(slug="failure-scenario").kind == "interview"
    assert not ScreeningTask.objects.get(slug="debug-small-model").active  # an edit stays
    assert ScreeningTask.objects.filter(slug="ladder-safety").exists()

    call_command("flush", interactive=False, verbosity=0)
    slugs = set(ScreeningTask.objects.values_list("slug", flat=True))
    assert slugs == {"surface-mount-wiring", "device-provisioning", "debug-small-model", "failure-scenario"}
    assert RubricMinimums.objects.filter(pk=RubricMinimums.SINGLETON).exists()
