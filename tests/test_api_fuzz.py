"""schemathesis over every operation of /api/schema/, as a lead and as an
installer (token auth): no server error, and no response that breaks the
schema it documents. Bounded examples per operation so it runs in minutes."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from installer_ops.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The token endpoint counts wrong passwords towards a lockout; it has its own tests.
schema = schema.exclude(path="/api/v1/auth/token/")


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
    """A lead and an installer with data around them (the onboarding fixture's pods)."""
    people = [onboarding.lead, onboarding.installer.user]
    return [Token.objects.get_or_create(user=user)[0].key for user in people]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_schema_and_never_fails(case, tokens):
    for token in tokens:
        case.call_and_validate(
            headers={"Authorization": f"Token {token}"}, checks=[not_a_server_error, response_schema_conformance]
        )
