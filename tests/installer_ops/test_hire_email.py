"""A hire's email identifies one active login (sign-on, invitations and
resets look people up by it): a second active login with the same address,
in any case, is refused under the field, through the service, the page and
the API alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from installer_ops import services
from installer_ops.models import Installer, User

pytestmark = pytest.mark.django_db


def _hire(org, **kwargs):
    defaults = {
        "employee_id": "FI-8001",
        "name": "Ines Duarte",
        "pod": org.pod_a,
        "hired_on": datetime.date(2026, 1, 5),
    }
    return services.installer_hire(actor=org.lead_a, **{**defaults, **kwargs})


def test_an_email_of_another_active_login_is_refused_whatever_its_case(org):
    taken = org.installer_a1.user.email
    with pytest.raises(ValidationError) as exc:
        _hire(org, email=f"  {taken.upper()} ")
    assert "email" in exc.value.message_dict
    assert not Installer.objects.filter(employee_id="FI-8001").exists()


def test_an_email_of_a_deactivated_login_may_be_reused(org):
    services.installer_separate(
        actor=None, installer=org.installer_a1, left_on=datetime.date(2026, 2, 1), voluntary=True
    )
    reused = _hire(org, email=org.installer_a1.user.email)
    assert reused.user.email == org.installer_a1.user.email
    assert User.objects.filter(email__iexact=reused.user.email).count() == 2


def test_the_hire_page_shows_the_refusal_under_the_email_field(client, org):
    client.force_login(org.lead_a)
    response = client.post(
        "/org/installers/new/",
        {
            "name": "Ines Duarte",
            "employee_id": "FI-8001",
            "pod": org.pod_a.pk,
            "level": 1,
            "hired_on": "2026-01-05",
            "email": org.lead_b.email.upper(),
        },
    )
    assert response.status_code in (200, 400)
    assert "This email belongs to another active login." in response.content.decode()
    assert not Installer.objects.filter(employee_id="FI-8001").exists()


def test_the_api_answers_400_naming_the_email(api, org):
    response = api.as_user(org.lead_a).post(
        "/api/v1/installers/",
        {
            "employee_id": "FI-8001",
            "name": "Ines",
            "pod": org.pod_a.pk,
            "hired_on": "2026-01-12",
            "email": org.admin.email,
        },
    )
    assert response.status_code == 400
    assert "email" in response.json()
