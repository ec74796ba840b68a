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
        # A list of what is missing ({"label", "detail"}) is shown; other details
        # (hiring's {"stage": ..., "allowed": [...]}) are for API clients.
        items = (
            [d for d in exc.details if isinstance(d, dict) and "label" in d] if isinstance(exc.details, list) else []
        )
        missing = [f"{d['label']}: {d['detail']}" if d.get("detail") else d["label"] for d in items]
        return {None: [exc.message, *missing]}
    if hasattr(exc, "error_dict"):
        return {
            (None if field == "__all__" or field == "non_field_errors" else field): ValidationError(errors).messages
            for field, errors in exc.error_dict.items()
        }
    return {None: list(exc.messages)}


# A message that already ends a sentence keeps its own mark.
_SENTENCE_ENDS = (".", "!", "?", "…")


def as_sentence(message) -> str:
    """One message as a sentence: ending in exactly one mark, without a
    dangling separator (";", ",", ":") that a joined list would leave."""
    text = str(message).strip().rstrip(";,:").rstrip()
    return text if not text or text.endswith(_SENTENCE_ENDS) else text + "."


def sentences_joined(messages) -> str:
    """Messages as one paragraph: each a sentence, joined by a space (never
    "; ", which reads ".;" after a full stop)."""
    return " ".join(sentence for sentence in map(as_sentence, messages) if sentence)


def domain_error_text(exc: Exception) -> str:
    """The refusal as one paragraph, for a message banner or an htmx fragment."""
    return sentences_joined(message for messages in domain_error_messages(exc).values() for message in messages)


def add_service_errors(form, exc: Exception) -> None:
    """Show a service's refusal on `form`: under the field it names when the
    form has that field, at the top otherwise."""
    for field, messages in domain_error_messages(exc).items():
        form.add_error(field if field in form.fields else None, messages)
