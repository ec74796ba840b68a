"""A lead pairs installers with mentors they may see: a mentor of another
lead's pod reads as unknown on every door, and the refusal names nobody."""

import pytest

from installer_ops.models import Level
from onboarding import services
from onboarding.models import ShadowAssignment
from tests.factories import InstallerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(onboarding):
    return InstallerFactory(pod=onboarding.b.pod_b, level=Level.SENIOR_INSTALLER, user__name="Mira Elsewhere")


def test_a_mentor_of_another_pod_answers_as_an_unknown_id_through_the_api(api, onboarding, elsewhere):
    client = api.as_user(onboarding.lead)
    url = "/api/v1/shadow-assignments/"
    theirs = client.post(url, {"installer": onboarding.installer.pk, "mentor": elsewhere.pk}, format="json")
    unknown = client.post(url, {"installer": onboarding.installer.pk, "mentor": 999999}, format="json")
    assert theirs.status_code == unknown.status_code == 400
    assert theirs.json()["mentor"] == [m.replace("999999", str(elsewhere.pk)) for m in unknown.json()["mentor"]]
    body = theirs.content.decode()
    assert "Mira Elsewhere" not in body and "Senior" not in body
    assert not ShadowAssignment.objects.filter(mentor=elsewhere).exists()


def test_the_service_refuses_a_mentor_outside_the_actors_scope(onboarding, elsewhere):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.shadow_assign(actor=onboarding.lead, installer=onboarding.installer, mentor=elsewhere)
    assert "Mira" not in str(refused.value.message_dict)
    # In scope, the same pairing works.
    assignment = services.shadow_assign(actor=onboarding.lead, installer=onboarding.installer, mentor=onboarding.mentor)
    assert assignment.mentor == onboarding.mentor
