from django import forms
from django.utils.translation import gettext_lazy as _

from installer_ops import values
from installer_ops.forms import DateInput
from installer_ops.time_zones import zone_note

from .models import ConfigProfile, DrillScenario


class KitForm(forms.Form):
    device_serial = forms.CharField(label=_("Device serial"), max_length=64)
    profile = forms.ModelChoiceField(
        label=_("Configuration profile"),
        queryset=ConfigProfile.objects.order_by("name", "-version"),
        empty_label=_("Choose a profile"),
    )


class MentorForm(forms.Form):
    mentor = forms.ModelChoiceField(
        label=_("Mentor (Senior Installer or above)"), queryset=None, empty_label=_("Choose a mentor")
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = mentors


class ShadowDayForm(forms.Form):
    assignment = forms.ModelChoiceField(label=_("Mentor"), queryset=None, empty_label=_("Choose the mentor"))
    day = forms.DateField(label=_("Day"), widget=DateInput)
    site = forms.CharField(label=_("Site"), max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        self.fields["assignment"].label_from_instance = lambda a: a.mentor.name


class DrillScheduleForm(forms.Form):
    scenario = forms.ModelChoiceField(
        label=_("Scenario"),
        queryset=DrillScenario.objects.filter(active=True).order_by("title"),
        empty_label=_("Choose a scenario"),
    )
    scheduled_for = forms.DateTimeField(
        label=_("When"), help_text=zone_note(), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DrillResultForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("true", _("Passed")), ("false", _("Failed"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    minutes_to_recover = forms.IntegerField(
        label=_("Time to recover (minutes)"), min_value=0, max_value=values.INT_MAX, required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
