"""Forms of the account pages. Password forms are Django's own
(SetPasswordForm, PasswordChangeForm, PasswordResetForm); these add the
person's language, and write the reset mail in it."""

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .user_language import mail_language_of


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Show pages in"),
        required=False,
        help_text=_("“Your browser's language” follows the language your browser asks for."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Your browser's language")), *settings.LANGUAGES]


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with the mail in the recipient's language (not the asker's
    browser's: anyone may ask for a reset of someone else's login)."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(mail_language_of(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
