"""Filters of hiring's API lists. A requisition outside the caller's scope
answers as a missing one (400, "Select a valid choice"), as in the
bootcamp's filters, so that filters tell nobody which ids exist."""

import django_filters

from installer_ops import values
from installer_ops.models import HiringSource

from .models import SOURCE_BY_CODE, Candidate, CandidateStage, Requisition, RequisitionRole, RequisitionStatus
from .policies import requisitions_visible_to

SOURCE_CODE_CHOICES = [(code, HiringSource(value).label) for code, value in SOURCE_BY_CODE.items()]


def _requisitions(request):
    return requisitions_visible_to(request.user if request else None)


class RequisitionFilter(django_filters.FilterSet):
    pod = django_filters.NumberFilter(field_name="pod_id", min_value=1, max_value=values.BIGINT_MAX)
    status = django_filters.MultipleChoiceFilter(choices=RequisitionStatus.choices)
    role = django_filters.ChoiceFilter(choices=RequisitionRole.choices)

    class Meta:
        model = Requisition
        fields = ["pod", "status", "role"]


class CandidateFilter(django_filters.FilterSet):
    requisition = django_filters.ModelChoiceFilter(queryset=_requisitions)
    stage = django_filters.MultipleChoiceFilter(choices=CandidateStage.choices)
    source = django_filters.ChoiceFilter(choices=SOURCE_CODE_CHOICES, method="filter_source")

    class Meta:
        model = Candidate
        fields = ["requisition", "stage", "source"]

    def filter_source(self, queryset, name, value):
        return queryset.filter(source=SOURCE_BY_CODE[value])
