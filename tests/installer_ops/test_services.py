import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from installer_ops import services
from installer_ops.models import Installer, Level, PodMembership, PodRole, Promotion, Stage
from tests.factories import InstallerFactory, MembershipFactory, PodFactory, UserFactory

D = datetime.date

pytestmark = pytest.mark.django_db


def hire(pod, **kwargs):
    defaults = {"employee_id": "E1", "name": "Ada Installer", "pod": pod, "hired_on": D(2025, 1, 6)}
    return services.installer_hire(actor=None, **{**defaults, **kwargs})


def test_hire_creates_login_in_installer_group_at_stage_hired():
    installer = hire(PodFactory(), email="ada@example.com")
    assert installer.stage == Stage.HIRED
    assert installer.level == Level.INSTALLER_1
    assert installer.user.username == "e1"
    assert not installer.user.has_usable_password()
    assert list(installer.user.groups.values_list("name", flat=True)) == ["installer"]


def test_hire_refuses_a_duplicate_employee_id_and_leaves_nothing():
    pod = PodFactory()
    hire(pod)
    with pytest.raises(ValidationError) as exc:
        hire(pod, name="Someone Else")
    assert "employee_id" in exc.value.message_dict
    assert Installer.objects.count() == 1


def test_promotion_moves_level_up_and_records_from_and_to():
    installer = hire(PodFactory())
    promotion = services.installer_promote(
        actor=None, installer=installer, to_level=Level.INSTALLER_2, effective_on=D(2025, 6, 1)
    )
    installer.refresh_from_db()
    assert installer.level == Level.INSTALLER_2
    assert (promotion.from_level, promotion.to_level) == (Level.INSTALLER_1, Level.INSTALLER_2)


@pytest.mark.parametrize("to_level", [Level.INSTALLER_1])
def test_promotion_downward_or_sideways_is_refused(to_level):
    installer = hire(PodFactory())
    with pytest.raises(ValidationError) as exc:
        services.installer_promote(actor=None, installer=installer, to_level=to_level, effective_on=D(2025, 6, 1))
    assert "to_level" in exc.value.message_dict
    assert not Promotion.objects.exists()


def test_promotion_of_someone_who_left_is_refused():
    installer = hire(PodFactory())
    services.installer_separate(actor=None, installer=installer, left_on=D(2025, 5, 1), voluntary=True)
    with pytest.raises(ValidationError, match="has left"):
        services.installer_promote(
            actor=None, installer=installer, to_level=Level.INSTALLER_2, effective_on=D(2025, 6, 1)
        )


def test_promotion_before_hire_or_before_the_last_promotion_is_refused():
    installer = hire(PodFactory())
    with pytest.raises(ValidationError) as exc:
        services.installer_promote(
            actor=None, installer=installer, to_level=Level.INSTALLER_2, effective_on=D(2024, 12, 31)
        )
    assert "effective_on" in exc.value.message_dict
    services.installer_promote(actor=None, installer=installer, to_level=Level.INSTALLER_2, effective_on=D(2025, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.installer_promote(
            actor=None, installer=installer, to_level=Level.SENIOR_INSTALLER, effective_on=D(2025, 5, 1)
        )
    assert "effective_on" in exc.value.message_dict


def test_separation_records_date_and_kind_and_deactivates_the_login():
    installer = hire(PodFactory())
    services.installer_separate(actor=None, installer=installer, left_on=D(2025, 9, 30), voluntary=False)
    installer.refresh_from_db()
    installer.user.refresh_from_db()
    assert (installer.stage, installer.left_on, installer.left_voluntarily) == (Stage.LEFT, D(2025, 9, 30), False)
    assert not installer.user.is_active


def test_separating_twice_is_refused():
    installer = hire(PodFactory())
    services.installer_separate(actor=None, installer=installer, left_on=D(2025, 9, 30), voluntary=True)
    with pytest.raises(ValidationError, match="left on 30 Sep 2025 already"):
        services.installer_separate(actor=None, installer=installer, left_on=D(2025, 10, 30), voluntary=True)


def test_separation_before_hire_or_before_a_promotion_is_refused():
    installer = hire(PodFactory())
    with pytest.raises(ValidationError):
        services.installer_separate(actor=None, installer=installer, left_on=D(2024, 1, 1), voluntary=True)
    services.installer_promote(actor=None, installer=installer, to_level=Level.INSTALLER_2, effective_on=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.installer_separate(actor=None, installer=installer, left_on=D(2025, 5, 1), voluntary=True)
    installer.refresh_from_db()
    assert installer.stage == Stage.HIRED


def test_stage_moves_forward_only():
    installer = hire(PodFactory())
    services.installer_stage_advance(actor=None, installer=installer, stage=Stage.ONBOARDING)
    with pytest.raises(ValidationError):
        services.installer_stage_advance(actor=None, installer=installer, stage=Stage.BOOTCAMP)
    with pytest.raises(ValidationError):
        services.installer_stage_advance(actor=None, installer=installer, stage=Stage.LEFT)
    installer.refresh_from_db()
    assert installer.stage == Stage.ONBOARDING


def test_role_handover_ends_the_previous_holder_the_day_the_new_one_starts():
    pod = PodFactory()
    first, second = UserFactory(), UserFactory()
    services.pod_role_assign(actor=None, pod=pod, role=PodRole.INSTALLER_LEAD, user=first, started_on=D(2025, 1, 1))
    services.pod_role_assign(actor=None, pod=pod, role=PodRole.INSTALLER_LEAD, user=second, started_on=D(2025, 7, 1))
    rows = list(PodMembership.objects.filter(pod=pod).order_by("started_on").values_list("user", "ended_on"))
    assert rows == [(first.pk, D(2025, 7, 1)), (second.pk, None)]
    assert second.groups.filter(name="lead").exists()


def test_role_handover_to_the_holder_or_backdated_is_refused():
    pod = PodFactory()
    holder = UserFactory()
    services.pod_role_assign(actor=None, pod=pod, role=PodRole.PRODUCT_LIAISON, user=holder, started_on=D(2025, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.pod_role_assign(
            actor=None, pod=pod, role=PodRole.PRODUCT_LIAISON, user=holder, started_on=D(2025, 4, 1)
        )
    assert "user" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.pod_role_assign(
            actor=None, pod=pod, role=PodRole.PRODUCT_LIAISON, user=UserFactory(), started_on=D(2025, 2, 1)
        )
    assert "started_on" in exc.value.message_dict


def test_database_allows_one_active_holder_per_pod_role():
    membership = MembershipFactory(role=PodRole.RELIABILITY_ENGINEER)
    with pytest.raises(IntegrityError), transaction.atomic():
        PodMembership.objects.create(
            pod=membership.pod, user=UserFactory(), role=PodRole.RELIABILITY_ENGINEER, started_on=D(2025, 2, 1)
        )
    # An ended membership does not count.
    PodMembership.objects.create(
        pod=membership.pod,
        user=UserFactory(),
        role=PodRole.RELIABILITY_ENGINEER,
        started_on=D(2024, 2, 1),
        ended_on=D(2024, 12, 1),
    )


def test_database_refuses_a_downward_promotion_row():
    installer = InstallerFactory(level=Level.SENIOR_INSTALLER)
    with pytest.raises(IntegrityError), transaction.atomic():
        Promotion.objects.create(
            installer=installer,
            from_level=Level.SENIOR_INSTALLER,
            to_level=Level.INSTALLER_2,
            effective_on=D(2025, 1, 1),
        )


def test_database_refuses_an_inconsistent_separation():
    installer = InstallerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Installer.objects.filter(pk=installer.pk).update(stage=Stage.LEFT)
