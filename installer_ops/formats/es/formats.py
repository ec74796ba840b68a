"""Spanish display formats: Django's own dates, and a time that names its
zone as in every language (installer_ops/formats/en/formats.py)."""

TIME_FORMAT = "H:i T"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i T"
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
