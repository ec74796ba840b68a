import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from installer_ops.forms import DateInput

from .calendar import nth_working_day
from .models import MAX_COHORT_CAPACITY, ProgramVersion


def weekend_start_note(start_on: datetime.date) -> str:
    """A weekend start is allowed (day 1 is the first working day on or after
    it, bootcamp/calendar.py) but is usually a slip: say what it means."""
    if start_on.weekday() < 5:
        return ""
    first = nth_working_day(start_on, 1)
    return gettext("Starts on a %(weekday)s: the first working day will be %(first)s.") % {
        "weekday": date_format(start_on, "l"),
        "first": f"{date_format(first, 'l')} {date_format(first, 'MONTH_DAY_FORMAT')}",
    }


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    program_version = forms.ModelChoiceField(
        label=_("Program"),
        empty_label=_("Choose a program"),
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
