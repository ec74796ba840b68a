from django import forms
from django.utils.translation import gettext_lazy as _

from installer_ops.forms import DateInput

from .models import MAX_COHORT_CAPACITY, ProgramVersion


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    program_version = forms.ModelChoiceField(
        label=_("Program"),
        queryset=ProgramVersion.objects.filter(published_at__isnull=False)
        .select_related("program")
        .order_by("program__title", "-number"),
    )
    start_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    pods = forms.ModelMultipleChoiceField(label=_("Pods"), queryset=None, widget=forms.CheckboxSelectMultiple)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=MAX_COHORT_CAPACITY, initial=12)

    def __init__(self, *args, pods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pods"].queryset = pods
        self.fields["program_version"].label_from_instance = lambda v: f"{v.program.title} (v{v.number})"


class SignoffForm(forms.Form):
    action = forms.ChoiceField(choices=[("sign_off", _("Sign off")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("What to redo"), required=False, max_length=2000, widget=forms.Textarea)
