"""The consent record list's filters (a GET form): the shape of the query
string only; the scoping is the selectors' (consent_selectors.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from installer_ops import values

from .consent_records import MAX_INSTALL_ID_LENGTH


class ConsentFilterForm(forms.Form):
    install = forms.CharField(
        label=_("Install id"), required=False, max_length=MAX_INSTALL_ID_LENGTH, widget=forms.SearchInput
    )
    installer = forms.ModelChoiceField(
        label=_("Installer"), queryset=None, required=False, empty_label=_("All installers")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            ("complete", _("Complete")),
            ("incomplete", _("Incomplete")),
            ("superseded", _("Superseded")),
        ],
    )

    def __init__(self, *args, installers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["installer"].queryset = installers

    def clean_install(self):
        text = self.cleaned_data["install"].strip()
        values.validate_no_nul(text)
        return text
