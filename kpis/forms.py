"""Forms of the KPI pages (targets, recompute). They check input shape and
translate between what people type and what the services take; the
services (kpis/targets.py, kpis/jobs.py) decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from installer_ops.forms import DateInput
from installer_ops.values import BIGINT_MAX

from .models import Grain, Scope
from .registry import REGISTRY

UNIT_LABELS = {"%": _("Target (%)"), "h": _("Target (hours)"), "d": _("Target (days)")}
SCOPE_GROUPS = {
    Scope.GEOGRAPHY: _("Geographies"),
    Scope.VERTICAL: _("Verticals"),
    Scope.POD: _("Pods"),
    Scope.COHORT: _("Cohorts"),
    Scope.SOURCE: _("Hiring sources"),
}


def scope_choices(kpi: str, names: dict) -> list:
    """The scopes a target of `kpi` may be set for, grouped by kind:
    "org", or "<scope>:<id>"; `names` is (scope, id) -> name."""
    choices = [(Scope.ORG.value, _("Organisation (default)"))]
    for scope, group in SCOPE_GROUPS.items():
        if scope not in REGISTRY[kpi].scopes:
            continue
        options = sorted(
            ((f"{s}:{pk}", name) for (s, pk), name in names.items() if s == scope), key=lambda c: c[1].lower()
        )
        if options:
            choices.append((group, options))
    return choices


def parse_scope(value: str) -> tuple[str, int] | None:
    """ "pod:3" -> ("pod", 3); "org" -> ("org", 0); None when malformed."""
    if value == Scope.ORG:
        return Scope.ORG.value, 0
    scope, _sep, pk = value.partition(":")
    if scope not in Scope.values or scope == Scope.ORG or not pk.isdigit() or not 0 < int(pk) <= BIGINT_MAX:
        return None
    return scope, int(pk)


class KpiTargetForm(forms.Form):
    scope = forms.ChoiceField(label=_("For"))
    target = forms.FloatField(label=_("Target"), widget=forms.NumberInput(attrs={"step": "any"}))

    def __init__(self, *args, kpi: str, names: dict, **kwargs):
        # One form per KPI on the page: the prefix keeps their ids apart.
        kwargs.setdefault("prefix", kpi)
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.fields["scope"].choices = scope_choices(kpi, names)
        self.fields["target"].label = UNIT_LABELS[REGISTRY[kpi].unit]

    def clean_scope(self):
        parsed = parse_scope(self.cleaned_data["scope"])
        if parsed is None:  # ChoiceField has checked it already; kept for safety
            raise forms.ValidationError(_("Choose a scope."))
        return parsed

    def service_arguments(self) -> dict:
        """What kpi_target_set takes: a rate typed in percent is stored as a fraction."""
        scope, scope_id = self.cleaned_data["scope"]
        target = self.cleaned_data["target"]
        if REGISTRY[self.kpi].unit == "%":
            target = target / 100
        return {"kpi": self.kpi, "scope": scope, "scope_id": scope_id, "target": target}


class RecomputeForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DateInput)
    until = forms.DateField(label=_("To"), widget=DateInput)
    grains = forms.MultipleChoiceField(
        label=_("Periods"), choices=Grain.choices, widget=forms.CheckboxSelectMultiple, initial=Grain.values
    )
