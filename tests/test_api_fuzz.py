"""schemathesis over every operation of /api/schema/, once per operation,
role (lead, installer, executive, administrator; token auth) and mode
(positive data, and negative data that breaks the schema on purpose): no
server error, and no response that breaks the schema it documents. Bounded
examples per case so that it runs in a few minutes.

The cases are parametrized here rather than by schemathesis' own pytest
integration, whose items all share one node id under pytest 9: pytest-xdist
then merges them and only one of the 66 operations ran."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from installer_ops.roles import Role
from installer_ops.wsgi import application
from tests.factories import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The token endpoint counts wrong passwords towards a lockout; it has its own tests.
schema = schema.exclude(path="/api/v1/auth/token/")
OPERATIONS = [result.ok() for result in schema.get_all_operations()]
ROLES = ["lead", "installer", "executive", "admin"]
EXAMPLES = 5


def negatable(operation) -> bool:
    """Whether schemathesis can make data that breaks this operation's schema:
    not for one without a body or query, whose path takes any string (GET
    /me/, a runbook's slug), where every attempt would be filtered out."""
    path_typed = any(
        parameter.definition.get("schema", {}).get("type", "string") != "string"
        for parameter in operation.path_parameters
    )
    return bool(len(operation.query) or len(operation.body) or path_typed)


CASES = [
    pytest.param(operation, mode, id=f"{operation.label}-{mode.value}")
    for operation in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or negatable(operation)
]


@pytest.fixture
def in_test_transaction():
    """Requests go straight to Django's WSGI handler, whose end-of-request
    hook would close the test's connection (it is inside the test's
    transaction); Django's own test client unhooks it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(onboarding, in_test_transaction):
    """Every role, with data around them (the onboarding fixture's pods)."""
    people = {
        "lead": onboarding.lead,
        "installer": onboarding.installer.user,
        "executive": UserFactory(role=Role.EXECUTIVE),
        "admin": UserFactory(role=Role.ADMIN),
    }
    return {role: Token.objects.get_or_create(user=user)[0].key for role, user in people.items()}


def test_every_operation_is_fuzzed():
    # A schema that failed to load would leave nothing to parametrize.
    assert len(OPERATIONS) > 50
    assert len({operation.label for operation in OPERATIONS}) == len(OPERATIONS)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("operation", "mode"), CASES)
def test_the_api_keeps_its_schema_and_never_fails(operation, role, mode, tokens):
    headers = {"Authorization": f"Token {tokens[role]}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def call(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

    call()
