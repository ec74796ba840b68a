"""Forms of the organisation pages. They check input shape; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HiringSource, Level, Pod, Stage


class DateInput(forms.DateInput):
    input_type = "date"


class InstallerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or employee id"), "type": "search"}),
    )
    pod = forms.ModelChoiceField(label=_("Pod"), queryset=Pod.objects.none(), required=False, empty_label=_("All pods"))
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=[("", _("All levels")), *Level.choices], coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, pods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pod"].queryset = pods


class HireForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    employee_id = forms.CharField(label=_("Employee id"), max_length=40)
    email = forms.EmailField(label=_("Email"), required=False)
    pod = forms.ModelChoiceField(label=_("Pod"), queryset=Pod.objects.none(), empty_label=_("Choose a pod"))
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices, coerce=int, initial=Level.INSTALLER_1)
    hired_on = forms.DateField(label=_("Hired on"), widget=DateInput)
    hiring_source = forms.ChoiceField(
        label=_("Hiring source"), choices=[("", _("Unknown")), *HiringSource.choices], required=False
    )

    def __init__(self, *args, pods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pod"].queryset = pods
        # A lead of one pod hires into it: no choice to make.
        if len(only := list(pods[:2])) == 1:
            self.fields["pod"].initial = only[0].pk


class PromoteForm(forms.Form):
    to_level = forms.TypedChoiceField(label=_("New level"), choices=Level.choices, coerce=int)
    effective_on = forms.DateField(label=_("Effective on"), widget=DateInput)


class SeparateForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput)
    voluntary = forms.TypedChoiceField(
        label=_("Separation"),
        choices=[("true", _("Voluntary")), ("false", _("Involuntary"))],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
