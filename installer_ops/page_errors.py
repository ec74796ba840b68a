"""How pages show a service's refusal: one mapping, as the API's exception
handler (installer_ops/exceptions.py) is for the API. A ValidationError
names fields; a DomainConflict says why the records' state forbids it and
lists what is missing. A PermissionDenied is not shown here: it stays a 403."""

from django.core.exceptions import ValidationError

from .exceptions import DomainConflict

# What a page catches around a service call.
DOMAIN_ERRORS = (ValidationError, DomainConflict)


def domain_error_messages(exc: Exception) -> dict[str | None, list[str]]:
    """{field or None (the whole form): [messages]} for a service's refusal."""
    if isinstance(exc, DomainConflict):
        missing = [f"{d['label']}: {d['detail']}" if d.get("detail") else d["label"] for d in exc.details or []]
        return {None: [exc.message, *missing]}
    if hasattr(exc, "error_dict"):
        return {
            (None if field == "__all__" or field == "non_field_errors" else field): ValidationError(errors).messages
            for field, errors in exc.error_dict.items()
        }
    return {None: list(exc.messages)}


def domain_error_text(exc: Exception) -> str:
    """The refusal as one sentence, for a message banner or an htmx fragment."""
    parts = []
    for messages in domain_error_messages(exc).values():
        parts.extend(message.rstrip(".") for message in messages)
    return ". ".join(parts) + "."


def add_service_errors(form, exc: Exception) -> None:
    """Show a service's refusal on `form`: under the field it names when the
    form has that field, at the top otherwise."""
    for field, messages in domain_error_messages(exc).items():
        form.add_error(field if field in form.fields else None, messages)
