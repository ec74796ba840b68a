"""The daily reminder of overdue modules (docs/product.md, Bootcamp)."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from installer_ops.models import Stage
from installer_ops.user_language import mail_language_of

from .models import Enrollment, ReminderLog, ReminderRun
from .selectors import enrollments_progress


def overdue_reminders_send(*, today: datetime.date) -> int:
    """Remind each installer of their overdue modules and each cohort lead of
    their installers' overdue modules, once per module per day. Returns the
    number of emails sent by this run.

    Two steps, so that a mail server that fails and recovers loses nothing
    and doubles nothing: what is due is recorded first (one row per
    recipient, module and day; a rerun records nothing new), then every
    recipient with undelivered rows of the day gets one email, and their
    rows are marked delivered in the same transaction that locked them. A
    failed send rolls that back: the rows stay undelivered for the retry."""
    overdue_reminders_record(today=today)
    sent = overdue_reminders_deliver(today=today)
    # The day's run is over only when everything recorded went out; until
    # then the catch-up sweep keeps trying.
    if not ReminderLog.objects.filter(sent_on=today, delivered_at__isnull=True).exists():
        ReminderRun.objects.get_or_create(day=today)
    return sent


@transaction.atomic
def overdue_reminders_record(*, today: datetime.date) -> int:
    """Record the reminders due today that are not recorded yet; returns how many."""
    enrollments = list(
        # Only people still in bootcamp can have overdue modules worth a reminder.
        Enrollment.objects.filter(
            withdrawn_at__isnull=True, cohort__start_on__lte=today, installer__stage=Stage.BOOTCAMP
        ).select_related("cohort__program_version", "cohort__lead", "installer__user")
    )
    already = set(
        ReminderLog.objects.filter(sent_on=today, enrollment__in=enrollments).values_list(
            "enrollment_id", "module_id", "recipient_id"
        )
    )
    logs = []
    for progress in enrollments_progress(enrollments):
        enrollment = progress.enrollment
        for module in progress.overdue_modules(today):
            for recipient in (enrollment.installer.user, enrollment.cohort.lead):
                key = (enrollment.pk, module.outline.module.pk, recipient.pk)
                if key in already or not recipient.email:
                    continue
                already.add(key)
                with translation.override(mail_language_of(recipient)):  # the line is sent as recorded
                    line = _("%(installer)s: “%(module)s” was due on %(due)s (%(done)s of %(total)s items done)") % {
                        "installer": enrollment.installer.name,
                        "module": module.outline.module.title,
                        "due": formats.date_format(module.due_on),
                        "done": module.done,
                        "total": module.total,
                    }
                logs.append(
                    ReminderLog(
                        enrollment=enrollment,
                        module=module.outline.module,
                        recipient=recipient,
                        sent_on=today,
                        line=line,
                    )
                )
    # A concurrent run inserting the same rows skips them (the unique key).
    ReminderLog.objects.bulk_create(logs, ignore_conflicts=True)
    return len(logs)


def overdue_reminders_deliver(*, today: datetime.date) -> int:
    """One email per recipient with undelivered reminders of `today`."""
    recipients = (
        ReminderLog.objects.filter(sent_on=today, delivered_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    sent = 0
    for recipient_id in list(recipients):
        with transaction.atomic():
            # Locked while the mail goes out: a concurrent run skips these
            # rows instead of sending them a second time.
            rows = list(
                ReminderLog.objects.select_for_update(skip_locked=True)
                .filter(sent_on=today, delivered_at__isnull=True, recipient_id=recipient_id)
                .select_related("recipient")
                .order_by("enrollment_id", "module_id")
            )
            if not rows:
                continue
            with translation.override(mail_language_of(rows[0].recipient)):
                subject = _("Installer Ops: overdue bootcamp modules")
                body = _("These bootcamp modules are overdue:") + "\n\n" + "\n".join(f"- {row.line}" for row in rows)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [rows[0].recipient.email], fail_silently=False)
            ReminderLog.objects.filter(pk__in=[row.pk for row in rows]).update(delivered_at=timezone.now())
            sent += 1
    return sent


def reminders_catch_up(*, now: datetime.datetime) -> int | None:
    """Run today's reminders if their scheduled time has passed and no run
    finished today (beat could not reach the broker then). None when there
    was nothing to catch up; otherwise the number of emails queued."""
    local = timezone.localtime(now)
    hour, minute = settings.REMINDER_TIME
    if (local.hour, local.minute) < (hour, minute) or ReminderRun.objects.filter(day=local.date()).exists():
        return None
    return overdue_reminders_send(today=local.date())
