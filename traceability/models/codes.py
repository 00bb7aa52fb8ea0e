from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regulator.models import Jurisdiction, TenantModel
from traceability.choices import CodeStatus, CodeType, EventKind


def _tenant_without_constraint(*, db_index: bool = True):
    """The owning jurisdiction, resolved by the ingest from the party's enterprise: no database constraint to
    check row by row at commit (a million checks for a million events)."""
    return models.ForeignKey(Jurisdiction, models.PROTECT, related_name="+", verbose_name=_("jurisdiction"),
                             db_constraint=False, db_index=db_index)


class TraceCode(TenantModel):
    """One pack or logistic unit and its current state, kept up to date set-wise by the ingest service.

    Owned by the jurisdiction of its current holder. Not audited by triggers: its changes are the trace
    events themselves, which are the record (see ``TraceEvent``). Written only by the ingest's SQL, which
    resolves every reference set-wise, so its foreign keys carry no database constraint, and batch, holder and
    parent have no index of their own beside those in ``Meta`` that cover them (each index costs a write per
    code on every import).
    """

    id = models.BigAutoField(primary_key=True)
    jurisdiction = _tenant_without_constraint()
    code = models.CharField(_("traceability code"), max_length=48)
    code_type = models.CharField(_("code type"), max_length=8, choices=CodeType.choices)
    product = models.ForeignKey("regulator.Product", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("product"), db_constraint=False)
    batch = models.ForeignKey("regulator.Batch", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("batch"), db_constraint=False, db_index=False)
    batch_number = models.CharField(_("batch number"), max_length=20, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    holder = models.ForeignKey("regulator.Enterprise", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("current holder"), db_constraint=False, db_index=False)
    status = models.CharField(_("status"), max_length=12, choices=CodeStatus.choices, default=CodeStatus.ACTIVE)
    parent = models.ForeignKey("self", models.SET_NULL, null=True, blank=True, related_name="children",
                               verbose_name=_("parent container"), db_constraint=False, db_index=False)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)

    enterprise_lookup = "holder_id"

    class Meta:
        ordering = ["id"]
        verbose_name = _("trace code")
        verbose_name_plural = _("trace codes")
        # A constraint, not ``unique=True``: no second (``LIKE``) index on the code.
        constraints = [models.UniqueConstraint(fields=["code"], name="tracecode_code_once")]
        indexes = [
            models.Index(fields=["batch"], name="tracecode_batch"),
            models.Index(fields=["parent"], name="tracecode_parent", condition=Q(parent__isnull=False)),
            models.Index(fields=["holder", "status"], name="tracecode_holder_status"),
        ]

    def __str__(self):
        return self.code


class TraceEvent(TenantModel):
    """One supply-chain event for one code (an aggregation is one row per child, naming the parent).

    Append-only and built for tens of millions of rows: bigint keys, a small-integer kind, no
    ``updated_at``, foreign keys without database constraints (the ingest resolves them set-wise),
    a BRIN index on time. Not audited by triggers: these rows ARE the record, and they are never updated.
    Idempotency: the same (code, kind, time, party) or the same (event id, code) is stored once.

    Every index costs a write per event on import, so there are only those a reader needs: the
    idempotency keys (whose leading ``code_id`` serves lookups by code and the rules' joins), the scope
    (jurisdiction, then party: a regulator's jurisdiction filter and an enterprise's own events in one
    index instead of two, small thanks to b-tree deduplication) and time (BRIN). Counterparty, parent and
    job have none.
    """

    id = models.BigAutoField(primary_key=True)
    updated_at = None
    jurisdiction = _tenant_without_constraint(db_index=False)
    code = models.ForeignKey(TraceCode, models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="events", verbose_name=_("traceability code"))
    kind = models.PositiveSmallIntegerField(_("kind"), choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    enterprise = models.ForeignKey("regulator.Enterprise", models.DO_NOTHING, db_constraint=False, db_index=False,
                                   related_name="+", verbose_name=_("party"))
    counterparty = models.ForeignKey("regulator.Enterprise", models.DO_NOTHING, db_constraint=False, null=True,
                                     blank=True, db_index=False, related_name="+", verbose_name=_("from / to"))
    parent = models.ForeignKey(TraceCode, models.DO_NOTHING, db_constraint=False, null=True, blank=True,
                               db_index=False, related_name="+", verbose_name=_("parent container"))
    event_id = models.CharField(_("event id"), max_length=64, blank=True)
    job = models.ForeignKey("traceability.IngestJob", models.DO_NOTHING, db_constraint=False, null=True,
                            blank=True, db_index=False, related_name="+")

    enterprise_lookup = "enterprise_id"

    class Meta:
        ordering = ["id"]
        verbose_name = _("trace event")
        verbose_name_plural = _("trace events")
        constraints = [
            models.UniqueConstraint(fields=["code", "kind", "occurred_at", "enterprise"], name="traceevent_once"),
            models.UniqueConstraint(fields=["event_id", "code"], condition=~Q(event_id=""),
                                    name="traceevent_event_id_once"),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "enterprise"], name="traceevent_scope"),
            BrinIndex(fields=["occurred_at"], name="traceevent_time_brin"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.code_id} @ {self.occurred_at:%Y-%m-%d %H:%M}"
