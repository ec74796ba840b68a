"""Quiet logs: an expected refusal is one line; a server error keeps its traceback."""

import io
import logging

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from installer_ops.roles import Role
from tests.factories import UserFactory


@pytest.fixture
def request_log():
    """django.request's records through the console handler's filter, as text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    for spec in settings.LOGGING["filters"].values():
        handler.addFilter(import_string(spec["()"])())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


@pytest.mark.django_db
def test_a_refused_page_is_one_log_line_without_traceback(client, request_log):
    client.force_login(UserFactory(role=Role.INSTALLER))
    assert client.get("/lead/").status_code == 403
    assert client.get("/org/pods/999999/").status_code in (403, 404)
    lines = request_log.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("WARNING Forbidden")
    assert "Traceback" not in request_log.getvalue()


def test_a_server_error_keeps_its_traceback(request_log):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in request_log.getvalue() and "RuntimeError: boom" in request_log.getvalue()
