"""Serializer fields that apply the value rules (installer_ops/values.py) at
the API's door, where DRF's own fields are more lenient."""

from rest_framework import serializers

from . import values


class IsoDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset within ±14:00 (DRF takes up to ±23:59 and
    forgets the offset once it converts), no offset meaning UTC."""

    def to_internal_value(self, value):
        if isinstance(value, str):
            parsed, problem = values.parse_iso_datetime(value)
            if problem:
                raise serializers.ValidationError(problem)
            return super().to_internal_value(parsed)
        return super().to_internal_value(value)
