"""Each role's navigation and home, read by the base template and the login
redirect (settings.NAVIGATION, settings.ROLE_HOME)."""

from django.utils.translation import gettext_lazy as _

# Navigation per role: (label, URL name). The project settings are the one
# place allowed to name every app, so higher apps add their pages here.
NAVIGATION = {
    "installer": [
        (_("My checklist"), "app"),
        (_("My record"), "my-record"),
    ],
    "lead": [
        (_("Queue"), "lead-queue"),
        # The lead's tablet app: the queue's sign-offs, kept for working offline in the field.
        (_("Field app"), "app"),
        # Hiring comes first of a person's path (hired, bootcamp, onboarding). A lead
        # who interviews for another pod finds those candidates there too.
        (_("Hiring"), "hiring-requisitions"),
        (_("Cohorts"), "lead-cohorts"),
        (_("Programs"), "lead-programs"),
        (_("Onboarding"), "onboarding-board"),
        (_("Pods"), "org-overview"),
        (_("Installers"), "installer-list"),
        (_("Runbooks"), "runbook-list"),
    ],
    "executive": [
        (_("Dashboard"), "dashboard"),
        (_("Organisation"), "org-overview"),
        (_("KPI targets"), "kpi-targets"),
    ],
    "admin": [
        (_("Dashboard"), "dashboard"),
        (_("Organisation"), "org-overview"),
        (_("Queue"), "lead-queue"),
        (_("Hiring"), "hiring-requisitions"),
        (_("Cohorts"), "lead-cohorts"),
        (_("Programs"), "lead-programs"),
        (_("Onboarding"), "onboarding-board"),
        (_("Installers"), "installer-list"),
        # The library's document list links every version's print view and
        # PDF, so for administrators it takes the runbook list's place.
        (_("Library"), "library-documents"),
        (_("KPI targets"), "kpi-targets"),
        (_("Audit log"), "audit-log"),
        (_("API docs"), "api-docs"),
    ],
}
# Where each role lands after logging in.
ROLE_HOME = {
    "installer": "app",
    "lead": "lead-cohorts",
    "executive": "dashboard",
    "admin": "dashboard",
}
