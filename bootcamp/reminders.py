"""The daily reminder of overdue modules (docs/product.md, Bootcamp)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from installer_ops.models import Stage

from .models import Enrollment, ReminderLog, ReminderRun
from .selectors import enrollments_progress


@transaction.atomic
def overdue_reminders_send(*, today: datetime.date) -> int:
    """Remind each installer of their overdue modules and each cohort lead of
    their installers' overdue modules, once per module per day: a second run
    on the same day sends nothing. Returns the number of emails queued."""
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
    lines = defaultdict(list)  # recipient -> lines of their email
    recipients = {}
    for progress in enrollments_progress(enrollments):
        enrollment = progress.enrollment
        for module in progress.overdue_modules(today):
            line = _("%(installer)s: “%(module)s” was due on %(due)s (%(done)s of %(total)s items done)") % {
                "installer": enrollment.installer.name,
                "module": module.outline.module.title,
                "due": module.due_on.isoformat(),
                "done": module.done,
                "total": module.total,
            }
            for recipient in (enrollment.installer.user, enrollment.cohort.lead):
                key = (enrollment.pk, module.outline.module.pk, recipient.pk)
                if key in already or not recipient.email:
                    continue
                already.add(key)
                logs.append(
                    ReminderLog(enrollment=enrollment, module=module.outline.module, recipient=recipient, sent_on=today)
                )
                lines[recipient.pk].append(line)
                recipients[recipient.pk] = recipient
    # A concurrent run inserting the same rows fails on the unique key and
    # rolls back: it sends nothing, the first run's emails stand.
    ReminderLog.objects.bulk_create(logs)
    messages = [
        (
            _("Installer Ops: overdue bootcamp modules"),
            _("These bootcamp modules are overdue:") + "\n\n" + "\n".join(f"- {line}" for line in lines[pk]),
            settings.DEFAULT_FROM_EMAIL,
            [recipients[pk].email],
        )
        for pk in sorted(lines)
    ]
    ReminderRun.objects.get_or_create(day=today)
    # Mail goes out once the log rows are committed, so a rolled-back run sends nothing.
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))
    return len(messages)


def reminders_catch_up(*, now: datetime.datetime) -> int | None:
    """Run today's reminders if their scheduled time has passed and no run
    finished today (beat could not reach the broker then). None when there
    was nothing to catch up; otherwise the number of emails queued."""
    local = timezone.localtime(now)
    hour, minute = settings.REMINDER_TIME
    if (local.hour, local.minute) < (hour, minute) or ReminderRun.objects.filter(day=local.date()).exists():
        return None
    return overdue_reminders_send(today=local.date())
