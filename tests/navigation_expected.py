"""Each role's header navigation as people should see it, written out by
hand (not read from settings.NAVIGATION, so that a change to the menus is
a change to this list too). The page test and the browser test share it."""

EXPECTED_NAVIGATION = {
    "installer": ["My checklist", "My record"],
    "lead": [
        "Queue",
        "Field app",
        "Hiring",
        "Cohorts",
        "Programs",
        "Onboarding",
        "Pods",
        "Installers",
        "Runbooks",
    ],
    "executive": ["Dashboard", "Organisation", "KPI targets"],
    "admin": [
        "Dashboard",
        "Organisation",
        "Queue",
        "Hiring",
        "Cohorts",
        "Programs",
        "Onboarding",
        "Installers",
        "Library",
        "KPI targets",
        "Audit log",
        "API docs",
        "Admin",
    ],
}
