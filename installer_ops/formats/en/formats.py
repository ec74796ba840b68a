"""English display formats (Django date syntax). One format per kind: a
date reads "18 Nov 2026" whether a page, a message or the admin shows it,
and a time always names its zone ("14:05 CET"), since people in several
geographies read the same records. Machine formats (CSV, the API,
`<time datetime>`, `<input type=date>`) stay ISO 8601 and do not come
from here; the input formats are Django's, with ISO first."""

# A date: 18 Nov 2026. Day first and the month in letters, so that no reader
# mistakes 04/05 for 5 April or 4 May.
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = DATE_FORMAT
# Inside a range or a column already headed by its year: 18 Nov.
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
# A time on the 24-hour clock with the zone it is shown in: 14:05 CET.
TIME_FORMAT = "H:i T"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
# Working weeks start on Monday.
FIRST_DAY_OF_WEEK = 1

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
