import pytest
from rest_framework.test import APIClient

from installer_ops.roles import Role
from tests import flush_settles
from tests.factories import InstallerFactory, PodFactory, UserFactory, lead_of

flush_settles.install()

pytest_plugins = ["tests.run_counts", "tests.bootcamp.fixtures", "tests.onboarding.fixtures"]


@pytest.fixture(autouse=True)
def _role_groups(db):
    from installer_ops.services import role_groups_ensure

    role_groups_ensure()


@pytest.fixture
def org(db):
    """Two pods with a lead each, two installers in each, an executive and an admin."""

    class Org:
        pass

    o = Org()
    o.pod_a = PodFactory(code="pod-a", name="Pod A")
    o.pod_b = PodFactory(code="pod-b", name="Pod B")
    o.lead_a = lead_of(o.pod_a, username="lead-a")
    o.lead_b = lead_of(o.pod_b, username="lead-b")
    o.installer_a1 = InstallerFactory(pod=o.pod_a, user__username="inst-a1")
    o.installer_a2 = InstallerFactory(pod=o.pod_a)
    o.installer_b1 = InstallerFactory(pod=o.pod_b, user__username="inst-b1")
    o.installer_b2 = InstallerFactory(pod=o.pod_b)
    o.executive = UserFactory(role=Role.EXECUTIVE, username="exec")
    o.admin = UserFactory(role=Role.ADMIN, username="admin")
    return o


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` logs it in with a session."""

    class Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user=user)
            return self

    return Client()
