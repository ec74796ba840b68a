"""Dates and times the field-data importer refuses (installer_ops/values.py):
outside the plausible window in every date and time column, impossible
ones (February 30, hour 25, an offset beyond ±14:00), each an error of its
line and column with nothing written; and the recomputes an import asks for."""

import datetime

import pytest

from installer_ops import values
from kpis.importing import field_data_import
from kpis.models import KpiJob
from tests.kpis.test_import_bad_input import BASE, files_with, refused, to_csv, where

pytestmark = pytest.mark.django_db

DATE_COLUMNS = [
    ("installers.csv", "hired_on"),
    ("installers.csv", "left_on"),
    ("promotions.csv", "effective_on"),
    ("nodes.csv", "installed_on"),
    ("audits.csv", "audited_on"),
]
DATETIME_COLUMNS = [
    ("visits.csv", "visited_at"),
    ("incidents.csv", "opened_at"),
    ("incidents.csv", "resolved_at"),
]


def implausible_dates() -> list[str]:
    beyond = values.window_end() + datetime.timedelta(days=1)
    return ["0001-01-01", "1999-12-31", "9999-12-31", beyond.isoformat()]


def with_date(name, column, value):
    cells = {column: value}
    if column == "left_on":
        cells["left_voluntarily"] = "yes"
    return files_with(name, **cells)


@pytest.mark.parametrize(("name", "column"), DATE_COLUMNS)
def test_a_date_outside_the_window_is_an_error_of_its_column(name, column):
    for value in implausible_dates():
        errors = refused(with_date(name, column, value))
        assert (name, 2, column) in where(errors), value
        assert any("must lie between 2000-01-01 and" in e.reason for e in errors), value


@pytest.mark.parametrize(("name", "column"), DATE_COLUMNS)
def test_an_impossible_date_is_an_error_of_its_column(name, column):
    for value in ["2024-02-30", "2024-13-01", "0000-01-01", "2024-1-32"]:
        errors = refused(with_date(name, column, value))
        assert (name, 2, column) in where(errors), value


@pytest.mark.parametrize(("name", "column"), DATETIME_COLUMNS)
def test_a_time_outside_the_window_is_an_error_of_its_column(name, column):
    beyond = values.window_end() + datetime.timedelta(days=1)
    times = [
        "0001-01-01T00:30:00+01:00",  # before year 1 in UTC
        "1999-12-31T23:00:00Z",
        "2000-01-01T05:00:00+14:00",  # 1999 in UTC
        "9999-12-31T23:00:00-02:00",  # after year 9999 in UTC
        f"{beyond.isoformat()}T00:00:00Z",
    ]
    for value in times:
        cells = {column: value, **({"resolved_at": ""} if column == "opened_at" else {})}
        errors = refused(files_with(name, **cells))
        assert (name, 2, column) in where(errors), value


@pytest.mark.parametrize(("name", "column"), DATETIME_COLUMNS)
def test_an_impossible_time_or_offset_is_an_error_of_its_column(name, column):
    for value in [
        "2024-02-30T10:00:00Z",
        "2024-10-01T25:00:00Z",
        "2024-10-01T10:00:00+25:00",
        "2024-10-01T10:00:00+14:30",
        "2024-10-01T10:00:00-14:01",
    ]:
        errors = refused(files_with(name, **{column: value}))
        assert (name, 2, column) in where(errors), value
    # The extremes of the offsets are fine.
    for value in ("2024-10-01T23:30:00+14:00", "2024-10-01T23:30:00-14:00"):
        cells = {column: value, **({"resolved_at": ""} if column == "opened_at" else {})}
        field_data_import(actor=None, files=files_with(name, **cells))


def test_imports_far_apart_in_time_are_recomputed_in_several_jobs(django_capture_on_commit_callbacks):
    """A recompute covers at most ten years: an import touching more asks
    for several, never failing once its rows were written; a ten years
    without a touched day asks for none (not a recompute of all ten)."""
    files = files_with()
    files["audits.csv"] = to_csv(
        [BASE["audits.csv"], {**BASE["audits.csv"], "audit_id": "A-2", "audited_on": "2001-01-01"}]
    )
    with django_capture_on_commit_callbacks(execute=False):
        report = field_data_import(actor=None, files=files)
    jobs = list(KpiJob.objects.order_by("since"))
    assert len(jobs) == 2 and report.job == jobs[0]
    assert jobs[0].since == datetime.date(2001, 1, 1) and jobs[-1].until == datetime.date(2024, 10, 15)
    assert jobs[0].days == {"people": ["2001-01-01"]}
    assert (jobs[1].until - jobs[1].since).days < 3660 and jobs[1].since > datetime.date(2020, 1, 1)


def test_a_visit_just_inside_the_window_in_utc_is_accepted():
    # 2000-01-01 01:00 UTC, on 31 December 1999 where it happened.
    report = field_data_import(actor=None, files=files_with("visits.csv", visited_at="1999-12-31T23:00:00-02:00"))
    assert report.created["visits"] == 1
