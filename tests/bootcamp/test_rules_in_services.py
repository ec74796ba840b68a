"""Program and cohort limits hold on every door because the services (and
the database) hold them; filters tell nobody which ids exist."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bootcamp import services
from bootcamp.models import Cohort, ProgramVersion
from tests.bootcamp.fixtures import MODULES
from tests.factories import PodFactory, lead_of

pytestmark = pytest.mark.django_db


def test_a_version_without_modules_is_refused_through_the_api(api, bootcamp, org):
    program = bootcamp.version.program
    before = ProgramVersion.objects.count()
    response = api.as_user(org.admin).post(
        f"/api/v1/programs/{program.pk}/versions/", {"working_days": 10, "modules": []}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"modules": ["A program version has at least one module."]}
    assert ProgramVersion.objects.count() == before


def test_program_limits_are_the_services(bootcamp):
    program = bootcamp.version.program
    with pytest.raises(ValidationError) as refused:
        services.program_version_create(actor=None, program=program, working_days=61, modules=MODULES)
    assert "working_days" in refused.value.message_dict
    backwards = [{**MODULES[0], "first_day": 3, "last_day": 1}]
    with pytest.raises(ValidationError, match="ends before it starts"):
        services.program_version_create(actor=None, program=program, working_days=10, modules=backwards)


def test_cohort_capacity_is_the_services_and_the_databases(bootcamp):
    pod = PodFactory()
    lead = lead_of(pod)
    spec = {"name": "Big", "program_version": bootcamp.version, "start_on": datetime.date(2026, 12, 7), "lead": lead}
    with pytest.raises(ValidationError) as refused:
        services.cohort_create(actor=None, pods=[pod], capacity=201, **spec)
    assert "capacity" in refused.value.message_dict
    cohort = services.cohort_create(actor=None, pods=[pod], capacity=200, **spec)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=cohort.pk).update(capacity=500)


def test_a_filter_naming_another_leads_cohort_answers_as_a_missing_one(api, bootcamp):
    client = api.as_user(bootcamp.lead_b)
    theirs = client.get(f"/api/v1/enrollments/?cohort={bootcamp.cohort.pk}")
    missing = client.get("/api/v1/enrollments/?cohort=999999")
    assert theirs.status_code == missing.status_code == 400
    assert theirs.json().keys() == missing.json().keys() == {"cohort"}
    theirs = client.get(f"/api/v1/enrollments/?installer={bootcamp.installer.pk}")
    missing = client.get("/api/v1/enrollments/?installer=999999")
    assert theirs.status_code == missing.status_code == 400
    assert api.as_user(bootcamp.lead_a).get(f"/api/v1/enrollments/?cohort={bootcamp.cohort.pk}").status_code == 200
