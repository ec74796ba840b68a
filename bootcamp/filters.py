"""Filters of the bootcamp's API lists. A filter naming an object outside
the caller's scope answers exactly as one naming a missing object (400,
"Select a valid choice"), so that filters tell nobody which ids exist."""

import django_filters

from installer_ops.policies import installers_visible_to

from .models import Enrollment
from .policies import cohorts_visible_to


def _cohorts(request):
    return cohorts_visible_to(request.user) if request else cohorts_visible_to(None)


def _installers(request):
    return installers_visible_to(request.user) if request else installers_visible_to(None)


class EnrollmentFilter(django_filters.FilterSet):
    cohort = django_filters.ModelChoiceFilter(queryset=_cohorts)
    installer = django_filters.ModelChoiceFilter(queryset=_installers)

    class Meta:
        model = Enrollment
        fields = ["cohort", "installer"]
