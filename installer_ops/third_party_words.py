"""Words a library shows on our pages and does not translate into every
language the product speaks. Marked here only so that `make messages-extract`
puts them in our catalogues: LOCALE_PATHS are read before the libraries' own,
so our translation is the one shown (in every language, to read the same).

django-axes (login lockouts in the admin) ships no Spanish or Japanese
catalogue: its model names and the fields its admin lists."""

from django.utils.translation import gettext_noop

DJANGO_AXES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("Logout Time"),
)
