"""What the screenshots of every page showed a person would trip over (issue 16):
an email cut mid-word, a select that starts at "---------", the organisation's
"pods" beside capitalised stages, a document's kind repeating its title."""

import pytest
from django.urls import reverse

from installer_ops.templatetags.text_tags import email_breaks
from tests.factories import PodFactory, lead_of

pytestmark = pytest.mark.django_db


def test_an_email_may_wrap_after_its_at_sign_and_stays_escaped():
    assert email_breaks("lena.hartmann@example.com") == "lena.hartmann@<wbr>example.com"
    assert email_breaks("<b>x</b>@example.com") == "&lt;b&gt;x&lt;/b&gt;@<wbr>example.com"
    assert email_breaks("no-address") == "no-address"
    assert email_breaks("") == ""


def test_the_hire_form_asks_for_a_pod_in_words_and_picks_a_single_one(client, org):
    client.force_login(org.lead_a)
    page = client.get(reverse("installer-hire")).content.decode()
    assert "---------" not in page and "Choose a pod" in page
    assert f'<option value="{org.pod_a.pk}" selected>' in page  # the lead's only pod
    two = lead_of(PodFactory(name="Pod C"), PodFactory(name="Pod D"), username="lead-two")
    client.force_login(two)
    page = client.get(reverse("installer-hire")).content.decode()
    assert '<option value="" selected>Choose a pod</option>' in page  # two pods: the lead chooses


def test_the_organisation_counts_read_alike(client, org):
    client.force_login(org.executive)
    page = client.get(reverse("org-overview")).content.decode()
    assert '<span class="label">Pods</span>' in page and '<span class="label">pods</span>' not in page
