"""Consent flows as documents: one per geography, versions per language
(a translation carries the English number, once), steps checked on
publishing, acknowledgement of the current version only, and the readiness
gate's fifth requirement, renewed by a new version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onboarding import document_services
from onboarding.document_selectors import consent_flows_for, version_in_language
from onboarding.models import ConsentAcknowledgement
from onboarding.selectors import installer_readiness
from tests.factories import GeographyFactory, UserFactory

from .consent_fixtures import FLOW_V1, FLOW_V1_DE, FLOW_V2, admin, consent_flow, installer_in

pytestmark = pytest.mark.django_db


def requirement(installer, code="consent"):
    return next(r for r in installer_readiness(installer).requirements if r.code == code)


def test_a_consent_flow_needs_a_geography_and_one_per_geography():
    actor = admin()
    with pytest.raises(ValidationError) as missing:
        document_services.document_create(actor=actor, kind="consent", slug="c", title="Consent")
    assert "geography" in missing.value.message_dict
    geography = GeographyFactory()
    consent_flow(geography, actor=actor)
    with pytest.raises(ValidationError) as twice:
        document_services.document_create(actor=actor, kind="consent", slug="c2", title="Again", geography=geography)
    assert "geography" in twice.value.message_dict


def test_a_body_without_steps_is_refused_under_the_body():
    actor = admin()
    document = document_services.document_create(
        actor=actor, kind="consent", slug="c", title="Consent", geography=GeographyFactory()
    )
    with pytest.raises(ValidationError) as refused:
        document_services.document_publish(actor=actor, document=document, body="# Just words\n")
    assert "body" in refused.value.message_dict


def test_a_translation_carries_the_english_number_and_is_published_once():
    actor = admin()
    document, v1 = consent_flow(GeographyFactory(), actor=actor)
    german = document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE, language="de")
    assert (german.number, german.language) == (1, "de")
    # The same text again changes nothing; other text for the same number is refused.
    assert document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE, language="de") == german
    with pytest.raises(ValidationError):
        document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE + "\nmehr", language="de")
    v2 = document_services.document_publish(actor=actor, document=document, body=FLOW_V2)
    assert v2.number == 2 and v2.language == "en"


def test_a_translation_with_other_steps_or_language_is_refused():
    actor = admin()
    document, _v1 = consent_flow(GeographyFactory(), actor=actor)
    with pytest.raises(ValidationError) as steps:
        document_services.document_publish(
            actor=actor, document=document, body="- [ ] Nur ein Schritt\n", language="de"
        )
    assert "body" in steps.value.message_dict
    with pytest.raises(ValidationError) as language:
        document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE, language="xx")
    assert "language" in language.value.message_dict


def test_only_administrators_publish():
    document, _v1 = consent_flow(GeographyFactory())
    with pytest.raises(PermissionDenied):
        document_services.document_publish(actor=UserFactory(), document=document, body=FLOW_V2)


def test_the_reader_gets_their_language_else_english():
    actor = admin()
    document, v1 = consent_flow(GeographyFactory(), actor=actor)
    german = document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE, language="de")
    assert version_in_language(document.slug, 1, "de") == german
    assert version_in_language(document.slug, 1, "fr") == v1
    assert version_in_language(document.slug, 1, None) == v1


def test_an_installer_sees_their_geographys_flow_in_their_language():
    actor = admin()
    here, elsewhere = GeographyFactory(), GeographyFactory()
    document, _v1 = consent_flow(here, actor=actor)
    consent_flow(elsewhere, actor=actor)
    german = document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE, language="de")
    installer = installer_in(here)
    assert consent_flows_for(installer.user, "de") == [german]
    assert len(consent_flows_for(actor, "en")) == 2


def test_the_gate_has_nothing_to_acknowledge_where_no_flow_is_published():
    installer = installer_in()
    assert requirement(installer).met
    assert "No consent flow" in requirement(installer).detail


def test_acknowledging_the_current_version_meets_the_requirement_and_a_new_version_renews_it():
    actor = admin()
    geography = GeographyFactory()
    document, v1 = consent_flow(geography, actor=actor)
    german = document_services.document_publish(actor=actor, document=document, body=FLOW_V1_DE, language="de")
    installer = installer_in(geography)
    assert not requirement(installer).met
    # Read in German: the acknowledgement counts for the number.
    document_services.consent_acknowledge(actor=installer.user, installer=installer, version=german)
    document_services.consent_acknowledge(actor=installer.user, installer=installer, version=german)  # once
    assert ConsentAcknowledgement.objects.count() == 1
    assert requirement(installer).met
    v2 = document_services.document_publish(actor=actor, document=document, body=FLOW_V2)
    renewed = requirement(installer)
    assert not renewed.met and "v1 acknowledged" in renewed.detail and "v2" in renewed.detail
    with pytest.raises(ValidationError):
        document_services.consent_acknowledge(actor=installer.user, installer=installer, version=v1)
    document_services.consent_acknowledge(actor=installer.user, installer=installer, version=v2)
    assert requirement(installer).met


def test_only_the_installer_acknowledges_and_only_their_geographys_flow():
    geography = GeographyFactory()
    _document, v1 = consent_flow(geography)
    installer = installer_in(geography)
    with pytest.raises(PermissionDenied):
        document_services.consent_acknowledge(actor=installer_in(geography).user, installer=installer, version=v1)
    _other, foreign = consent_flow(GeographyFactory())
    with pytest.raises(ValidationError):
        document_services.consent_acknowledge(actor=installer.user, installer=installer, version=foreign)


def test_clearing_is_refused_until_the_flow_is_acknowledged():
    """The gate lists the missing acknowledgement among the unmet requirements."""
    geography = GeographyFactory()
    consent_flow(geography, body=FLOW_V1)
    installer = installer_in(geography)
    missing = [r.code for r in installer_readiness(installer).missing]
    assert "consent" in missing
