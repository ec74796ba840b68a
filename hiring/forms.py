"""Forms of the hiring pages: shapes and types only. The rules (dates,
allowed moves, one scorecard per interviewer and task, the rubric's
minimums) are the services', shown under the field they name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from installer_ops.forms import DateInput
from installer_ops.models import HiringSource, Level, Pod, User

from .models import (
    DIMENSIONS,
    EXITS,
    SCORE_MAX,
    SCORE_MIN,
    Recommendation,
    RequisitionRole,
    RequisitionStatus,
    ScreeningTask,
)
from .rubric import ANCHORS, DIMENSION_LABELS

REASON_MAX_LENGTH = 2000


class RequisitionFilterForm(forms.Form):
    pod = forms.ModelChoiceField(label=_("Pod"), queryset=Pod.objects.none(), required=False, empty_label=_("All pods"))
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All statuses")), *RequisitionStatus.choices], required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *RequisitionRole.choices], required=False)

    def __init__(self, *args, pods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pod"].queryset = pods


class RequisitionForm(forms.Form):
    pod = forms.ModelChoiceField(label=_("Pod"), queryset=Pod.objects.none(), empty_label=_("Choose a pod"))
    role = forms.ChoiceField(label=_("Role"), choices=RequisitionRole.choices, initial=RequisitionRole.INSTALLER)
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices, coerce=int, initial=Level.INSTALLER_1)
    fill_by = forms.DateField(label=_("Fill by"), widget=DateInput, help_text=_("The date the role should be filled."))

    def __init__(self, *args, pods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pod"].queryset = pods
        # A lead of one pod opens requisitions in it: no choice to make.
        if len(only := list(pods[:2])) == 1:
            self.fields["pod"].initial = only[0].pk


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CandidateForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    source = forms.ChoiceField(label=_("Source"), choices=HiringSource.choices)
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput)
    interviewers = forms.ModelMultipleChoiceField(
        label=_("Interviewers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leads and administrators who score the candidate; the pod's lead may score too."),
    )

    def __init__(self, *args, interviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = interviewers
        self.fields["interviewers"].label_from_instance = lambda user: user.get_full_name()


class InterviewersForm(forms.Form):
    interviewers = forms.ModelMultipleChoiceField(
        label=_("Named to score this candidate"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each writes a scorecard per task they run; the pod's lead may score too."),
    )

    def __init__(self, *args, interviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["interviewers"].queryset = interviewers
        self.fields["interviewers"].label_from_instance = lambda user: user.get_full_name()


class StageMoveForm(forms.Form):
    """One move of one candidate; which moves are allowed is the service's to say."""

    stage = forms.CharField(max_length=16)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=REASON_MAX_LENGTH, strip=False, widget=forms.Textarea
    )


EXIT_CHOICES = [(stage.value, stage.label) for stage in EXITS]


class HireForm(forms.Form):
    employee_id = forms.CharField(label=_("Employee id"), max_length=40)
    start_on = forms.DateField(label=_("Start date"), widget=DateInput)
    level = forms.TypedChoiceField(label=_("Level"), choices=Level.choices, coerce=int)


class ScorecardForm(forms.Form):
    """A task, a score from 1 to 4 for each dimension of the rubric (the
    template shows each score's anchored description beside it), a
    recommendation and notes."""

    task = forms.ModelChoiceField(
        label=_("Task"), queryset=ScreeningTask.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you saw: the evidence behind the scores."),
    )

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks
        for dimension in DIMENSIONS:
            self.fields[dimension] = forms.TypedChoiceField(
                label=DIMENSION_LABELS[dimension],
                choices=[(score, str(score)) for score in range(SCORE_MIN, SCORE_MAX + 1)],
                coerce=int,
                widget=forms.RadioSelect,
            )
        # The task first, then the dimensions, then the verdict, as a person scores.
        self.order_fields(["task", *DIMENSIONS, "recommendation", "notes"])

    def dimensions(self) -> list[dict]:
        """Each dimension's field and its choices, each radio beside its
        score's anchored description, for the template's radio groups."""
        return [
            {
                "field": self[dimension],
                "options": [
                    (radio, score, ANCHORS[dimension][score])
                    for radio, score in zip(self[dimension].subwidgets, range(SCORE_MIN, SCORE_MAX + 1), strict=True)
                ],
            }
            for dimension in DIMENSIONS
        ]

    @property
    def scores(self) -> dict[str, int]:
        return {dimension: self.cleaned_data[dimension] for dimension in DIMENSIONS}
