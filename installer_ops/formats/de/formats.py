"""German display formats: Django's own dates, and a time that names its
zone as in every language ("14:05 CET": the abbreviation is the time zone
database's, the same in every language), since people in several
geographies read the same records (installer_ops/formats/en/formats.py)."""

TIME_FORMAT = "H:i T"
DATETIME_FORMAT = "j. F Y, H:i T"
SHORT_DATETIME_FORMAT = "d.m.Y H:i T"
