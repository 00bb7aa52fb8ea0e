"""State changes of the traceability app: atomic, validated, recording kernel events.

Ingest: one service with one set of rules, ``ingest(records, ...)`` for the API and EPCIS documents and its
CSV specialisation ``ingest_csv(stream, ...)`` for files. Records are checked by ``Normalizer`` (shape, code,
kind, time, who may submit); a CSV line whose every value has its canonical shape skips it and goes to ``COPY``
as it is, SQL applying the rest of the same rules (``CONVERT_SQL``) and handing back to ``Normalizer`` what it
cannot vouch for. Both stream into temporary staging tables, then are resolved and stored set-wise in SQL. The
whole submission is one transaction: an interrupted upload leaves nothing behind and can be sent again.
Storage is idempotent (unique (code, kind, time, party) and (event id, code)).
"""

import io
import logging
import threading
import time
from contextlib import closing
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from regulator import events
from regulator.audit import constraints_checked_per_statement
from regulator.choices import ProductKind, UserKind
from regulator.models import Batch, Enterprise, Jurisdiction
from regulator.tenancy import rls_bypass
from regulator.workflow import StateMachine, transition
from traceability import codes as codelib
from traceability.choices import (
    KIND_NAMES,
    CodeStatus,
    DiscrepancyRule,
    DiscrepancyStatus,
    EventKind,
    JobStatus,
    RecallStatus,
    RecallTaskStatus,
)
from traceability.codes import CodeError
from traceability.ingest import FIELDS, CsvForCopy, canonical_line, read_ahead
from traceability.models import Discrepancy, IngestJob, Recall, RecallTask, ReconciliationRun, TraceCode

logger = logging.getLogger(__name__)

CHUNK = 20_000
MAX_STORED_REJECTIONS = 1000
PROGRESS_TTL = 3600
CBV = "urn:epcglobal:cbv:bizstep:"
NEEDS_PARENT = {EventKind.PACKING, EventKind.UNPACKING}


def shipment_receipt_hours() -> int:
    """How long a shipment may stay unreceived before it is a discrepancy (setting, default 72)."""
    return settings.TRACE_SHIPMENT_RECEIPT_HOURS


# --- Ingest --------------------------------------------------------------------------------------


