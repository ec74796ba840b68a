"""The dashboard's headlines: the last complete period against the complete
one before; the running period apart, "so far", against the same span of
the period before, computed from the facts (fixed dates throughout)."""

import datetime

import pytest

from kpis.computation import kpis_compute
from kpis.figures import format_change
from kpis.models import Audit, Incident, Node
from kpis.periods import running_span
from kpis.running import spans
from kpis.selectors import dashboard
from tests.factories import PodFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def audits(pod, results: dict) -> None:
    """{date: [passed, ...]}: one audit per result."""
    for day, passes in results.items():
        for index, passed in enumerate(passes):
            Audit.objects.create(external_id=f"{day}-{index}", pod=pod, audited_on=day, passed=passed)


def tile_of(data, kpi):
    return next(t for t in data.tiles if t.kpi == kpi)


def test_monthly_headlines_are_the_last_complete_month_and_the_running_one_is_apart():
    pod = PodFactory()
    d = datetime.date
    audits(
        pod,
        {
            d(2026, 9, 10): [True, True, True, False],  # September: 75 %
            d(2026, 10, 5): [True, False],  # October 1-19: 1 of 2
            d(2026, 10, 25): [True, False],  # October after the 19th: not in the same span
            d(2026, 11, 3): [True, True, True],  # November so far: 3 of 3
        },
    )
    today = d(2026, 11, 19)
    kpis_compute(since=d(2026, 9, 1), until=today, grains=["month"])
    data = dashboard(scope="org", scope_id=0, grain="month", today=today)
    tile = tile_of(data, "audit_pass_rate")
    # October is the headline (complete), compared with September; not November's partial 100 %.
    assert (data.period.start, data.before.start) == (d(2026, 10, 1), d(2026, 9, 1))
    assert tile.value == pytest.approx(0.5)
    assert tile.change == -25.0 and format_change("audit_pass_rate", tile.change) == "\u221225.0 pts"
    assert tile.improving is False
    # The running month: 1-19 November against 1-19 October, from the facts.
    assert (tile.running.span.start, tile.running.span.end) == (d(2026, 11, 1), today)
    assert (tile.running.before_span.start, tile.running.before_span.end) == (d(2026, 10, 1), d(2026, 10, 19))
    assert (tile.running.now.numerator, tile.running.now.denominator) == (3, 3)
    assert (tile.running.before.numerator, tile.running.before.denominator) == (1, 2)
    assert tile.running_change == 50.0
    # The breakdown is of the complete month too.
    row = next(r for r in data.breakdown["pod"] if r.scope_id == pod.pk)
    assert row.values["audit_pass_rate"].period_start == d(2026, 10, 1)


def test_a_week_so_far_is_compared_with_the_same_days_of_last_week():
    pod = PodFactory()
    d = datetime.date
    today = d(2026, 11, 18)  # a Wednesday: three days of the week
    audits(
        pod,
        {
            d(2026, 11, 10): [True],  # last week's Tuesday: in the same span
            d(2026, 11, 13): [False],  # last week's Friday: after the same span
            d(2026, 11, 17): [True],  # this week's Tuesday
        },
    )
    kpis_compute(since=d(2026, 11, 2), until=today, grains=["week"])
    tile = tile_of(dashboard(scope="org", scope_id=0, grain="week", today=today), "audit_pass_rate")
    assert tile.value == pytest.approx(0.5)  # last week complete: 1 of 2
    assert (tile.running.span.start, tile.running.before_span.start, tile.running.before_span.end) == (
        d(2026, 11, 16),
        d(2026, 11, 9),
        d(2026, 11, 11),
    )
    assert tile.running.now.value == tile.running.before.value == 1.0
    assert tile.running_change == 0 and format_change("audit_pass_rate", tile.running_change) == "no change"


def test_the_same_span_is_cut_to_the_shorter_month_and_starts_on_the_first_day():
    d = datetime.date
    span, before = spans(d(2026, 3, 31), "month")
    assert (span.start, span.end) == (d(2026, 3, 1), d(2026, 3, 31))
    assert (before.start, before.end) == (d(2026, 2, 1), d(2026, 2, 28))  # February has no 29th to 31st
    span, before = spans(d(2026, 10, 1), "quarter")
    assert (span.start, span.end) == (d(2026, 10, 1), d(2026, 10, 1))
    assert (before.start, before.end) == (d(2026, 7, 1), d(2026, 7, 1))
    assert running_span(d(2026, 11, 16), "week").start == d(2026, 11, 16)


def test_mttr_so_far_counts_only_incidents_resolved_within_the_span():
    d = datetime.date
    pod = PodFactory()
    node = Node.objects.create(serial="N1", site="s", pod=pod, installed_on=d(2026, 1, 1))
    for ext, opened, hours in [("I1", (2026, 10, 2, 8), 2), ("I2", (2026, 10, 28, 8), 10), ("I3", (2026, 11, 2, 8), 3)]:
        at = datetime.datetime(*opened, tzinfo=UTC)
        Incident.objects.create(
            external_id=ext, node=node, severity="sev2", opened_at=at, resolved_at=at + datetime.timedelta(hours=hours)
        )
    today = d(2026, 11, 5)
    kpis_compute(since=d(2026, 10, 1), until=today, grains=["month"])
    tile = tile_of(dashboard(scope="org", scope_id=0, grain="month", today=today), "mttr")
    assert tile.value == pytest.approx(6.0)  # October, whole: (2 + 10) / 2
    assert tile.running.now.value == pytest.approx(3.0)
    assert tile.running.before.value == pytest.approx(2.0)  # 1-5 October only
    assert format_change("mttr", tile.running_change) == "+1.0 h"
    assert tile.running_improving is False  # lower is better


@pytest.mark.parametrize(
    ("kpi", "change", "text"),
    [
        ("audit_pass_rate", 0.0, "no change"),
        ("audit_pass_rate", -3.0, "\u22123.0 pts"),
        ("mttr", 1.2, "+1.2 h"),
        ("days_to_clearance", -2.5, "\u22122.5 days"),
        ("mttr", None, ""),
    ],
)
def test_changes_read_with_sign_and_unit(kpi, change, text):
    assert format_change(kpi, change) == text
