"""The photo a consent step asks for ("- [photo] Photograph the posted
signage"), taken on the tablet at the site. The record declares each photo's
id and step when it is sent; the photo follows once the record is stored
(onboarding/consent_photos.py), like a check-off's evidence photo."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bootcamp.models import MAX_EVIDENCE_BYTES, EvidenceType, evidence_storage
from installer_ops import values


class ConsentPhoto(models.Model):
    """One photo of one step of a consent record, stored once: its id is the
    tablet's, so a retried upload finds the same row, and its file's name
    carries its checksum."""

    id = models.UUIDField(primary_key=True, editable=False)
    record = models.ForeignKey(
        "onboarding.ConsentRecord",
        on_delete=models.PROTECT,
        related_name="photo_files",
        verbose_name=_("consent record"),
    )
    step = models.PositiveSmallIntegerField(_("step"))
    file = models.FileField(_("file"), storage=evidence_storage, max_length=200)
    content_type = models.CharField(_("type"), max_length=20, choices=EvidenceType.choices)
    size = models.PositiveIntegerField(_("size in bytes"), validators=[MaxValueValidator(MAX_EVIDENCE_BYTES)])
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    taken_at = models.DateTimeField(_("taken at"), validators=[values.validate_device_time])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["record", "step"]
        verbose_name = _("consent photo")
        verbose_name_plural = _("consent photos")
        constraints = [
            models.CheckConstraint(condition=Q(content_type__in=EvidenceType.values), name="consent_photo_type_valid"),
            models.CheckConstraint(condition=Q(size__lte=MAX_EVIDENCE_BYTES), name="consent_photo_size_limit"),
            models.CheckConstraint(condition=values.device_time_q("taken_at"), name="consent_photo_time_representable"),
        ]

    def __str__(self) -> str:
        return f"Photo of step {self.step} ({self.record_id})"
