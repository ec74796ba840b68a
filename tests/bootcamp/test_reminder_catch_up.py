"""The daily reminders are caught up when beat's run never reached a worker."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from bootcamp.models import ReminderRun
from bootcamp.reminders import overdue_reminders_send, reminders_catch_up

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_catch_up_runs_the_missed_day_once_and_only_after_its_time(bootcamp, django_capture_on_commit_callbacks):
    day = bootcamp.cohort.start_on + datetime.timedelta(days=30)  # every module overdue
    assert reminders_catch_up(now=at(day, 6, 0)) is None  # before 06:30: not missed yet
    assert not ReminderRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_catch_up(now=at(day, 7, 15))
    assert sent == len(mail.outbox) > 0
    assert ReminderRun.objects.filter(day=day).exists()
    assert reminders_catch_up(now=at(day, 7, 30)) is None  # done for the day


def test_a_day_whose_scheduled_run_happened_is_not_run_again(bootcamp):
    day = bootcamp.cohort.start_on + datetime.timedelta(days=30)
    overdue_reminders_send(today=day)
    assert reminders_catch_up(now=at(day, 9)) is None
