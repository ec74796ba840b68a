"""Domain errors and their one mapping to HTTP (docs/architecture.md, Layers and conventions)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainConflict(Exception):
    """A request that is well-formed but cannot be carried out in the current
    state of the records (answers 409). `details` says why, for the client."""

    def __init__(self, message: str, details: dict | list | None = None):
        super().__init__(message)
        self.message = message
        self.details = details


def _validation_detail(exc: DjangoValidationError) -> dict | list:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_validation_detail(exc))
    elif isinstance(exc, DomainConflict):
        body = {"detail": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return Response(body, status=status.HTTP_409_CONFLICT)
    elif isinstance(exc, exceptions.AuthenticationFailed) and exc.status_code == status.HTTP_403_FORBIDDEN:
        # A credential was presented and refused (a revoked token, a separated
        # person's): 401, naming the scheme. DRF would answer 403 because the
        # first authentication class (sessions) names none; a request with no
        # credentials at all (NotAuthenticated) keeps its 403.
        exc.status_code = status.HTTP_401_UNAUTHORIZED
        exc.auth_header = "Token"
    return exception_handler(exc, context)
