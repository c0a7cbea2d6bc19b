"""The tamper-evident audit log: an append-only, keyed hash chain.

Each record's `hash` is an HMAC-SHA256, with the key named by `key_id` (kept outside the
database), of its canonical content and its predecessor's hash, so a record altered, inserted or
removed breaks the chain at that point, and nobody without the key can recompute the chain after
it. The head is also anchored outside the database (cica_portal/audit_anchors.py), so a cut-off
tail is found too. Writers serialise on the single head row (SELECT ... FOR UPDATE), which keeps
one unbroken chain under concurrency.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        "cica_portal.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    key_id = models.CharField(_("key"), max_length=16)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)  # HMAC-SHA256 with the key key_id names

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The one row that every writer locks: the last sequence number and hash."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
