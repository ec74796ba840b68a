"""The executive dashboard, the lead's queue and the onboarding board run
the same number of queries for an organisation of 2 pods (4 cohorts, 50
installers) and of 6 pods (12 cohorts, 150), for each of their readers:
the executive and the administrator on the dashboard, a pod's lead and the
administrator on the queue and the board. The organisation is the one
bench/pages.py times at 1 and 200 pods (bench/seeds/organisation.py), so
that what is timed there is what is counted here.

The board's page size, its list of kits to reprint and the queue's
id-list limit are lowered so that both sizes page through the board and
the administrator's queue crosses from lists of ids to subqueries
(onboarding/queue_selectors.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.seeds import organisation
from kpis.computation import kpis_compute
from onboarding import board_selectors, queue_selectors

pytestmark = pytest.mark.django_db

PAGES = [
    ("/dashboard/", "executive"),
    ("/dashboard/", "admin"),
    ("/lead/queue/", "lead"),
    ("/lead/queue/", "admin"),
    ("/lead/onboarding/", "lead"),
    ("/lead/onboarding/", "admin"),
]


@pytest.fixture
def no_cache(settings):
    """The dashboard's running period is computed on every request, and so counted."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _compute(today: datetime.date) -> None:
    # The last complete month and the running one, and their quarters: what the headlines and cohorts read.
    since = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)
    kpis_compute(since=since, until=today, grains=["month", "quarter"])


def _read(client, seeded) -> tuple[dict, dict]:
    counts, pages = {}, {}
    for path, who in PAGES:
        client.force_login(getattr(seeded, who))
        client.get(path)  # the session's first touches are not the page's
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, who)
        counts[(path, who)] = len(queries.captured_queries)
        pages[(path, who)] = response
    return counts, pages


def test_the_three_pages_run_the_same_queries_for_2_pods_and_for_6(client, no_cache, monkeypatch):
    monkeypatch.setattr(board_selectors, "CARDS_PER_PAGE", 10)
    monkeypatch.setattr(board_selectors, "REPRINTS_SHOWN", 3)
    monkeypatch.setattr(queue_selectors, "ID_LIST_LIMIT", 60)
    today = timezone.localdate()
    seeded = organisation.seed(2, today)
    _compute(today)
    small, _pages = _read(client, seeded)

    organisation.seed(4, today, first=2)
    _compute(today)
    large, pages = _read(client, seeded)

    assert large == small
    # The counts are of full pages: every pod in the breakdown, a full page of the board.
    dashboard = pages[("/dashboard/", "executive")].content.decode()
    assert all(f"Pod {n:03d}" in dashboard for n in range(6))
    board = pages[("/lead/onboarding/", "admin")]
    assert board.context["board"].cards_page.paginator.num_pages > 1
    # Each pod has 8 people working towards clearance and 2 cleared in the last 30 days.
    assert board.context["board"].cards_page.paginator.count == 48
    html = board.content.decode()
    assert html.count('class="board-card') == 10 + 12
    assert "People 1 to 10 of 48 working towards clearance" in html and "cards=2" in html
    # A kit to reprint in each pod: the first three listed, the count of all.
    assert "6 kits need a reprint" in html and "3 more kits, oldest first" in html
    lead_board = pages[("/lead/onboarding/", "lead")].context["board"]
    assert {card.installer.pod.code for cards in lead_board.columns.values() for card in cards} == {"pod-000"}
    queue = pages[("/lead/queue/", "admin")].context["queue"]
    assert queue.signoffs.paginator.count >= 6 * 5  # every installer in bootcamp has an item awaiting
