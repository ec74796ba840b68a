"""The Celery application. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "installer_ops.settings.local")


class AuditedJob(Task):
    """The base of every task: what a task writes is audited as a job's."""

    def __call__(self, *args, **kwargs):
        from .audit import audit_source  # models load only once Django is set up

        with audit_source("job"):
            return super().__call__(*args, **kwargs)


app = Celery("installer_ops", task_cls=AuditedJob)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
