"""factory_boy factories for the organisation. Installers and promotions are
made through the services in tests that exercise rules; these build
fixtures quickly where the rules are not the point."""

import datetime

import factory
from django.contrib.auth.models import Group

from installer_ops.models import Geography, Installer, Level, Pod, PodMembership, PodRole, Stage, User, Vertical
from installer_ops.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            role = Role(extracted)
            if role == Role.ADMIN:
                self.is_staff = self.is_superuser = True
                self.save(update_fields=["is_staff", "is_superuser"])
            self.groups.add(Group.objects.get_or_create(name=role.value)[0])


class GeographyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Geography
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"geo-{n}")
    name = factory.LazyAttribute(lambda g: g.code.upper())
    time_zone = "Europe/Berlin"


class VerticalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vertical
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"vertical-{n}")
    name = factory.LazyAttribute(lambda v: v.code.title())


class PodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pod

    code = factory.Sequence(lambda n: f"pod-{n}")
    name = factory.LazyAttribute(lambda p: f"Pod {p.code}")
    vertical = factory.SubFactory(VerticalFactory)
    geography = factory.SubFactory(GeographyFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PodMembership

    pod = factory.SubFactory(PodFactory)
    user = factory.SubFactory(UserFactory)
    role = PodRole.INSTALLER_LEAD
    started_on = datetime.date(2025, 1, 1)


class InstallerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Installer

    user = factory.SubFactory(UserFactory, role=Role.INSTALLER)
    employee_id = factory.Sequence(lambda n: f"E{10000 + n}")
    pod = factory.SubFactory(PodFactory)
    level = Level.INSTALLER_1
    stage = Stage.HIRED
    hired_on = datetime.date(2025, 3, 1)


def lead_of(*pods: Pod, **user_kwargs) -> User:
    """A user who is the active installer lead of these pods."""
    user = UserFactory(role=Role.LEAD, **user_kwargs)
    for pod in pods:
        MembershipFactory(pod=pod, user=user, role=PodRole.INSTALLER_LEAD)
    return user


def staff_pod(pod: Pod) -> None:
    """Give the pod an active holder of every role."""
    for role in PodRole:
        if not pod.memberships.filter(role=role, ended_on__isnull=True).exists():
            MembershipFactory(pod=pod, role=role)
