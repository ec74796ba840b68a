"""Every field of our models is named in the reader's language: Django's
admin forms and lists, the audit log and the person page's history label a
field by its verbose name, and one Django makes up from the attribute
("installer", "runbook version") is in no catalogue. The every-language
walk visits one admin form of each kind; this covers the others."""

from django.apps import apps
from django.utils.functional import Promise

OURS = ("installer_ops", "bootcamp", "onboarding", "hiring", "kpis")


def test_every_field_of_our_models_has_a_translated_verbose_name():
    unnamed = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OURS
        for field in model._meta.get_fields()
        # A primary key is never a form's or a list's label.
        if field.concrete and not field.auto_created and not field.primary_key
        if not isinstance(field.verbose_name, Promise)
    ]
    assert unnamed == []


def test_every_model_of_ours_has_a_translated_name():
    # The admin's index, the audit log's record types and its filter name them.
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OURS
        if not isinstance(model._meta.verbose_name, Promise) or not isinstance(model._meta.verbose_name_plural, Promise)
    ]
    assert unnamed == []


def test_the_check_sees_a_field_without_one():
    made_up = apps.get_model("kpis", "Visit")._meta.get_field("install")
    assert isinstance(made_up.verbose_name, Promise)
    assert not isinstance(apps.get_model("installer_ops", "AuditEntry")._meta.get_field("id").verbose_name, Promise)
