from rest_framework import serializers

from .services import MAX_SYNC_EVENTS


class SyncRequestSerializer(serializers.Serializer):
    """The envelope of a sync batch. Events are read one by one by the
    service, so that one malformed event is rejected without failing the rest."""

    device_id = serializers.CharField(max_length=64)
    sent_at = serializers.DateTimeField(required=False)
    events = serializers.ListField(child=serializers.JSONField(), max_length=MAX_SYNC_EVENTS, allow_empty=True)


class SyncResultSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=["applied", "duplicate", "conflict", "rejected"])
    reason = serializers.CharField(allow_blank=True)


class ItemStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    needs_signoff = serializers.BooleanField()
    checked = serializers.BooleanField()
    signed_off = serializers.BooleanField()
    rejection_comment = serializers.CharField(allow_blank=True)


class ModuleStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField()
    complete = serializers.BooleanField()
    items = ItemStateSerializer(many=True)


class EnrollmentStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    installer = serializers.IntegerField()
    cohort = serializers.IntegerField()
    progress = serializers.FloatField()
    modules = ModuleStateSerializer(many=True)


class SyncResponseSerializer(serializers.Serializer):
    results = SyncResultSerializer(many=True)
    server_time = serializers.DateTimeField()
    enrollments = EnrollmentStateSerializer(many=True)


class SignoffRequestSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=["sign_off", "reject"])
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
