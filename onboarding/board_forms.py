"""The onboarding board's search and filter (a GET form): the shape of the
query string only; the scoping is the selectors'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from installer_ops import values


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or employee id"), required=False, max_length=100, widget=forms.SearchInput)
    pod = forms.ModelChoiceField(label=_("Pod"), queryset=None, required=False, empty_label=_("All pods"))
    cleared = forms.ChoiceField(
        label=_("Cleared"),
        required=False,
        choices=[("", _("Last 30 days")), ("all", _("All"))],
    )

    def __init__(self, *args, pods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pod"].queryset = pods

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        values.validate_no_nul(text)
        return text
