"""Forms of the onboarding library pages: shape and type only; the services decide."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.models import Geography

from .models import DocumentKind

# A runbook is a few pages; this bounds a preview's rendering work too.
BODY_MAX_CHARS = 200_000


def _unix_lines(text: str) -> str:
    """Browsers send a textarea with CRLF line ends; the API and the fixtures
    use LF. Normalised so that an unchanged body has an unchanged checksum."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class DocumentCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Slug"),
        max_length=80,
        help_text=_("Letters, digits, hyphens and underscores; it names the document in addresses and never changes."),
    )
    geography = forms.ModelChoiceField(
        label=_("Geography"),
        queryset=Geography.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
        help_text=_("Consent flows only: each geography has one consent flow, in its languages."),
    )

    def clean(self):
        cleaned = super().clean()
        # A consent flow without a geography is the service's refusal (document_create).
        if cleaned.get("geography") is not None and cleaned.get("kind") != DocumentKind.CONSENT:
            self.add_error("geography", _("Only a consent flow belongs to a geography: leave it at None."))
        return cleaned


class DocumentBodyForm(forms.Form):
    body = forms.CharField(
        label=_("Body (Markdown)"),
        strip=False,
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 20, "class": "markdown-editor", "spellcheck": "true"}),
    )

    def clean_body(self) -> str:
        return _unix_lines(self.cleaned_data["body"])


class DocumentPublishForm(DocumentBodyForm):
    """The editor's form: the body and the language it is published in.
    `languages` are (code, label) pairs, the source language first; a post
    without a language publishes in the source language."""

    language = forms.ChoiceField(label=_("Publish as"), required=False)
    title = forms.CharField(
        label=_("Title in this language"),
        required=False,
        max_length=200,
        help_text=_("A translation only; leave it empty to keep the document's title."),
    )

    def __init__(self, *args, languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
        self.fields["language"].initial = settings.LANGUAGE_CODE

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or settings.LANGUAGE_CODE


class PreviewForm(DocumentBodyForm):
    """The live preview renders whatever is typed, an empty body included."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False


class ScenarioEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    recovery_target_minutes = forms.IntegerField(
        label=_("Recovery target (minutes)"), min_value=1, max_value=values.INT_MAX
    )


class ScenarioCreateForm(ScenarioEditForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=60,
        help_text=_("Letters, digits, hyphens and underscores; it never changes."),
    )
    field_order = ["code", "title", "description", "recovery_target_minutes"]


class ProfileContentForm(forms.Form):
    content = forms.CharField(
        label=_("Canonical configuration"),
        strip=False,
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 16, "class": "code-editor", "spellcheck": "false"}),
    )

    def clean_content(self) -> str:
        return _unix_lines(self.cleaned_data["content"])


class ProfileCreateForm(ProfileContentForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    field_order = ["name", "content"]