def _escape(value: str) -> str:
    if not value or not ("\\" in value or "\t" in value or "\n" in value or "\r" in value):
        return value
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _parse_time(value) -> datetime:
    value = str(value or "").strip()
    if not value:
        raise CodeError(_("The event time is missing."))
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise CodeError(_("The event time “%(value)s” is not an ISO 8601 date and time "
                          "(e.g. 2026-03-01T09:30:00+08:00).") % {"value": value[:40]}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _parse_expiry(value) -> date | None:
    value = str(value or "").strip()
    if not value:
        return None
    if len(value) == 6 and value.isdigit():
        return codelib.parse_expiry(value)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CodeError(_("The expiry “%(value)s” is neither YYYY-MM-DD nor GS1 YYMMDD.") % {"value": value[:20]}) \
            from None


def _code_type(key: str) -> str:
    if key.startswith("00") and len(key) == 20 and not key.startswith("01"):
        return codelib.SSCC
    return codelib.NMPA if len(key) == 20 and key.isdigit() and not key.startswith("01") else codelib.SGTIN


_PARENT_CACHE_SIZE = 4096


def _fast_code(value: str) -> codelib.ParsedCode:
    """The common case without the general parser: a 20-digit NMPA code (not a GS1 (00)/(01) key)."""
    if len(value) == 20 and value.isdigit() and value[:2] not in ("00", "01"):
        return codelib.ParsedCode(codelib.NMPA, value, product_code=value[:7], serial=value[7:])
    return codelib.parse_code(value)


class Normalizer:
    """Checks one record at a time; remembers the containers and times it has already parsed."""

    def __init__(self, own_credit_code: str | None):
        self.own = own_credit_code
        self.parents: dict[str, str] = {}
        self.latest = timezone.now() + timedelta(minutes=10)

    def __call__(self, record: dict) -> str:
        """The record as one line of the staging COPY (without its index), or ``CodeError`` with the reason."""
        get = record.get
        kind_name = str(get("kind") or "").strip().lower()
        kind = KIND_NAMES.get(kind_name)
        if kind is None:
            if kind_name.startswith(CBV):
                kind = KIND_NAMES.get(kind_name[len(CBV):])
            if kind is None:
                raise CodeError(_("Unknown event kind “%(kind)s”; use one of %(kinds)s.")
                                % {"kind": kind_name[:30], "kinds": ", ".join(sorted(KIND_NAMES))})
        parsed = _fast_code(str(get("code") or "").strip())
        occurred_at = _parse_time(get("time"))
        if occurred_at > self.latest:
            raise CodeError(_("The event time %(time)s is in the future.") % {"time": occurred_at.isoformat()})
        party = str(get("party") or "").strip()
        if self.own is not None:
            if not party:
                party = self.own
            elif party != self.own:
                raise CodeError(_("You may submit events only for your own enterprise (%(own)s), not for "
                                  "%(party)s.") % {"own": self.own, "party": party[:18]})
        if not party:
            raise CodeError(_("The party (the unified social credit code of who did it) is missing."))
        counterparty = str(get("counterparty") or "").strip()
        if kind == EventKind.SHIPPING and not counterparty:
            raise CodeError(_("A shipping event needs the counterparty it was shipped to."))
        parent = ""
        if kind in NEEDS_PARENT:
            raw_parent = str(get("parent") or "").strip()
            if not raw_parent:
                raise CodeError(_("A packing or unpacking event needs the parent container's code."))
            parent = self.parents.get(raw_parent)
            if parent is None:
                try:
                    parent = codelib.parse_code(raw_parent).key
                except CodeError as exc:
                    raise CodeError(_("Parent container: %(reason)s") % {"reason": exc}) from None
                if len(self.parents) > _PARENT_CACHE_SIZE:
                    self.parents.clear()
                self.parents[raw_parent] = parent
        batch = str(get("batch") or parsed.batch or "").strip()
        if batch:
            codelib.validate_batch(batch)
        expiry = _parse_expiry(get("expiry")) or parsed.expiry
        # Codes, batches and times are validated and hold no tab, newline or backslash; free text may.
        return "\t".join((
            _escape(str(get("event_id") or "")[:64]), parsed.key, parsed.kind,
            parsed.product_code if parsed.kind == codelib.NMPA else "", str(int(kind)), occurred_at.isoformat(),
            _escape(party[:18]), _escape(counterparty[:18]), parent, _escape(str(get("product") or "")[:64]), batch,
            expiry.isoformat() if expiry else "",
        ))


def normalize(record: dict, *, own_credit_code: str | None) -> str:
    return Normalizer(own_credit_code)(record)


# The CSV fast path's lines, as they are (``ingest.CsvForCopy``): every value has its canonical shape.
RAW_SQL = """
CREATE TEMP TABLE trace_raw (
    idx text, event_id text, code text, kind text, "time" text,
    party text, counterparty text, parent text, product text, batch text, expiry text
) ON COMMIT DROP
"""

# The normalised rows from ``Normalizer`` (all rows of the API, EPCIS and any CSV line off the fast path).
STAGE_COLUMNS = ("idx, event_id, code, code_type, prefix, kind, occurred_at, party, counterparty, parent, product, "
                 "batch, expiry")
FIXED_SQL = """
CREATE TEMP TABLE trace_fixed (
    idx text, event_id text, code text, code_type text, prefix text, kind smallint, occurred_at timestamptz,
    party text, counterparty text, parent text, product text, batch text, expiry date
) ON COMMIT DROP
"""

DROP_STAGING_SQL = ("DROP TABLE IF EXISTS trace_raw, trace_fixed, trace_resolved, trace_state, "
                    "trace_codes, trace_new")


def _kind_values() -> str:
    names = {**KIND_NAMES, **{CBV + name: kind for name, kind in KIND_NAMES.items()}}
    return ", ".join(f"('{name}', {int(kind)})" for name, kind in sorted(names.items()))


# Each staged row resolved against the registers: the ids of its party (and the party's jurisdiction), its
# counterparty and its product (by the code's 7-digit prefix or the approval number), or the first of these
# that is unknown as ``reason`` with the value that was not found.
_RESOLVE = """
SELECT s.idx, s.event_id, s.code, s.code_type, s.kind, s.occurred_at, s.parent, s.batch, s.expiry,
       p.id AS party_id, p.jurisdiction_id AS party_j, c.id AS cp_id,
       COALESCE(pp.id, pn.id) AS product_id,
       CASE WHEN NOT s.ok THEN 'left'
            WHEN p.id IS NULL THEN 'party'
            WHEN s.counterparty <> '' AND c.id IS NULL THEN 'counterparty'
            WHEN s.code_type = 'nmpa' AND pp.id IS NULL THEN 'prefix'
            WHEN s.product <> '' AND pn.id IS NULL THEN 'product'
       END AS reason,
       CASE WHEN p.id IS NULL THEN s.party WHEN s.counterparty <> '' AND c.id IS NULL THEN s.counterparty
            WHEN s.code_type = 'nmpa' AND pp.id IS NULL THEN s.prefix ELSE s.product END AS reason_value,
       s.raw
FROM ({source}) s
LEFT JOIN regulator_enterprise p ON s.ok AND p.credit_code = s.party
LEFT JOIN regulator_enterprise c ON s.ok AND s.counterparty <> '' AND c.credit_code = s.counterparty
LEFT JOIN regulator_product pp ON s.ok AND s.code_type = 'nmpa' AND pp.trace_prefix = s.prefix
LEFT JOIN regulator_product pn ON s.ok AND s.product <> '' AND pn.approval_number = s.product
"""

# Canonical lines converted to the staging shape and resolved in one pass. Their shapes leave only the rules
# that need more than the one value: whose the event is (the submitter's own enterprise), a shipment's
# counterparty, a packing's parent, a time not in the future. A line that breaks one of these is not ``ok``:
# its reason is ``left`` and it goes to ``Normalizer`` (its raw values kept), which rejects it with the reason.
# Times are read in the session time zone set to the current one, as ``Normalizer`` reads naive times.
_CONVERTED = f"""
SELECT y.idx, y.event_id, y.code, y.code_type, y.prefix, y.kind, y.occurred_at, y.party, y.counterparty,
       y.parent, y.product, y.batch, y.expiry, y.ok,
       CASE WHEN NOT y.ok THEN ARRAY[y.raw_event_id, y.code, y.raw_kind, y.raw_time, y.raw_party, y.counterparty,
                                     y.raw_parent, y.raw_product, y.batch, y.raw_expiry] END AS raw
FROM (
    SELECT x.*,
           x.kind IS NOT NULL AND x.occurred_at <= %(latest)s AND x.party <> ''
           AND (x.kind <> 4 OR x.counterparty <> '') AND (x.kind NOT IN (2, 3) OR x.parent <> '') AS ok
    FROM (
    SELECT r.idx, left(COALESCE(r.event_id, ''), 64) AS event_id, r.code, r.event_id AS raw_event_id,
           r.kind AS raw_kind, r."time" AS raw_time, r.party AS raw_party, r.parent AS raw_parent,
           r.product AS raw_product, r.expiry AS raw_expiry,
           CASE WHEN left(r.code, 2) = '00' THEN 'sscc' ELSE 'nmpa' END AS code_type,
           CASE WHEN left(r.code, 2) = '00' THEN '' ELSE left(r.code, 7) END AS prefix,
           k.kind, r."time"::timestamptz AS occurred_at,
           CASE WHEN %(own)s::text IS NULL OR r.party = %(own)s::text THEN COALESCE(r.party, '')
                WHEN r.party IS NULL THEN %(own)s::text ELSE '' END AS party,
           COALESCE(r.counterparty, '') AS counterparty,
           CASE WHEN k.kind IN (2, 3) THEN COALESCE(r.parent, '') ELSE '' END AS parent,
           left(COALESCE(r.product, ''), 64) AS product, COALESCE(r.batch, '') AS batch, r.expiry::date AS expiry
    FROM trace_raw r LEFT JOIN (VALUES {_kind_values()}) k(name, kind) ON k.name = r.kind
    OFFSET 0
    ) x
    OFFSET 0
) y
"""
CONVERT_SQL = "CREATE TEMP TABLE trace_resolved ON COMMIT DROP AS " + _RESOLVE.format(source=_CONVERTED)

LEFT_TO_NORMALIZER_SQL = "SELECT idx, raw FROM trace_resolved WHERE reason = 'left' ORDER BY length(idx), idx"

# The rows ``Normalizer`` staged (the API's and EPCIS documents', and the CSV lines off the fast path).
RESOLVE_FIXED_SQL = "INSERT INTO trace_resolved " + _RESOLVE.format(
    source=f"SELECT {STAGE_COLUMNS}, true AS ok, NULL::text[] AS raw FROM trace_fixed")

# Each code's latest event in the submission (a later step first at the same time): a code this submission
# creates is inserted in the state that event gives it (``APPLY_STATE_SQL``'s rules), not updated after.
STATE_SQL = """
CREATE TEMP TABLE trace_state ON COMMIT DROP AS
SELECT DISTINCT ON (code COLLATE "C") code, kind, occurred_at, party_id, party_j, parent
FROM trace_resolved WHERE reason IS NULL
ORDER BY code COLLATE "C", occurred_at DESC, kind DESC
"""

# New codes are inserted with what the events say of them (product, batch, expiry, the batch row) and in their
# latest state; codes already known only have their blanks filled. The row that describes a code best: one
# carrying product, batch or expiry, a commissioning first, the earliest.
UPSERT_CODES_SQL = """
CREATE TEMP TABLE trace_codes ON COMMIT DROP AS
WITH up AS (
INSERT INTO traceability_tracecode AS t (code, code_type, product_id, batch_id, batch_number, expires_on, status,
                                         holder_id, last_event_at, jurisdiction_id, created_at, updated_at)
SELECT d.code, d.code_type, d.product_id, b.id, COALESCE(d.batch, ''), COALESCE(d.expiry, b.expires_on),
       CASE s.kind WHEN 8 THEN 'destroyed' WHEN 6 THEN 'dispensed' WHEN 4 THEN 'in_transit' ELSE 'active' END,
       s.party_id, s.occurred_at, COALESCE(s.party_j, d.party_j), now(), now()
FROM (
    SELECT DISTINCT ON (code COLLATE "C") code, code_type, product_id, batch, expiry, party_j
    FROM (SELECT code, code_type, product_id, batch, expiry, party_j, kind, occurred_at
          FROM trace_resolved WHERE reason IS NULL
          UNION ALL
          SELECT parent, CASE WHEN left(parent, 2) = '00' AND length(parent) = 20 THEN 'sscc' ELSE 'sgtin' END,
                 NULL, NULL, NULL, (array_agg(party_j ORDER BY occurred_at))[1], 0, min(occurred_at)
          FROM trace_resolved WHERE reason IS NULL AND parent <> '' GROUP BY parent) u
    ORDER BY code COLLATE "C", (product_id IS NOT NULL OR COALESCE(batch, '') <> '' OR expiry IS NOT NULL) DESC,
             kind = 1 DESC, occurred_at
) d
LEFT JOIN regulator_batch b ON b.product_id = d.product_id AND b.batch_number = d.batch
LEFT JOIN trace_state s ON s.code = d.code
ON CONFLICT (code) DO UPDATE SET
    product_id = COALESCE(t.product_id, EXCLUDED.product_id),
    batch_number = CASE WHEN t.batch_number = '' THEN EXCLUDED.batch_number ELSE t.batch_number END,
    expires_on = COALESCE(t.expires_on, EXCLUDED.expires_on),
    batch_id = CASE WHEN t.batch_id IS NULL AND COALESCE(t.product_id, EXCLUDED.product_id) = EXCLUDED.product_id
                         AND (CASE WHEN t.batch_number = '' THEN EXCLUDED.batch_number ELSE t.batch_number END)
                             = EXCLUDED.batch_number
                    THEN EXCLUDED.batch_id ELSE t.batch_id END
WHERE (t.product_id IS NULL AND EXCLUDED.product_id IS NOT NULL)
   OR (t.batch_number = '' AND EXCLUDED.batch_number <> '')
   OR (t.expires_on IS NULL AND EXCLUDED.expires_on IS NOT NULL)
   OR (t.batch_id IS NULL AND EXCLUDED.batch_id IS NOT NULL)
RETURNING t.id, t.code, t.xmax = 0 AS created
)
SELECT * FROM up
"""

_INSERT_EVENTS = """
    INSERT INTO traceability_traceevent (code_id, kind, occurred_at, enterprise_id, counterparty_id, parent_id,
                                         event_id, job_id, jurisdiction_id, created_at)
    SELECT c.id, r.kind, r.occurred_at, r.party_id, r.cp_id, pc.id, COALESCE(r.event_id, ''), %(job)s, r.party_j, now()
    FROM trace_resolved r
"""
_RETURNING = "RETURNING id, code_id, kind, occurred_at, enterprise_id, parent_id, jurisdiction_id"

# The events of codes this submission created: nothing stored can be the same event, so they are inserted
# plainly (cheaper than ON CONFLICT), unless the submission repeats an event (then with ON CONFLICT).
NEW_EVENTS_SQL = """
CREATE TEMP TABLE trace_new (id bigint, code_id bigint, kind smallint, occurred_at timestamptz, enterprise_id bigint,
                             parent_id bigint, jurisdiction_id bigint) ON COMMIT DROP
"""

EVENTS_OF_NEW_CODES_SQL = f"""{_INSERT_EVENTS}
    JOIN trace_codes c ON c.code = r.code AND c.created
    LEFT JOIN traceability_tracecode pc ON r.parent <> '' AND pc.code = r.parent
    WHERE r.reason IS NULL
"""

# The same, when the submission repeats an event of a code it creates: stored once, and the codes' state
# then comes from the stored events (``APPLY_STATE_SQL`` over all of them).
EVENTS_OF_NEW_CODES_REPEATED_SQL = f"""
WITH ins AS ({EVENTS_OF_NEW_CODES_SQL}
    ON CONFLICT DO NOTHING
    {_RETURNING}
)
INSERT INTO trace_new SELECT * FROM ins
"""

EVENTS_OF_KNOWN_CODES_SQL = f"""
WITH ins AS ({_INSERT_EVENTS}
    JOIN traceability_tracecode c ON c.code = r.code
    LEFT JOIN traceability_tracecode pc ON r.parent <> '' AND pc.code = r.parent
    WHERE r.reason IS NULL AND NOT EXISTS (SELECT 1 FROM trace_codes n WHERE n.code = r.code AND n.created)
    ON CONFLICT DO NOTHING
    {_RETURNING}
)
INSERT INTO trace_new SELECT * FROM ins
"""

APPLY_STATE_SQL = """
UPDATE traceability_tracecode t
SET status = CASE
        WHEN n.kind = 8 THEN 'destroyed'
        WHEN n.kind = 6 THEN 'dispensed'
        WHEN t.status = 'recalled' THEN 'recalled'
        WHEN n.kind = 4 THEN 'in_transit'
        WHEN n.kind IN (1, 5, 7) THEN 'active'
        ELSE t.status END,
    holder_id = n.enterprise_id,
    jurisdiction_id = n.jurisdiction_id,
    parent_id = CASE n.kind WHEN 2 THEN n.parent_id WHEN 3 THEN NULL ELSE t.parent_id END,
    last_event_at = n.occurred_at,
    updated_at = now()
FROM (SELECT DISTINCT ON (code_id) * FROM trace_new
      WHERE %(all)s OR NOT EXISTS (SELECT 1 FROM trace_codes c WHERE c.id = trace_new.code_id AND c.created)
      ORDER BY code_id, occurred_at DESC, kind DESC, id DESC) n
WHERE t.id = n.code_id AND (t.last_event_at IS NULL OR t.last_event_at <= n.occurred_at)
"""

# A code created packed (its latest event a packing) gets its container once both exist.
LINK_NEW_PARENTS_SQL = """
UPDATE traceability_tracecode t SET parent_id = p.id
FROM trace_state s
JOIN trace_codes c ON c.code = s.code AND c.created
JOIN traceability_tracecode p ON p.code = s.parent
WHERE t.id = c.id AND s.kind = 2 AND s.parent <> ''
"""

# When a submission repeats an event of a code it creates, its state comes from the stored events only.
RESET_NEW_CODES_SQL = """
UPDATE traceability_tracecode t SET status = 'active', holder_id = NULL, last_event_at = NULL
FROM trace_codes c WHERE t.id = c.id AND c.created
"""

# A container's holder, status and jurisdiction pass down to everything packed in it, at every level.
PROPAGATE_SQL = """
WITH RECURSIVE tree AS (
    SELECT t.id, t.holder_id, t.status, t.jurisdiction_id, 0 AS depth
    FROM traceability_tracecode t
    WHERE t.id IN (SELECT code_id FROM trace_new
                   UNION SELECT c.id FROM trace_codes c JOIN trace_state s ON s.code = c.code WHERE c.created)
      AND t.code_type = 'sscc'
  UNION ALL
    SELECT c.id, tree.holder_id, tree.status, tree.jurisdiction_id, tree.depth + 1
    FROM traceability_tracecode c JOIN tree ON c.parent_id = tree.id
    WHERE tree.depth < 8
)
UPDATE traceability_tracecode t
SET holder_id = tree.holder_id, jurisdiction_id = tree.jurisdiction_id,
    status = CASE WHEN t.status IN ('dispensed', 'destroyed') THEN t.status
                  WHEN t.status = 'recalled' AND tree.status IN ('active', 'in_transit') THEN 'recalled'
                  ELSE tree.status END
FROM tree
WHERE t.id = tree.id AND tree.depth > 0
"""

SQL_REASONS = {
    "party": lambda v: _("No enterprise has the unified social credit code “%(value)s”.") % {"value": v},
    "counterparty": lambda v: _("The counterparty “%(value)s” is not a known enterprise.") % {"value": v},
    "prefix": lambda v: _("The first 7 digits “%(value)s” are not the product code of any registered product.")
    % {"value": v},
    "product": lambda v: _("No product has the approval number “%(value)s”.") % {"value": v},
}


def actor_credit_code(actor) -> str | None:
    """The enterprise an actor may submit for; None for trusted callers (commands). Regulators may not submit."""
    if actor is None:
        return None
    if getattr(actor, "enterprise_id", None) and actor.kind in (UserKind.ENTERPRISE, UserKind.MACHINE):
        return actor.enterprise.credit_code
    if actor.kind == UserKind.PLATFORM and actor.is_superuser:
        return None
    raise PermissionDenied(_("Only an enterprise (its users or its systems) submits traceability events."))


def _progress(job_id, done, total):
    if job_id:
        cache.set(f"traceability:job:{job_id}", {"done": done, "total": total}, PROGRESS_TTL)


def job_progress(job: IngestJob) -> dict:
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return {"percent": 100, "status": job.status}
    state = cache.get(f"traceability:job:{job.pk}") or {}
    total = state.get("total") or 0
    percent = min(99, int(100 * state.get("done", 0) / total)) if total else 0
    return {"percent": percent, "status": job.status}


class _Submission:
    """One ingest in progress: its staging tables, counts and the rejections it keeps (at most
    ``MAX_STORED_REJECTIONS``; the counts are always complete)."""

    def __init__(self, cursor, *, actor, job):
        self.cursor = cursor
        self.normalize = Normalizer(actor_credit_code(actor))
        self.job = job
        self.job_id = job.pk if job else None
        self.received = self.rejected = 0
        self.rejections: list[dict] = []
        self.fixed = io.StringIO()
        cursor.execute(DROP_STAGING_SQL)  # a previous submission in the same transaction
        cursor.execute("SET LOCAL work_mem = '384MB'")
        cursor.execute(RAW_SQL)
        cursor.execute(FIXED_SQL)

    def reject(self, index, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_STORED_REJECTIONS:
            self.rejections.append({"index": index, "reason": reason})

    def copy(self, sql: str, text: str) -> None:
        if text:
            self.cursor.cursor.copy_expert(sql, io.StringIO(text), size=len(text))

    def check(self, index, record) -> None:
        """``Normalizer``'s verdict on one record: staged for storage, or rejected with its reason."""
        try:
            if isinstance(record, Exception):
                raise record
            if not isinstance(record, dict):
                raise CodeError(_("Each event must be a JSON object."))
            line = self.normalize(record)
        except (CodeError, ValueError, TypeError) as exc:
            self.reject(index, str(exc))
            return
        fixed = self.fixed
        fixed.write(_escape(str(index)))
        fixed.write("\t")
        fixed.write(line)
        fixed.write("\n")
        if fixed.tell() > 1 << 22:
            self.flush()

    def flush(self) -> None:
        self.copy(f"COPY trace_fixed ({STAGE_COLUMNS}) FROM STDIN WITH (NULL '')", self.fixed.getvalue())
        self.fixed = io.StringIO()

    def convert(self) -> None:
        """Canonical lines to the staging shape in SQL; the few it cannot vouch for go to ``Normalizer``."""
        cursor = self.cursor
        cursor.execute("SHOW TimeZone")
        session_zone = cursor.fetchone()[0]
        cursor.execute("SET LOCAL TimeZone = %s", [timezone.get_current_timezone_name()])
        cursor.execute(CONVERT_SQL, {"own": self.normalize.own, "latest": self.normalize.latest})
        cursor.execute("SET LOCAL TimeZone = %s", [session_zone])  # what Django expects of the connection
        left = connection.connection.cursor(name=f"trace_left_{id(self)}")
        left.itersize = CHUNK
        left.execute(LEFT_TO_NORMALIZER_SQL)
        for index, raw in left:
            self.check(int(index) if index.isdigit() else index, dict(zip(FIELDS, raw, strict=True)))
        left.close()
        self.flush()

    def refresh_recalls(self) -> None:
        """A submission that returns, quarantines or destroys packs moves the active recalls' effectiveness."""
        active = list(Recall.objects.filter(status=RecallStatus.ACTIVE).select_related("batch"))
        if not active:
            return
        self.cursor.execute("SELECT EXISTS (SELECT 1 FROM trace_resolved WHERE reason IS NULL AND kind = ANY(%s))",
                            [list(RECOVERY_KINDS)])
        if self.cursor.fetchone()[0]:
            for recall in active:
                refresh_recall(recall)

    def store(self) -> dict:
        self.convert()
        cursor = self.cursor
        cursor.execute(RESOLVE_FIXED_SQL)
        cursor.execute("ANALYZE trace_resolved")
        cursor.execute("SELECT count(*) FROM trace_resolved WHERE reason <> 'left'")
        self.rejected += cursor.fetchone()[0]
        cursor.execute("SELECT idx, reason, reason_value FROM trace_resolved WHERE reason <> 'left' "
                       "ORDER BY length(idx), idx LIMIT %s", [MAX_STORED_REJECTIONS])
        for index, reason, value in cursor.fetchall():
            if len(self.rejections) < MAX_STORED_REJECTIONS:
                self.rejections.append({"index": int(index) if index.isdigit() else index,
                                        "reason": SQL_REASONS[reason](value)})
        cursor.execute(STATE_SQL)
        cursor.execute("ANALYZE trace_state")  # the planner's guess for a DISTINCT ON is 200 rows
        cursor.execute(UPSERT_CODES_SQL)
        cursor.execute("ANALYZE trace_codes")
        cursor.execute(NEW_EVENTS_SQL)
        repeated, stored = False, 0
        try:
            with transaction.atomic():
                cursor.execute(EVENTS_OF_NEW_CODES_SQL, {"job": self.job_id})
                stored = cursor.rowcount
        except IntegrityError:  # the same event twice in this submission: stored once
            repeated = True
            cursor.execute(EVENTS_OF_NEW_CODES_REPEATED_SQL, {"job": self.job_id})
            cursor.execute(RESET_NEW_CODES_SQL)
        cursor.execute(EVENTS_OF_KNOWN_CODES_SQL, {"job": self.job_id})
        cursor.execute("ANALYZE trace_new")
        cursor.execute("SELECT count(*) FROM trace_new")
        stored += cursor.fetchone()[0]
        cursor.execute(APPLY_STATE_SQL, {"all": repeated})
        if not repeated:
            cursor.execute(LINK_NEW_PARENTS_SQL)
        cursor.execute(PROPAGATE_SQL)
        self.refresh_recalls()
        cursor.execute(DROP_STAGING_SQL)
        rejections = sorted(self.rejections, key=lambda r: (
            isinstance(r["index"], str), r["index"] if isinstance(r["index"], int) else 0, str(r["index"])))
        received, rejected = self.received, self.rejected
        result = {"received": received, "accepted": received - rejected, "rejected": rejected, "stored": stored,
                  "rejections": rejections}
        job = self.job
        if job is not None:
            job.received, job.accepted, job.rejected, job.stored = received, received - rejected, rejected, stored
            job.rejections = rejections
            job.status = JobStatus.DONE
            job.error = ""
            job.finished_at = timezone.now()
            job.save()
        return result


@transaction.atomic
def ingest(records, *, actor=None, job: IngestJob | None = None, progress_total: int = 0, progress=None) -> dict:
    """Validate and store ``records`` (``(index, dict | CodeError)`` pairs); returns the counts and rejections.

    ``received == accepted + rejected``; a duplicate of a stored event counts as accepted (it is stored
    once). ``progress()`` returns how far the reader is (e.g. bytes read) out of ``progress_total``. Each
    record is checked by ``Normalizer``, streamed with ``COPY`` into a staging table, then resolved and stored
    set-wise in SQL, in one transaction.
    """
    with rls_bypass("trace ingest resolves codes held in any jurisdiction; the submitter is checked above"), \
            connection.cursor() as cursor:
        submission = _Submission(cursor, actor=actor, job=job)
        for index, record in records:
            submission.received += 1
            submission.check(index, record)
            if submission.received % CHUNK == 0:
                _progress(submission.job_id, progress() if progress else submission.received,
                          progress_total or submission.received)
        submission.flush()
        return submission.store()


@transaction.atomic
def ingest_csv(stream, *, actor=None, job: IngestJob | None = None, progress_total: int = 0, progress=None,
               python_checks: bool = False, chunk_chars: int = 1 << 20) -> dict:
    """``ingest`` for a CSV file (``ingest.read_csv``'s format), streamed, the same rules and storage.

    Lines whose every value has its canonical shape (a 20-digit code, an ISO time, credit codes…) go to
    ``COPY`` as they are (``ingest.CsvForCopy``) and SQL vouches for the rest of the rules; every other line
    is checked by ``Normalizer`` like any API record. ``python_checks=True`` sends every line to
    ``Normalizer`` (the reference the tests compare the fast path with). The file is never held in memory;
    the index of a rejection is its line number.
    """
    reader = CsvForCopy(stream, canonical=None if python_checks else _canonical_line, chunk_chars=chunk_chars)
    with rls_bypass("trace ingest resolves codes held in any jurisdiction; the submitter is checked above"), \
            connection.cursor() as cursor:
        submission = _Submission(cursor, actor=actor, job=job)
        if reader.header is not None:
            # The header's names are checked against FIELDS.
            copy_sql = f"COPY trace_raw (idx, {_quoted_columns(reader.header)}) FROM STDIN WITH (FORMAT csv)"
            with closing(read_ahead(reader)) as chunks:
                for text, records, errors, received in chunks:
                    submission.received += received
                    for line, error in errors:
                        submission.reject(line, str(error))
                    for line, record in records:
                        submission.check(line, record)
                    submission.copy(copy_sql, text)
                    _progress(submission.job_id, progress() if progress else submission.received,
                              progress_total or submission.received)
        submission.flush()
        return submission.store()


def _quoted_columns(names) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _canonical_line(header):
    return canonical_line(header, KIND_NAMES)


def create_job(*, actor, source: str, filename: str = "", path: str = "") -> IngestJob:
    """A job row for an upload, committed at once so that its page can show progress."""
    actor_credit_code(actor)
    enterprise = actor.enterprise if actor is not None and actor.enterprise_id else None
    if enterprise is not None:
        jurisdiction_id = enterprise.jurisdiction_id
    elif actor is not None and actor.agency_id:
        jurisdiction_id = actor.agency.jurisdiction_id
    else:
        jurisdiction_id = Jurisdiction.objects.current().filter(parent__isnull=True).values_list("id", flat=True)[0]
    return IngestJob.objects.create(source=source, enterprise=enterprise, submitted_by=actor,
                                    filename=filename, path=path, jurisdiction_id=jurisdiction_id)


def job_stale_minutes() -> int:
    """After how long without a heartbeat a running job is taken to have lost its worker (setting, default 10)."""
    return settings.TRACE_JOB_STALE_MINUTES


def job_heartbeat_seconds() -> float:
    return settings.TRACE_JOB_HEARTBEAT_SECONDS


class Heartbeat:
    """While the block runs, stamp the job's ``heartbeat_at`` every ``job_heartbeat_seconds()``.

    From a thread with its own database connection, committed at once: the import's transaction is invisible
    until it ends, and its statements can run for minutes. The stamps stop when the process dies, which is
    what ``fail_stale_jobs`` looks for.
    """

    def __init__(self, job_id: int, every: float | None = None):
        self.job_id = job_id
        self.every = job_heartbeat_seconds() if every is None else every
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"ingest-job-{job_id}-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def _run(self):
        try:
            while not self.stopped.wait(self.every):
                try:
                    IngestJob.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                        heartbeat_at=timezone.now())
                except Exception:  # a missed beat is not worth failing the import for
                    logger.warning("heartbeat of ingest job %s not recorded", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection


def fail_stale_jobs(*, now: datetime | None = None) -> list[int]:
    """Running jobs without a heartbeat for ``job_stale_minutes()``: their worker died mid-import. Nothing of
    theirs was stored (an import is one transaction), so they are marked failed with a message saying the file
    can be sent again; a re-run or a resend stores each event once. Returns the ids of the jobs failed."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=job_stale_minutes())
    with rls_bypass("the stale-job sweep looks at every running import"), transaction.atomic():
        stale = list(IngestJob.objects.select_for_update(skip_locked=True).filter(status=JobStatus.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
            .values_list("pk", flat=True))
        IngestJob.objects.filter(pk__in=stale).update(
            status=JobStatus.FAILED, finished_at=now,
            error=_("The import was interrupted: the server working on it stopped responding before it finished. "
                    "Nothing from this file was stored; you can send it again (events already stored are never "
                    "stored twice)."))
    for job_id in stale:
        logger.warning("ingest job %s failed: no heartbeat since before %s", job_id, cutoff.isoformat())
    return stale


def run_csv_job(job_id: int) -> IngestJob:
    """Import a CSV job's file; safe to run twice (a finished job is left alone, storage is idempotent), and
    to run again after its worker died (Celery redelivers it; ``fail_stale_jobs`` may have marked it failed)."""
    import os

    from traceability.ingest import open_text

    job = IngestJob.objects.select_related("submitted_by__enterprise").get(pk=job_id)
    if job.status == JobStatus.DONE:
        return job
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now(), error="",
                                               finished_at=None)
    size = os.path.getsize(job.path) or 1
    try:
        with Heartbeat(job.pk), open_text(job.path) as handle:
            binary = handle.buffer
            ingest_csv(handle, actor=job.submitted_by, job=job, progress_total=size, progress=lambda: binary.tell())
    except (CodeError, PermissionDenied) as exc:
        IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error=str(exc),
                                                   finished_at=timezone.now())
    job.refresh_from_db()
    return job


# --- Reconciliation ------------------------------------------------------------------------------

# Each rule: a SELECT of (key, rule, enterprise_id, other_enterprise_id, code_id, event_ids, jurisdiction_id)
# over the events of the run's jurisdictions (%(j)s); the insert skips keys already found (reruns).
_E = "traceability_traceevent"
RULES_SQL = {
    DiscrepancyRule.SHIPPED_NOT_RECEIVED: f"""
        SELECT 'snr:' || s.id, s.enterprise_id, s.counterparty_id, s.code_id, ARRAY[s.id], s.jurisdiction_id
        FROM {_E} s
        WHERE s.kind = 4 AND s.jurisdiction_id = ANY(%(j)s) AND s.occurred_at < %(cutoff)s
          AND NOT EXISTS (SELECT 1 FROM {_E} r WHERE r.code_id = s.code_id AND r.kind = 5
                          AND r.enterprise_id = s.counterparty_id AND r.occurred_at >= s.occurred_at)""",
    DiscrepancyRule.RECEIVED_WITHOUT_SHIPMENT: f"""
        SELECT 'rws:' || r.id, r.enterprise_id, r.counterparty_id, r.code_id, ARRAY[r.id], r.jurisdiction_id
        FROM {_E} r
        WHERE r.kind = 5 AND r.jurisdiction_id = ANY(%(j)s)
          AND NOT EXISTS (SELECT 1 FROM {_E} s WHERE s.code_id = r.code_id AND s.kind = 4
                          AND s.counterparty_id = r.enterprise_id AND s.occurred_at <= r.occurred_at)
          AND NOT EXISTS (SELECT 1 FROM {_E} p JOIN {_E} s ON s.code_id = p.parent_id AND s.kind = 4
                          WHERE p.code_id = r.code_id AND p.kind = 2 AND s.counterparty_id = r.enterprise_id
                          AND s.occurred_at <= r.occurred_at)""",
    DiscrepancyRule.DISPENSED_TWICE: f"""
        SELECT 'dt:' || d.code_id, (array_agg(d.enterprise_id ORDER BY d.occurred_at, d.id))[2],
               (array_agg(d.enterprise_id ORDER BY d.occurred_at, d.id))[1], d.code_id,
               array_agg(d.id ORDER BY d.occurred_at, d.id), (array_agg(d.jurisdiction_id ORDER BY d.occurred_at))[2]
        FROM {_E} d WHERE d.kind = 6 AND d.jurisdiction_id = ANY(%(j)s)
        GROUP BY d.code_id HAVING count(*) > 1""",
    # Dispensed by an enterprise that never received, commissioned or got back the pack (nor a container
    # it was packed in): more dispensed than received.
    DiscrepancyRule.DISPENSED_NOT_HELD: f"""
        SELECT 'dnh:' || d.id, d.enterprise_id, NULL::bigint, d.code_id, ARRAY[d.id], d.jurisdiction_id
        FROM {_E} d
        WHERE d.kind = 6 AND d.jurisdiction_id = ANY(%(j)s)
          AND NOT EXISTS (SELECT 1 FROM {_E} h WHERE h.code_id = d.code_id AND h.kind IN (1, 5, 7)
                          AND h.enterprise_id = d.enterprise_id AND h.occurred_at <= d.occurred_at)
          AND NOT EXISTS (SELECT 1 FROM {_E} p JOIN {_E} h ON h.code_id = p.parent_id AND h.kind IN (1, 5, 7)
                          WHERE p.code_id = d.code_id AND p.kind = 2 AND h.enterprise_id = d.enterprise_id
                          AND h.occurred_at <= d.occurred_at)""",
    DiscrepancyRule.COMMISSIONED_TWICE: f"""
        SELECT 'ct:' || c.code_id, (array_agg(c.enterprise_id ORDER BY c.occurred_at, c.id))[2],
               (array_agg(c.enterprise_id ORDER BY c.occurred_at, c.id))[1], c.code_id,
               array_agg(c.id ORDER BY c.occurred_at, c.id), (array_agg(c.jurisdiction_id ORDER BY c.occurred_at))[2]
        FROM {_E} c WHERE c.kind = 1 AND c.jurisdiction_id = ANY(%(j)s)
        GROUP BY c.code_id HAVING count(*) > 1""",
    # Each code's first dispensing or destruction, found once for all codes (one pass, not one lookup per event).
    DiscrepancyRule.EVENT_AFTER_END: f"""
        SELECT 'eae:' || e.id, e.enterprise_id, f.enterprise_id, e.code_id, ARRAY[f.id, e.id], e.jurisdiction_id
        FROM {_E} e
        JOIN (SELECT DISTINCT ON (x.code_id) x.code_id, x.id, x.enterprise_id, x.occurred_at FROM {_E} x
              WHERE x.kind IN (6, 8) ORDER BY x.code_id, x.occurred_at, x.id) f
             ON f.code_id = e.code_id AND f.occurred_at < e.occurred_at
        WHERE e.jurisdiction_id = ANY(%(j)s) AND e.kind NOT IN (6)""",
    DiscrepancyRule.DISPENSED_AFTER_EXPIRY: f"""
        SELECT 'dae:' || d.id, d.enterprise_id, NULL::bigint, d.code_id, ARRAY[d.id], d.jurisdiction_id
        FROM {_E} d JOIN traceability_tracecode c ON c.id = d.code_id
        WHERE d.kind = 6 AND d.jurisdiction_id = ANY(%(j)s) AND c.expires_on IS NOT NULL
          AND (d.occurred_at AT TIME ZONE 'Asia/Shanghai')::date > c.expires_on""",
    # The shipments to the few enterprises lacking a licence first (one scan), then their codes' product class:
    # starting from the codes, the planner would try every code against every unlicensed pair.
    DiscrepancyRule.UNLICENSED_RECIPIENT: f"""
        WITH shipped AS MATERIALIZED (
            SELECT s.id, s.enterprise_id, s.counterparty_id, s.code_id FROM {_E} s
            WHERE s.kind = 4 AND s.jurisdiction_id = ANY(%(j)s) AND s.counterparty_id = ANY(%(unlicensed_ids)s))
        SELECT 'ulr:' || s.id, s.counterparty_id, s.enterprise_id, s.code_id, ARRAY[s.id], e.jurisdiction_id
        FROM shipped s
        JOIN traceability_tracecode c ON c.id = s.code_id
        JOIN regulator_product p ON p.id = c.product_id
        JOIN regulator_enterprise e ON e.id = s.counterparty_id
        WHERE EXISTS (SELECT 1 FROM unnest(%(unlicensed_ids)s::bigint[], %(unlicensed_kinds)s::text[]) u(id, kind)
                      WHERE u.id = s.counterparty_id AND u.kind = p.kind)""",
    # A dose of vaccine neither administered (dispensed) nor destroyed nor in a holder's stock: in transit
    # for longer than a shipment may take, or with no holder at all.
    DiscrepancyRule.VACCINE_UNACCOUNTED: """
        SELECT 'vu:' || c.id, COALESCE(c.holder_id, p.enterprise_id), NULL::bigint, c.id,
               ARRAY(SELECT x.id FROM traceability_traceevent x WHERE x.code_id = c.id ORDER BY x.id DESC LIMIT 1),
               c.jurisdiction_id
        FROM traceability_tracecode c JOIN regulator_product p ON p.id = c.product_id
        WHERE p.kind = 'vaccine' AND c.jurisdiction_id = ANY(%(j)s) AND c.code_type <> 'sscc'
          AND ((c.status = 'in_transit' AND c.last_event_at < %(cutoff)s) OR c.holder_id IS NULL)
          AND c.status NOT IN ('dispensed', 'destroyed')""",
}


def unlicensed_recipients() -> list[tuple[int, str]] | None:
    """Pairs (enterprise id, product kind) that may not receive that product class: no valid licence for it.

    Read through ``licensing.selectors.enterprises_without_valid_licence()``; without the licensing app this
    returns None and the rule is skipped.
    """
    from django.apps import apps

    if not apps.is_installed("licensing"):
        return None
    try:
        from licensing import selectors as licensing_selectors
    except ImportError:
        return None
    finder = getattr(licensing_selectors, "enterprises_without_valid_licence", None)
    if finder is None:
        return None
    return list(finder(product_kinds=[ProductKind.DRUG, ProductKind.VACCINE, ProductKind.DEVICE]))


def reconcile(jurisdiction: Jurisdiction, *, actor=None, run: ReconciliationRun | None = None,
              now: datetime | None = None) -> ReconciliationRun:
    """Open discrepancies for the events of ``jurisdiction`` and below, one set-based INSERT per rule.

    Safe to rerun: a discrepancy's key names its rule and the event or code, so the same data finds the
    same discrepancies and never duplicates. Runs province-wide jobs under a named RLS bypass.
    """
    now = now or timezone.now()
    started = time.monotonic()
    if run is None:
        run = ReconciliationRun.objects.create(jurisdiction=jurisdiction, started_by=actor, status=JobStatus.RUNNING)
    ids = sorted(Jurisdiction.objects.subtree_ids(jurisdiction))
    unlicensed = unlicensed_recipients()
    params = {"j": ids, "cutoff": now - timedelta(hours=shipment_receipt_hours()),
              "unlicensed_ids": [e for e, _k in unlicensed or []],
              "unlicensed_kinds": [k for _e, k in unlicensed or []]}
    found, timings = {}, {}
    rules = list(RULES_SQL.items())
    with transaction.atomic(), rls_bypass("traceability reconciliation of a jurisdiction's events"), \
            connection.cursor() as cursor, constraints_checked_per_statement(cursor):
        # Foreign keys checked per statement: a first run may open tens of thousands of audited discrepancies.
        for number, (rule, select) in enumerate(rules, start=1):
            if rule == DiscrepancyRule.UNLICENSED_RECIPIENT and unlicensed is None:
                continue
            rule_started = time.monotonic()
            # The rule's SELECT first into a temporary table: PostgreSQL runs a CREATE TABLE AS with parallel
            # workers, never an INSERT … SELECT; the few rows found are then inserted.
            cursor.execute(f"""
                CREATE TEMP TABLE trace_found ON COMMIT DROP AS
                SELECT f.* FROM ({select}) AS f(key, enterprise_id, other_id, code_id, event_ids, j)
                WHERE f.enterprise_id IS NOT NULL""", params)
            cursor.execute("""
                INSERT INTO traceability_discrepancy (key, rule, status, enterprise_id, other_enterprise_id, code_id,
                                                      event_ids, jurisdiction_id, run_id, note, created_at, updated_at)
                SELECT f.key, %(rule)s, 'open', f.enterprise_id, f.other_id, f.code_id, f.event_ids, f.j,
                       %(run)s, '', now(), now()
                FROM trace_found f
                ON CONFLICT (key) DO NOTHING""", {"rule": str(rule), "run": run.pk})
            found[str(rule)] = cursor.rowcount
            cursor.execute("DROP TABLE trace_found")
            timings[str(rule)] = round(time.monotonic() - rule_started, 3)
            cache.set(f"traceability:run:{run.pk}", {"done": number, "total": len(rules)}, PROGRESS_TTL)
    run.found = found
    run.timings = timings
    run.status = JobStatus.DONE
    run.seconds = round(time.monotonic() - started, 3)
    run.finished_at = timezone.now()
    run.save()
    return run


def run_progress(run: ReconciliationRun) -> dict:
    if run.status in (JobStatus.DONE, JobStatus.FAILED):
        return {"percent": 100, "status": run.status}
    state = cache.get(f"traceability:run:{run.pk}") or {}
    return {"percent": int(100 * state.get("done", 0) / (state.get("total") or 1)) if state else 0,
            "status": run.status}


def reconcile_all(*, now: datetime | None = None) -> list[ReconciliationRun]:
    """The nightly job: one run per province (top-level jurisdiction)."""
    with rls_bypass("nightly traceability reconciliation"):
        roots = list(Jurisdiction.objects.current().filter(parent__isnull=True))
        return [reconcile(root, now=now) for root in roots]


def start_reconciliation(*, actor) -> ReconciliationRun:
    """A run of the actor's jurisdiction started from the web; the worker does it (``tasks.reconcile_run``)."""
    if actor is None or not actor.agency_id:
        raise PermissionDenied(_("Only regulator staff start a reconciliation."))
    return ReconciliationRun.objects.create(jurisdiction=actor.agency.jurisdiction, started_by=actor)


def run_reconciliation(run_id: int) -> ReconciliationRun:
    run = ReconciliationRun.objects.select_related("jurisdiction").get(pk=run_id)
    if run.status == JobStatus.DONE:
        return run
    return reconcile(run.jurisdiction, actor=run.started_by, run=run)


DISCREPANCY_FLOW = StateMachine({
    DiscrepancyStatus.OPEN: (DiscrepancyStatus.EXPLAINED, DiscrepancyStatus.CONFIRMED),
    DiscrepancyStatus.EXPLAINED: (DiscrepancyStatus.OPEN, DiscrepancyStatus.CONFIRMED),
    DiscrepancyStatus.CONFIRMED: (),
})


def _require_staff(actor):
    if actor is None or actor.kind != UserKind.STAFF:
        raise PermissionDenied(_("Only regulator staff handle discrepancies and recalls."))


@transaction.atomic
def set_discrepancy_status(discrepancy: Discrepancy, *, actor, status: str, note: str = "") -> Discrepancy:
    """Explain or confirm a discrepancy; a confirmation records ``traceability.discrepancy_confirmed``."""
    _require_staff(actor)
    discrepancy = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if note:
        discrepancy.note = note
    transition(DISCREPANCY_FLOW, discrepancy, status, actor=actor, note=note)
    if status == DiscrepancyStatus.CONFIRMED:
        events.record_event("traceability.discrepancy_confirmed", subject=discrepancy, actor=actor,
                            enterprise=discrepancy.enterprise,
                            payload={"rule": discrepancy.rule, "code": discrepancy.code.code,
                                     "events": discrepancy.event_ids})
    return discrepancy


@transaction.atomic
def assign_discrepancy(discrepancy: Discrepancy, *, actor, assignee) -> Discrepancy:
    _require_staff(actor)
    if assignee is not None and (assignee.kind != UserKind.STAFF
                                 or not Jurisdiction.objects.filter(pk=discrepancy.jurisdiction_id).exists()
                                 or discrepancy.jurisdiction_id not in
                                 Jurisdiction.objects.subtree_ids(assignee.agency.jurisdiction)):
        raise ValidationError({"assignee": _("The assignee must be staff of an agency that oversees this enterprise.")})
    discrepancy.assignee = assignee
    discrepancy.save(update_fields=["assignee", "updated_at"])
    return discrepancy


# --- Recalls -------------------------------------------------------------------------------------

FORWARD_TRACE_SQL = """
SELECT c.holder_id, count(*) FILTER (WHERE c.status NOT IN ('dispensed', 'destroyed')),
       count(*) FILTER (WHERE c.status = 'dispensed')
FROM traceability_tracecode c
WHERE c.batch_id = %s OR (c.batch_id IS NULL AND c.product_id = %s AND c.batch_number = %s)
GROUP BY c.holder_id
"""


def forward_trace(batch: Batch) -> list[dict]:
    """Every current holder of the batch's packs (containers pass their holder down) with counts."""
    with rls_bypass("a recall traces a batch to every holder, in any jurisdiction"), connection.cursor() as cursor:
        cursor.execute(FORWARD_TRACE_SQL, [batch.pk, batch.product_id, batch.batch_number])
        return [{"holder_id": h, "held": held, "dispensed": dispensed} for h, held, dispensed in cursor.fetchall()]


RECALL_FLOW = StateMachine({
    RecallStatus.PROPOSED: (RecallStatus.ACTIVE, RecallStatus.REJECTED),
    RecallStatus.ACTIVE: (RecallStatus.CLOSED,),
    RecallStatus.CLOSED: (),
    RecallStatus.REJECTED: (),
})


@transaction.atomic
def propose_recall(batch: Batch, *, reason: str, source_event_id: int | None = None, actor=None) -> Recall:
    """A recall proposal for ``batch``; idempotent per source event (a kernel event may be delivered twice)."""
    if source_event_id is not None:
        existing = Recall.objects.filter(source_event_id=source_event_id).first()
        if existing:
            return existing
    recall = Recall.objects.create(product=batch.product, batch=batch, reason=reason,
                                   jurisdiction_id=batch.jurisdiction_id, source_event_id=source_event_id,
                                   started_by=actor)
    events.record_event("traceability.recall_proposed", subject=recall, actor=actor,
                        enterprise=batch.product.enterprise, payload={"batch": batch.batch_number})
    return recall


@transaction.atomic
def start_recall(recall: Recall, *, actor, deadline: date | None = None) -> Recall:
    """Start a recall: trace the batch forward, mark its packs recalled, give each holder a task."""
    _require_staff(actor)
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    recall.deadline = deadline or timezone.localdate() + timedelta(days=7)
    recall.started_at = timezone.now()
    transition(RECALL_FLOW, recall, RecallStatus.ACTIVE, actor=actor)
    holders = forward_trace(recall.batch)
    enterprises = Enterprise.objects.in_bulk([h["holder_id"] for h in holders if h["holder_id"]])
    with rls_bypass("a recall's tasks go to holders in any jurisdiction"):
        for row in holders:
            holder = enterprises.get(row["holder_id"])
            if holder is not None and row["held"]:
                RecallTask.objects.get_or_create(recall=recall, holder=holder, defaults={
                    "held": row["held"], "deadline": recall.deadline, "jurisdiction_id": holder.jurisdiction_id})
        with connection.cursor() as cursor:
            cursor.execute("""UPDATE traceability_tracecode SET status = 'recalled'
                              WHERE (batch_id = %s OR (batch_id IS NULL AND product_id = %s AND batch_number = %s))
                                AND status IN ('active', 'in_transit')""",
                           [recall.batch_id, recall.product_id, recall.batch.batch_number])
    recall.held_codes = sum(h["held"] for h in holders)
    recall.dispensed_codes = sum(h["dispensed"] for h in holders)
    recall.total_codes = recall.held_codes + recall.dispensed_codes
    recall.save()
    events.record_event("traceability.recall_started", subject=recall, actor=actor,
                        enterprise=recall.product.enterprise,
                        payload={"batch": recall.batch.batch_number, "holders": len(holders),
                                 "held": recall.held_codes})
    return recall


@transaction.atomic
def recall_now(batch: Batch, *, actor, reason: str, deadline: date | None = None) -> Recall:
    """Staff recall a batch on their own motion: proposed and started in one step."""
    _require_staff(actor)
    return start_recall(propose_recall(batch, reason=reason, actor=actor), actor=actor, deadline=deadline)


@transaction.atomic
def reject_recall(recall: Recall, *, actor, reason: str) -> Recall:
    """A proposed recall is not needed (e.g. the re-test passed); the reason goes on its timeline."""
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the recall is not started.")})
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    transition(RECALL_FLOW, recall, RecallStatus.REJECTED, actor=actor, note=reason)
    return recall


@transaction.atomic
def close_recall(recall: Recall, *, actor, note: str = "") -> Recall:
    """End a recall; its effectiveness is counted one last time and kept."""
    _require_staff(actor)
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    transition(RECALL_FLOW, recall, RecallStatus.CLOSED, actor=actor, note=note)
    recall = refresh_recall(recall)
    events.record_event("traceability.recall_closed", subject=recall, actor=actor,
                        enterprise=recall.product.enterprise,
                        payload={"batch": recall.batch.batch_number, "held": recall.held_codes,
                                 "recovered": recall.recovered_codes})
    return recall


def recall_batch(*, actor, approval_number: str, batch_number: str):
    """The batch a recall names, found by the product's approval number and the batch number, within scope."""
    batch = (Batch.objects.visible_to(actor).select_related("product__enterprise")
             .filter(product__approval_number=approval_number.strip(), batch_number=batch_number.strip()).first())
    if batch is None:
        raise ValidationError({"batch_number": _(
            "No batch %(batch)s of a product with approval number %(number)s is in your scope.")
            % {"batch": batch_number.strip(), "number": approval_number.strip()}})
    return batch


RECOVERY_KINDS = (EventKind.RETURN, EventKind.DESTRUCTION, EventKind.QUARANTINE)


@transaction.atomic
def refresh_recall(recall: Recall) -> Recall:
    """Count the packs each holder has returned, quarantined or destroyed since the recall started (run by the
    ingest of such events and when a recall starts, never by a page that shows it)."""
    if recall.started_at is None:
        return recall
    with rls_bypass("recall effectiveness counts events of holders in any jurisdiction"), \
            connection.cursor() as cursor:
        cursor.execute("""
            SELECT e.enterprise_id, count(DISTINCT e.code_id)
            FROM traceability_traceevent e JOIN traceability_tracecode c ON c.id = e.code_id
            WHERE (c.batch_id = %s OR (c.batch_id IS NULL AND c.product_id = %s AND c.batch_number = %s))
              AND e.kind = ANY(%s) AND e.occurred_at >= %s
            GROUP BY e.enterprise_id""",
            [recall.batch_id, recall.product_id, recall.batch.batch_number, list(RECOVERY_KINDS),
             recall.started_at])
        done = dict(cursor.fetchall())
        for task in RecallTask.objects.filter(recall=recall):
            recovered = min(task.held, done.get(task.holder_id, 0))
            status = RecallTaskStatus.DONE if recovered >= task.held else RecallTaskStatus.OPEN
            if (recovered, status) != (task.recovered, task.status):
                task.recovered, task.status = recovered, status
                task.save(update_fields=["recovered", "status", "updated_at"])
    recall.recovered_codes = min(recall.held_codes, sum(done.values()))
    recall.save(update_fields=["recovered_codes", "updated_at"])
    return recall


def on_sample_unqualified(event) -> None:
    """Kernel event ``sampling.unqualified``: propose a recall of the failed batch (idempotent)."""
    payload = event.payload or {}
    batch_id = payload.get("batch_id") or (event.subject_id if event.subject_type == "regulator.batch" else None)
    if not batch_id:
        logger.warning("sampling.unqualified event %s names no batch; no recall proposed", event.pk)
        return
    with rls_bypass("recall proposal from a failed sample"):
        batch = Batch.objects.select_related("product__enterprise").filter(pk=batch_id).first()
        if batch is None:
            return
        propose_recall(batch, source_event_id=event.pk,
                       reason=payload.get("reason") or _("A sample of this batch failed testing."))


# --- Verification and KPIs ----------------------------------------------------------------------


def verify_code(value: str) -> dict:
    """What the public may know about a scanned code: product, batch, expiry, known, recalled, dispensed.

    Never a holder, a patient or an enterprise other than the product's holder of the approval.
    """
    try:
        parsed = codelib.parse_code(value)
    except CodeError as exc:
        return {"valid": False, "reason": str(exc)}
    with rls_bypass("public code verification"):
        code = TraceCode.objects.select_related("product__enterprise", "batch").filter(code=parsed.key).first()
        if code is None:
            return {"valid": True, "known": False, "code": parsed.key}
        dispensed = code.status == CodeStatus.DISPENSED
        return {
            "valid": True, "known": True, "code": parsed.key,
            "product": code.product.name if code.product else "",
            "approval_number": code.product.approval_number if code.product else "",
            "manufacturer": code.product.enterprise.name if code.product else "",
            "batch": code.batch_number or (code.batch.batch_number if code.batch else ""),
            "expires_on": code.expires_on,
            "expired": bool(code.expires_on and code.expires_on < timezone.localdate()),
            "recalled": code.status == CodeStatus.RECALLED,
            "dispensed": dispensed,
            "destroyed": code.status == CodeStatus.DESTROYED,
        }


TRACEABILITY_TARGETS = {ProductKind.VACCINE: 100, ProductKind.DRUG: 90}


def traceability_rates(jurisdiction_ids) -> list[dict]:
    """Per product kind: the share of dispensed packs whose journey is complete (commissioned, and received
    by the dispenser or commissioned by it), against the national targets."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT p.kind, count(*),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM traceability_traceevent c
                                                   WHERE c.code_id = t.id AND c.kind = 1)
                                   AND EXISTS (SELECT 1 FROM traceability_traceevent r
                                               WHERE r.code_id = t.id AND r.kind IN (1, 5)
                                               AND r.enterprise_id = t.holder_id))
            FROM traceability_tracecode t JOIN regulator_product p ON p.id = t.product_id
            WHERE t.jurisdiction_id = ANY(%s) AND t.status = 'dispensed' AND p.kind IN ('vaccine', 'drug')
            GROUP BY p.kind""", [sorted(jurisdiction_ids)])
        rows = {kind: (total, traced) for kind, total, traced in cursor.fetchall()}
    result = []
    for kind, target in TRACEABILITY_TARGETS.items():
        total, traced = rows.get(kind, (0, 0))
        rate = round(100 * traced / total, 1) if total else None
        result.append({"kind": kind, "label": ProductKind(kind).label, "total": total, "traced": traced,
                       "rate": rate, "target": target, "met": rate is not None and rate >= target})
    return result
