"""CSV exports that a spreadsheet opens safely."""

import csv

from django.http import HttpResponse

# A cell starting with one of these is run as a formula by spreadsheets
# (=HYPERLINK(...), +cmd, -1+1, @SUM, and tab or carriage return tricks).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` as a spreadsheet shows it and never runs it: text that would
    start a formula gets a leading apostrophe. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_writer(response: HttpResponse):
    """A csv writer on `response` whose every cell goes through safe_cell."""
    writer = csv.writer(response)

    class SafeWriter:
        def writerow(self, row):
            return writer.writerow([safe_cell(value) for value in row])

    return SafeWriter()


def csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
