"""Forms of the account pages. Password forms are Django's own
(SetPasswordForm, PasswordChangeForm, PasswordResetForm); these add the
person's language."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Show pages in"),
        required=False,
        help_text=_("“Your browser's language” follows the language your browser asks for."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Your browser's language")), *settings.LANGUAGES]
