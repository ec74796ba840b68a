"""A cohort's name tells it apart within its period: the same form sent
twice, or another cohort of the same name running at the same time, is
refused under the name (service, database and page); a weekend start is
allowed with a warning naming the first working day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bootcamp import services
from bootcamp.forms import weekend_start_note
from bootcamp.models import Cohort

pytestmark = pytest.mark.django_db

D = datetime.date


def _create(b, **kwargs):
    defaults = {"name": "December A", "program_version": b.version, "start_on": D(2026, 12, 7), "pods": [b.pod_a]}
    return services.cohort_create(actor=b.lead_a, capacity=10, **{**defaults, **kwargs})


def test_the_same_cohort_twice_is_refused_under_the_name(bootcamp):
    _create(bootcamp)
    with pytest.raises(ValidationError) as exc:
        _create(bootcamp, name=" december a ")
    assert "name" in exc.value.message_dict
    assert Cohort.objects.filter(name__iexact="December A").count() == 1


def test_a_namesake_overlapping_the_period_is_refused_one_after_it_is_not(bootcamp):
    _create(bootcamp)  # 10 working days: 7 to 18 December
    with pytest.raises(ValidationError, match="already runs from 7 Dec 2026 to 18 Dec 2026|already runs from"):
        _create(bootcamp, start_on=D(2026, 12, 18))
    later = _create(bootcamp, start_on=D(2026, 12, 21))
    assert later.name == "December A"
    assert Cohort.objects.filter(name="December A").count() == 2


def test_the_database_holds_one_name_per_start_date(bootcamp):
    first = _create(bootcamp)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.create(
            name="DECEMBER A", program_version=bootcamp.version, start_on=first.start_on, lead=bootcamp.lead_a
        )


def test_the_form_sent_twice_makes_one_cohort_and_shows_why(client, bootcamp):
    b = bootcamp
    client.force_login(b.lead_a)
    data = {
        "name": "Lisbon January",
        "program_version": b.version.pk,
        "start_on": "2027-01-04",
        "pods": [b.pod_a.pk],
        "capacity": 8,
    }
    first = client.post("/lead/cohorts/new/", data)
    assert first.status_code == 302
    second = client.post("/lead/cohorts/new/", data)
    assert second.status_code in (200, 400)
    assert "already runs from" in second.content.decode()
    assert Cohort.objects.filter(name="Lisbon January").count() == 1


def test_the_form_protects_itself_from_a_double_click(client, bootcamp):
    client.force_login(bootcamp.lead_a)
    html = client.get("/lead/cohorts/new/").content.decode()
    assert "data-submit-once" in html and "bootcamp/submit_once" in html


@pytest.mark.parametrize(
    ("start", "note"),
    [
        (D(2026, 11, 21), "Starts on a Saturday: the first working day will be Monday 23 Nov."),
        (D(2026, 11, 22), "Starts on a Sunday: the first working day will be Monday 23 Nov."),
        (D(2026, 11, 23), ""),
    ],
)
def test_a_weekend_start_is_named_with_its_first_working_day(start, note):
    assert weekend_start_note(start) == note


def test_a_weekend_start_is_created_with_a_warning(client, bootcamp):
    b = bootcamp
    client.force_login(b.lead_a)
    data = {
        "name": "Weekend",
        "program_version": b.version.pk,
        "start_on": "2026-11-21",
        "pods": [b.pod_a.pk],
        "capacity": 8,
    }
    response = client.post("/lead/cohorts/new/", data, follow=True)
    page = response.content.decode()
    assert Cohort.objects.filter(name="Weekend", start_on=D(2026, 11, 21)).exists()
    assert "Starts on a Saturday: the first working day will be Monday 23 Nov." in page
