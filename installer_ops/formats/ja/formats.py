"""Japanese display formats: Django's own dates, and a time that names its
zone as in every language (installer_ops/formats/en/formats.py)."""

TIME_FORMAT = "G:i T"
DATETIME_FORMAT = "Y年n月j日 G:i T"
SHORT_DATETIME_FORMAT = "Y/m/d G:i T"
