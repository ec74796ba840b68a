import django_filters

from . import values
from .models import CODE_BY_LEVEL, HiringSource, Installer, Level, Pod, Stage
from .selectors import installers_matching

LEVEL_CODE_CHOICES = [(code, level.label) for level, code in CODE_BY_LEVEL.items()]


class PodFilter(django_filters.FilterSet):
    geography = django_filters.NumberFilter(field_name="geography_id", min_value=1, max_value=values.BIGINT_MAX)
    vertical = django_filters.NumberFilter(field_name="vertical_id", min_value=1, max_value=values.BIGINT_MAX)
    staffed = django_filters.BooleanFilter(method="filter_staffed")

    class Meta:
        model = Pod
        fields = ["geography", "vertical", "code"]

    def filter_staffed(self, queryset, name, value):
        # active_role_count is annotated by selectors.pods_for_listing.
        return queryset.filter(active_role_count=3) if value else queryset.exclude(active_role_count=3)


class InstallerFilter(django_filters.FilterSet):
    pod = django_filters.NumberFilter(field_name="pod_id", min_value=1, max_value=values.BIGINT_MAX)
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices)
    # A level by its code, as the API writes it (LevelField): a string, not the stored number.
    level = django_filters.ChoiceFilter(
        choices=LEVEL_CODE_CHOICES,
        method="filter_level",
        error_messages={
            "invalid_choice": "“%(value)s” is not a level; use one of: " + ", ".join(CODE_BY_LEVEL.values()) + "."
        },
    )
    hiring_source = django_filters.ChoiceFilter(choices=HiringSource.choices)
    q = django_filters.CharFilter(method="filter_q", label="Name or employee id")

    class Meta:
        model = Installer
        fields = ["pod", "stage", "level", "hiring_source"]

    # The hint is the schema's type (drf-spectacular read the model's integer field).
    def filter_level(self, queryset, name, value: str):
        return queryset.filter(level=Level.from_code(value))

    def filter_q(self, queryset, name, value):
        return installers_matching(queryset, value)
