import datetime

from celery import shared_task
from django.utils import timezone

from .reminders import overdue_reminders_send, reminders_catch_up


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    time_limit=300,
    soft_time_limit=240,
)
def send_overdue_reminders(day: str | None = None) -> int:
    """Daily (beat). Idempotent: a rerun on the same day sends nothing more."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    return overdue_reminders_send(today=today)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def catch_up_reminders() -> int | None:
    """Beat, every quarter of an hour: today's reminders, if beat's daily
    run never reached a worker (the broker was down at the time)."""
    return reminders_catch_up(now=timezone.now())
