"""The append-only audit log of every state transition (written from django_fsm's post_transition)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")

    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=obj.pk,
        )


class AuditLogEntry(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("操作"), max_length=50)
    from_state = models.CharField(_("原状态"), max_length=30)
    to_state = models.CharField(_("新状态"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    reason = models.TextField(_("说明"), blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            # The sweep reads back what it just wrote (one kind, one moment): without this it
            # scans every entry ever written.
            models.Index(fields=["content_type", "at"]),
        ]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    # The field whose values the row records: a case's kind when an administrator changed
    # it, else the object's state.
    RECORDED_FIELD = {"change_kind": "kind"}

    def label(self, code):
        """``code`` as the reader reads it: the label of that value of the recorded field
        (the code itself for a value the model no longer has)."""
        model = self.content_type.model_class()
        try:
            field = model._meta.get_field(self.RECORDED_FIELD.get(self.transition, "state"))
        except (AttributeError, FieldDoesNotExist):
            return code
        return dict(field.flatchoices).get(code, code)

    @property
    def from_label(self):
        return self.label(self.from_state)

    @property
    def to_label(self):
        return self.label(self.to_state)
