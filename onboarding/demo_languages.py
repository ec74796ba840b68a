"""The demo's people in their languages (seed_demo): most installers of the
Europe pods read German, some French or Spanish; Japanese in Asia Pacific;
English in North America (one reads Spanish there, and sees the English
consent flow, which has no Spanish translation). The four logins the README
documents (lead, installer, exec, admin) keep the browser's language."""

from django.conf import settings

from installer_ops.services.accounts import account_language_set

# Staff by login name, installers by employee id; anyone not named keeps
# the browser's language (blank).
LANGUAGE_OF = {
    # Product liaisons and reliability engineers; the leads of North America and Asia Pacific.
    "mbrandt": "de",
    "lgarcia": "es",
    "kyamamoto": "ja",
    "rcastillo": "en",
    "sokoye": "en",
    "tnguyen": "en",
    "ebaker": "en",
    # Europe (a Berlin team working sites in Germany, France and Spain).
    "FI-1001": "fr",
    "FI-1002": "de",
    "FI-1007": "de",
    "FI-1008": "en",
    "FI-1013": "en",
    "FI-1014": "de",
    "FI-1019": "de",
    "FI-1020": "fr",
    "FI-1025": "en",
    "FI-1026": "es",
    "FI-1031": "de",
    # North America.
    "FI-1003": "en",
    "FI-1009": "en",
    "FI-1015": "en",
    "FI-1021": "en",
    "FI-1027": "en",
    "FI-1033": "es",
    # Asia Pacific (sites in Singapore, Japan and Australia).
    "FI-1006": "en",
    "FI-1011": "ja",
    "FI-1017": "ja",
    "FI-1018": "ja",
    "FI-1023": "ja",
    "FI-1024": "en",
    "FI-1029": "ja",
}


def seed_languages(organisation) -> None:
    """Each named person picks their language on their account page, as a
    person would; a language the product does not offer (yet) is skipped."""
    offered = {code for code, _name in settings.LANGUAGES}
    people = dict(organisation.users)
    for employee_id, installer in organisation.installers.items():
        if installer.user_id is not None:
            people[employee_id] = installer.user
    for key, language in LANGUAGE_OF.items():
        user = people.get(key)
        if user is not None and language in offered:
            account_language_set(actor=user, user=user, language=language)
