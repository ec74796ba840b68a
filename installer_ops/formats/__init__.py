"""The product's display formats, one per kind, read by Django's format
localisation (FORMAT_MODULE_PATH): `{{ value }}`, `|date`, `|time` and
`django.utils.formats.date_format` all take them from here."""
