import datetime

import pytest
from django.core import mail

from bootcamp import services
from bootcamp.models import ReminderLog
from bootcamp.tasks import send_overdue_reminders
from tests.bootcamp.fixtures import tablet_check

pytestmark = pytest.mark.django_db

# The fixture's cohort starts Monday 2 November 2026: module 1 is due on
# Wednesday 4 November, module 2 on Monday 9 November.
THURSDAY = datetime.date(2026, 11, 5)
TUESDAY = datetime.date(2026, 11, 10)


def test_overdue_modules_are_reminded_once_per_module_per_day(bootcamp, django_capture_on_commit_callbacks):
    b = bootcamp
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders.delay(THURSDAY.isoformat())
    # Two installers and one lead, module 1 overdue for both installers.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([b.installer.user.email, b.other.user.email, b.lead_a.email])
    lead_mail = next(m for m in mail.outbox if m.to == [b.lead_a.email])
    assert lead_mail.body.count("Device provisioning") == 2
    assert "was due on 4 Nov 2026" in lead_mail.body

    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders.delay(THURSDAY.isoformat())  # the same day again: nothing new
    assert len(mail.outbox) == 3
    assert ReminderLog.objects.count() == 4  # (2 installers x module 1) x (installer, lead)

    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders.delay(TUESDAY.isoformat())  # a new day: both modules now overdue
    assert len(mail.outbox) == 6
    assert ReminderLog.objects.filter(sent_on=TUESDAY).count() == 8


def test_a_completed_module_is_not_reminded(bootcamp, django_capture_on_commit_callbacks):
    b = bootcamp
    tablet_check(b.enrollment, *b.items[:3])  # all of module 1
    services.enrollment_signoff_record(actor=b.lead_a, enrollment=b.enrollment, item=b.items[1], action="sign_off")
    with django_capture_on_commit_callbacks(execute=True):
        send_overdue_reminders.delay(THURSDAY.isoformat())
    assert b.installer.user.email not in [m.to[0] for m in mail.outbox]
    lead_mail = next(m for m in mail.outbox if m.to == [b.lead_a.email])
    assert b.other.name in lead_mail.body and b.installer.name not in lead_mail.body


def test_nothing_is_sent_before_anything_is_due(bootcamp):
    from bootcamp.models import ReminderRun

    send_overdue_reminders.delay("2026-11-04")  # module 1 is due today, not overdue
    assert ReminderRun.objects.filter(day=datetime.date(2026, 11, 4)).exists()  # the job ran to its end
    assert mail.outbox == []
    assert not ReminderLog.objects.exists()


class FlakyMailServer:
    """The locmem backend, refusing every send while `down` (as SMTP would)."""

    down = True

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def open(self):
        return self.inner.open()

    def close(self):
        return self.inner.close()

    def send_messages(self, messages):
        if FlakyMailServer.down:
            raise ConnectionRefusedError("the mail server is down")
        return self.inner.send_messages(messages)


def test_reminders_are_delivered_exactly_once_when_the_mail_server_fails_and_recovers(bootcamp, settings):
    from bootcamp.models import ReminderRun
    from bootcamp.reminders import overdue_reminders_send, reminders_catch_up

    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    FlakyMailServer.down = True
    with pytest.raises(ConnectionRefusedError):
        overdue_reminders_send(today=THURSDAY)
    assert mail.outbox == []
    # Recorded, not delivered, and the day is not over: the sweep will try again.
    assert ReminderLog.objects.filter(delivered_at__isnull=True).count() == 4
    assert not ReminderRun.objects.filter(day=THURSDAY).exists()

    FlakyMailServer.down = False
    assert overdue_reminders_send(today=THURSDAY) == 3  # the retry sends what failed
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [bootcamp.installer.user.email, bootcamp.other.user.email, bootcamp.lead_a.email]
    )
    assert not ReminderLog.objects.filter(delivered_at__isnull=True).exists()
    assert ReminderRun.objects.filter(day=THURSDAY).exists()
    # Another retry, or the catch-up sweep, sends nothing more.
    assert overdue_reminders_send(today=THURSDAY) == 0
    late = datetime.datetime.combine(THURSDAY, datetime.time(23, 0), tzinfo=datetime.UTC)
    assert reminders_catch_up(now=late) is None
    assert len(mail.outbox) == 3
