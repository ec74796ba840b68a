"""Pages show a service's refusal one way (installer_ops/page_errors.py)."""

from django import forms
from django.core.exceptions import ValidationError

from installer_ops.exceptions import DomainConflict
from installer_ops.page_errors import add_service_errors, domain_error_messages, domain_error_text


class DateForm(forms.Form):
    day = forms.DateField()


def test_a_validation_error_goes_under_the_field_it_names_or_to_the_top():
    form = DateForm(data={"day": "2026-01-01"})
    form.is_valid()
    add_service_errors(form, ValidationError({"day": "Too early.", "elsewhere": "Not on this form."}))
    assert form.errors == {"day": ["Too early."], "__all__": ["Not on this form."]}


def test_a_conflict_lists_what_is_missing():
    conflict = DomainConflict(
        "Ada cannot be cleared yet.",
        details=[{"code": "drill", "label": "Outage drill passed", "detail": "No drill passed yet."}],
    )
    assert domain_error_messages(conflict) == {
        None: ["Ada cannot be cleared yet.", "Outage drill passed: No drill passed yet."]
    }
    assert domain_error_text(conflict) == "Ada cannot be cleared yet. Outage drill passed: No drill passed yet."
    form = DateForm(data={})
    form.is_valid()
    add_service_errors(form, conflict)
    assert form.non_field_errors() == ["Ada cannot be cleared yet.", "Outage drill passed: No drill passed yet."]


def test_a_plain_refusal_reads_as_one_sentence():
    assert domain_error_text(ValidationError(["First.", "Second"])) == "First. Second."
