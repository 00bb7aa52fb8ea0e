"""Benchmark (not a test): traceability ingest, reconciliation and recall on a generated supply chain.

Creates its own database (``bench_trace``), generates the demo city's chain — 11 manufacturers → 20
wholesalers → 890 pharmacies, packs aggregated in cases of 20 (SSCC) — writes it as a CSV file and prints:

- file import throughput (``services.ingest_csv`` over the CSV file, events/s) next to a raw ``COPY`` of the same rows
  into the same table in the same run, and their ratio;
- API bulk throughput (JSON arrays of 1,000 events through the real API view, events/s);
- reconciliation time (every rule) and its "shipped not received" rule next to a hand-written anti-join;
- recall trace time for one batch of ``BENCH_RECALL_CODES`` codes;
- the importer's peak memory (RSS of a separate import process) for two file sizes.

Sizes: ``BENCH_EVENTS`` (default 300,000; the issue's figure is 1,000,000), ``BENCH_RECALL_CODES`` (default
100,000, capped by what the chain holds), ``BENCH_API_EVENTS`` (default 20,000), ``BENCH_RECONCILE_EVENTS``
(default 0: reconcile what was imported; e.g. 10,000,000 tops the tables up to that many events with a chain of
the same shape loaded set-wise in SQL, not through the importer). ``BENCH_DATABASE_NAME`` (default
``bench_trace``) lets two benchmarks run side by side. Prints figures; never fails
on time. Run with ``make bench-trace`` (e.g. ``BENCH_EVENTS=1000000 make bench-trace``).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regulator.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ["TEST_DATABASE_NAME"] = os.environ.get("BENCH_DATABASE_NAME", "bench_trace")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from regulator import embedded

if embedded.wanted():
    embedded.ensure_services()

import django

django.setup()

from django.db import connection  # noqa: E402

BENCH_DATABASE = os.environ["TEST_DATABASE_NAME"]
EVENTS = int(os.environ.get("BENCH_EVENTS", "300000"))
RECALL_CODES = int(os.environ.get("BENCH_RECALL_CODES", "100000"))
API_EVENTS = int(os.environ.get("BENCH_API_EVENTS", "20000"))
CASE = 20
# Per case of 20 packs: 20 commissioning + 20 packing + case commissioning, shipping, receiving
# + 20 unpacking + 20 × (shipping, receiving) + 10 dispensing = 113 events.
EVENTS_PER_CASE = 5 * CASE + 3 + CASE // 2
START = datetime(2026, 1, 5, 8, 0)


def _credit(division: str, letter: str, n: int) -> str:
    from regulator.validators import with_check_character

    return with_check_character(f"91{division}M{letter}{n:07d}")


def build_chain():
    """Enterprises and products of the demo city's shape (bulk, no audit noise), returned as lists."""
    from regulator.geography import ensure_geography
    from regulator.models import Batch, Enterprise, Product

    j = ensure_geography()
    counties = [j["445102"], j["445103"], j["445122"]]

    def make(prefix, count, kind):
        return Enterprise.objects.bulk_create([
            Enterprise(jurisdiction=counties[n % 3], credit_code=_credit(counties[n % 3].code, prefix, n),
                       name=f"{kind}{n}", enterprise_type=kind, address="潮州") for n in range(count)])

    makers = make("A", 11, "drug_manufacturer")
    wholesalers = make("B", 20, "wholesaler")
    pharmacies = make("C", 890, "pharmacy")
    products = Product.objects.bulk_create([
        Product(enterprise=maker, jurisdiction_id=maker.jurisdiction_id, kind="drug", name=f"药品{n}",
                approval_number=f"国药准字H{44030000 + n:08d}", trace_prefix=f"87{n:05d}")
        for n, maker in enumerate(makers * 3)])
    batches = Batch.objects.bulk_create([
        Batch(product=p, jurisdiction_id=p.jurisdiction_id, batch_number=f"B{n:05d}",
              manufactured_on=START.date(), expires_on=START.date() + timedelta(days=730))
        for n, p in enumerate(products)])
    license_recipients(j, wholesalers, pharmacies)
    return makers, wholesalers, pharmacies, products, batches


UNLICENSED_EVERY = 100  # one pharmacy in a hundred holds no valid licence: "shipped to an unlicensed enterprise"


def license_recipients(j, wholesalers, pharmacies):
    """Valid licences for the wholesalers and for all pharmacies but one in ``UNLICENSED_EVERY``, as in a real
    city: the unlicensed-recipient rule then finds a realistic few, read through licensing's own selector."""
    from licensing.models import Licence, LicenceType

    types = {t.code: t for t in LicenceType.objects.filter(code__in=("drug_wholesale", "drug_retail_single"))}
    if len(types) < 2:
        return
    today = datetime.now().date()
    agency = j["445100"].agency
    Licence.objects.bulk_create([
        Licence(number=f"BENCH{n:06d}", licence_type=types["drug_wholesale" if e in wholesalers else
                                                           "drug_retail_single"],
                enterprise=e, jurisdiction_id=e.jurisdiction_id, holder_name=e.name, credit_code=e.credit_code,
                address=e.address, issued_on=today - timedelta(days=365), valid_from=today - timedelta(days=365),
                valid_until=today + timedelta(days=1460), issuing_agency=agency)
        for n, e in enumerate(wholesalers + [p for i, p in enumerate(pharmacies) if i % UNLICENSED_EVERY != 7])])


def write_csv(path, events, chain, *, serial_offset=0, recall_codes=0):
    """``events`` events of whole cases. The first ``recall_codes`` packs share one batch (the recall's)."""
    _makers, wholesalers, pharmacies, products, batches = chain
    from traceability.codes import with_check_digit

    cases = max(1, events // EVENTS_PER_CASE)
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("event_id,code,kind,time,party,counterparty,parent,batch\n")
        for c in range(cases):
            case_no = serial_offset // CASE + c
            product_index = 0 if c * CASE < recall_codes else 1 + c % (len(products) - 1)
            product, batch = products[product_index], batches[product_index]
            maker = product.enterprise
            wholesaler = wholesalers[c % len(wholesalers)]
            t = START + timedelta(minutes=c % 50000)
            sscc = "00" + with_check_digit(f"06901234{case_no:09d}")
            m, w = maker.credit_code, wholesaler.credit_code
            rows = [f"{sscc},commissioning,{t.isoformat()}+08:00,{m},,,"]
            packs = [f"{product.trace_prefix}{serial_offset + c * CASE + i:013d}" for i in range(CASE)]
            for code in packs:
                rows.append(f"{code},commissioning,{t.isoformat()}+08:00,{m},,,{batch.batch_number}")
            t1 = (t + timedelta(hours=1)).isoformat() + "+08:00"
            for code in packs:
                rows.append(f"{code},packing,{t1},{m},,{sscc},")
            rows.append(f"{sscc},shipping,{(t + timedelta(hours=2)).isoformat()}+08:00,{m},{w},,")
            if c % 100 != 7:  # about 1% of cases are never received: "shipped not received"
                rows.append(f"{sscc},receiving,{(t + timedelta(days=1)).isoformat()}+08:00,{w},{m},,")
            t3 = (t + timedelta(days=1, hours=2)).isoformat() + "+08:00"
            for i, code in enumerate(packs):
                pharmacy = pharmacies[(c * CASE + i) % len(pharmacies)].credit_code
                rows.append(f"{code},unpacking,{t3},{w},,{sscc},")
                rows.append(f"{code},shipping,{(t + timedelta(days=2)).isoformat()}+08:00,{w},{pharmacy},,")
                rows.append(f"{code},receiving,{(t + timedelta(days=3)).isoformat()}+08:00,{pharmacy},{w},,")
                if i % 2 == 0:
                    rows.append(f"{code},dispensing,{(t + timedelta(days=4 + i)).isoformat()}+08:00,{pharmacy},,,")
            for row in rows:
                out.write(",")
                out.write(row)
                out.write("\n")
            written += len(rows)
    return written


RECONCILE_EVENTS = int(os.environ.get("BENCH_RECONCILE_EVENTS", "0"))
BULK_SERIAL = 100_000_000  # serials of the bulk-loaded chain: never those of the imported files or the API


class _IndexesDropped:
    """Drops a table's secondary indexes and unique constraints, and builds them again on exit: a bulk load
    then builds each index once instead of row by row, as a DBA loads a warehouse."""

    def __init__(self, cursor, table):
        self.cursor, self.table = cursor, table

    def __enter__(self):
        c = self.cursor
        c.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                     WHERE conrelid = %s::regclass AND contype = 'u'""", [self.table])
        self.constraints = c.fetchall()
        c.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                     WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
                       AND i.indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)""",
                  [self.table, self.table])
        self.indexes = c.fetchall()
        for name, _definition in self.constraints:
            c.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        for name, _definition in self.indexes:
            c.execute(f"DROP INDEX {name}")

    def __exit__(self, *exc):
        c = self.cursor
        c.execute("SET maintenance_work_mem = '512MB'")
        for name, definition in self.constraints:
            c.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in self.indexes:
            c.execute(definition)
        c.execute("RESET maintenance_work_mem")


def bulk_chain(events, chain):
    """Load a chain of ``events`` more events straight into the tables (not through the importer), set-wise in
    SQL, with the shape of ``write_csv``'s cases (113 events per case of 20 packs, 1% of cases never received)
    and the codes' current state as the importer would leave it. For reconciliation at 10 million events."""
    _makers, wholesalers, pharmacies, products, batches = chain
    cases = -(-events // EVENTS_PER_CASE)
    p = {
        "cases": cases, "serial": BULK_SERIAL, "start": START.isoformat() + "+08:00",
        "pid": [x.pk for x in products], "prefix": [x.trace_prefix for x in products],
        "maker": [x.enterprise_id for x in products], "maker_j": [x.enterprise.jurisdiction_id for x in products],
        "batch": [b.pk for b in batches], "batch_no": [b.batch_number for b in batches],
        "expiry": [b.expires_on for b in batches],
        "w": [x.pk for x in wholesalers], "w_j": [x.jurisdiction_id for x in wholesalers],
        "ph": [x.pk for x in pharmacies], "ph_j": [x.jurisdiction_id for x in pharmacies],
    }
    # Per case c: product k (never the recall's, index 1), wholesaler w; pack i (1..20) goes to pharmacy f.
    case = """
        SELECT c, 2 + c %% (cardinality(%(pid)s::bigint[]) - 1) AS k, 1 + c %% cardinality(%(w)s::bigint[]) AS w,
               %(start)s::timestamptz + make_interval(mins => c %% 50000) AS t, c %% 100 <> 7 AS received,
               (SELECT max(id) FROM traceability_tracecode) + 1 + c * 21 AS cid
        FROM generate_series(0, %(cases)s - 1) c"""
    started = time.monotonic()
    with connection.cursor() as cursor:
        with _IndexesDropped(cursor, "traceability_tracecode"):
            cursor.execute(f"""
            INSERT INTO traceability_tracecode (id, code, code_type, product_id, batch_id, batch_number, expires_on,
                holder_id, status, parent_id, last_event_at, jurisdiction_id, created_at, updated_at)
            SELECT x.cid + i,
                   CASE WHEN i = 0 THEN '0016901234' || lpad(x.c::text, 10, '0')
                        ELSE (%(prefix)s::text[])[x.k] || lpad((%(serial)s + x.c * 20 + i - 1)::text, 13, '0') END,
                   CASE WHEN i = 0 THEN 'sscc' ELSE 'nmpa' END,
                   CASE WHEN i > 0 THEN (%(pid)s::bigint[])[x.k] END,
                   CASE WHEN i > 0 THEN (%(batch)s::bigint[])[x.k] END,
                   CASE WHEN i > 0 THEN (%(batch_no)s::text[])[x.k] ELSE '' END,
                   CASE WHEN i > 0 THEN (%(expiry)s::date[])[x.k] END,
                   CASE WHEN i > 0 THEN (%(ph)s::bigint[])[f] WHEN x.received THEN (%(w)s::bigint[])[x.w]
                        ELSE (%(maker)s::bigint[])[x.k] END,
                   CASE WHEN i > 0 AND i %% 2 = 1 THEN 'dispensed' WHEN i > 0 OR x.received THEN 'active'
                        ELSE 'in_transit' END,
                   NULL,
                   CASE WHEN i > 0 AND i %% 2 = 1 THEN x.t + make_interval(days => 3 + i)
                        WHEN i > 0 THEN x.t + interval '3 days' WHEN x.received THEN x.t + interval '1 day'
                        ELSE x.t + interval '2 hours' END,
                   CASE WHEN i > 0 THEN (%(ph_j)s::bigint[])[f] WHEN x.received THEN (%(w_j)s::bigint[])[x.w]
                        ELSE (%(maker_j)s::bigint[])[x.k] END,
                   now(), now()
            FROM ({case}) x CROSS JOIN generate_series(0, 20) i
            CROSS JOIN LATERAL (SELECT 1 + (x.c * 20 + i - 1) %% cardinality(%(ph)s::bigint[]) AS f) pf""", p)
            cursor.execute("SELECT setval(pg_get_serial_sequence('traceability_tracecode', 'id'), "
                           "(SELECT max(id) FROM traceability_tracecode))")
        codes_seconds = time.monotonic() - started
        # The case's id is found again by its code (the max id moved); events reference codes by id.
        case_ids = """
            SELECT x.c, x.k, x.w, x.t, x.received, t.id AS cid
            FROM (SELECT c, 2 + c %% (cardinality(%(pid)s::bigint[]) - 1) AS k,
                         1 + c %% cardinality(%(w)s::bigint[]) AS w,
                         %(start)s::timestamptz + make_interval(mins => c %% 50000) AS t, c %% 100 <> 7 AS received
                  FROM generate_series(0, %(cases)s - 1) c) x
            JOIN traceability_tracecode t ON t.code = '0016901234' || lpad(x.c::text, 10, '0')"""
        with _IndexesDropped(cursor, "traceability_traceevent"):
            cursor.execute(f"""
            INSERT INTO traceability_traceevent (code_id, kind, occurred_at, enterprise_id, counterparty_id,
                                                 parent_id, event_id, job_id, jurisdiction_id, created_at)
            SELECT e.code_id, e.kind, e.at, e.party, e.cp, e.parent, '', NULL::bigint, e.j, now()
            FROM ({case_ids}) x
            CROSS JOIN LATERAL (VALUES
                (x.cid, 1, x.t, (%(maker)s::bigint[])[x.k], NULL::bigint, NULL::bigint, (%(maker_j)s::bigint[])[x.k]),
                (x.cid, 4, x.t + interval '2 hours', (%(maker)s::bigint[])[x.k], (%(w)s::bigint[])[x.w], NULL,
                 (%(maker_j)s::bigint[])[x.k]),
                (CASE WHEN x.received THEN x.cid END, 5, x.t + interval '1 day', (%(w)s::bigint[])[x.w],
                 (%(maker)s::bigint[])[x.k], NULL, (%(w_j)s::bigint[])[x.w])
            ) e(code_id, kind, at, party, cp, parent, j)
            WHERE e.code_id IS NOT NULL
            UNION ALL
            SELECT ci.code_id, e.kind, e.at, e.party, e.cp, e.parent, '', NULL::bigint, e.j, now()
            FROM ({case_ids}) x
            CROSS JOIN generate_series(1, 20) i
            CROSS JOIN LATERAL (SELECT 1 + (x.c * 20 + i - 1) %% cardinality(%(ph)s::bigint[]) AS f) pf
            CROSS JOIN LATERAL (VALUES
                (1, x.t, (%(maker)s::bigint[])[x.k], NULL::bigint, NULL::bigint, (%(maker_j)s::bigint[])[x.k]),
                (2, x.t + interval '1 hour', (%(maker)s::bigint[])[x.k], NULL, x.cid, (%(maker_j)s::bigint[])[x.k]),
                (3, x.t + interval '26 hours', (%(w)s::bigint[])[x.w], NULL, x.cid, (%(w_j)s::bigint[])[x.w]),
                (4, x.t + interval '2 days', (%(w)s::bigint[])[x.w], (%(ph)s::bigint[])[pf.f], NULL,
                 (%(w_j)s::bigint[])[x.w]),
                (5, x.t + interval '3 days', (%(ph)s::bigint[])[pf.f], (%(w)s::bigint[])[x.w], NULL,
                 (%(ph_j)s::bigint[])[pf.f]),
                (CASE WHEN i %% 2 = 1 THEN 6 END, x.t + make_interval(days => 3 + i), (%(ph)s::bigint[])[pf.f],
                 NULL, NULL, (%(ph_j)s::bigint[])[pf.f])
            ) e(kind, at, party, cp, parent, j)
            CROSS JOIN LATERAL (SELECT x.cid + i AS code_id) ci
            WHERE e.kind IS NOT NULL""", p)
            loaded = cursor.rowcount
    print(f"bulk-loaded chain: {cases:,} cases, {cases * 21:,} codes ({codes_seconds:.0f} s) and {loaded:,} events "
          f"in {time.monotonic() - started:.0f} s (set-wise SQL, indexes built once)")
    return loaded


def child_import(path):
    """Run in a separate process: import one file, report time and peak RSS."""
    from django.conf import settings

    from traceability import ingest, services

    settings.DATABASES["default"]["NAME"] = BENCH_DATABASE
    connection.settings_dict["NAME"] = BENCH_DATABASE
    phases = {}

    def timed_statement(execute, sql, params, many, context):
        # The statement's first words name its phase (CREATE TEMP TABLE trace_resolved, INSERT INTO …).
        words = " ".join(sql.split()[:6])
        name = next((w for w in words.replace("(", " ").split() if w.startswith(("trace_", "traceability_"))),
                    words.split(" ")[0])
        started = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            phases[name] = phases.get(name, 0) + time.monotonic() - started

    started = time.monotonic()
    with ingest.open_text(path) as handle, connection.execute_wrapper(timed_statement):
        result = services.ingest_csv(handle)
    seconds = time.monotonic() - started
    phases["reading, checking and COPY to staging"] = seconds - sum(phases.values())
    print(json.dumps({"seconds": seconds, "received": result["received"], "rejected": result["rejected"],
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "phases": phases}))


def run_child(path):
    output = subprocess.run([sys.executable, __file__, "--child-import", str(path)], check=True,
                            capture_output=True, text=True, env={**os.environ, "LOG_LEVEL": "WARNING"}).stdout
    return json.loads(output.strip().splitlines()[-1])


def timed(sql, params=None):
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else None
    return time.monotonic() - started, rows


def main():
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"traceability benchmark on {os.cpu_count()} cores; BENCH_EVENTS={EVENTS:,} "
          f"BENCH_RECALL_CODES={RECALL_CODES:,} BENCH_API_EVENTS={API_EVENTS:,}")
    workdir = Path(tempfile.mkdtemp(prefix="bench_trace_"))
    try:
        chain = build_chain()
        connection.close()
        small, big = workdir / "small.csv", workdir / "events.csv"
        recall = min(RECALL_CODES, (EVENTS // EVENTS_PER_CASE) * CASE)
        n_big = write_csv(big, EVENTS, chain, recall_codes=recall)
        n_small = write_csv(small, max(EVENTS // 4, EVENTS_PER_CASE), chain, serial_offset=50_000_000)
        print(f"generated {n_big:,} events ({big.stat().st_size / 1e6:.1f} MB) and {n_small:,} for the memory check")

        # 1. File import (separate process: its peak memory is its own), then the same rows by raw COPY.
        small_run = run_child(small)
        big_run = run_child(big)
        rate = big_run["received"] / big_run["seconds"]
        print(f"file import:      {big_run['received']:,} events in {big_run['seconds']:.1f} s = {rate:,.0f} events/s "
              f"({big_run['rejected']} rejected)")
        slowest = sorted(big_run["phases"].items(), key=lambda item: -item[1])[:8]
        print("  phases (s):     " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in slowest))
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM traceability_traceevent")
            stored = cursor.fetchone()[0]
        dump = workdir / "events.copy"
        with connection.cursor() as cursor, open(dump, "w") as out:
            cursor.cursor.copy_expert("COPY traceability_traceevent TO STDOUT", out)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE traceability_traceevent")
        connection.commit() if not connection.get_autocommit() else None
        started = time.monotonic()
        with connection.cursor() as cursor, open(dump) as source:
            cursor.cursor.copy_expert("COPY traceability_traceevent FROM STDIN", source)
        copy_seconds = time.monotonic() - started
        copy_rate = stored / copy_seconds
        print(f"raw COPY:         {stored:,} rows into the same table (same indexes) in {copy_seconds:.1f} s = "
              f"{copy_rate:,.0f} rows/s; import / COPY = {rate / copy_rate:.2f}")
        print(f"importer peak RSS: {small_run['maxrss_mb']:.0f} MB for {small_run['received']:,} events, "
              f"{big_run['maxrss_mb']:.0f} MB for {big_run['received']:,} events")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE traceability_traceevent")
            cursor.execute("VACUUM ANALYZE traceability_tracecode")

        # 2. API bulk throughput: a manufacturer's system posts commissioning events, 1,000 per request.
        api_bench(chain)

        # 3. Reconciliation, all rules, then "shipped not received" alone next to a hand-written anti-join.
        from regulator.models import Jurisdiction
        from traceability import services

        root = Jurisdiction.objects.current().get(code="440000")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM traceability_traceevent")
            total = cursor.fetchone()[0]
        if total < RECONCILE_EVENTS:
            bulk_chain(RECONCILE_EVENTS - total, chain)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE traceability_traceevent")
                cursor.execute("VACUUM ANALYZE traceability_tracecode")
                cursor.execute("SELECT count(*) FROM traceability_traceevent")
                total = cursor.fetchone()[0]
        run = services.reconcile(root)
        print(f"reconciliation:   all {len(services.RULES_SQL)} rules over {total:,} events in {run.seconds:.2f} s; "
              f"found {json.dumps(run.found)}")
        print("  per rule (s):   " + ", ".join(f"{rule} {seconds:.2f}" for rule, seconds in run.timings.items()))
        rerun = services.reconcile(root)
        print(f"  rerun:          {rerun.seconds:.2f} s, new {sum(rerun.found.values())}; per rule (s): "
              + ", ".join(f"{rule} {seconds:.2f}" for rule, seconds in rerun.timings.items()))
        # The rule as reconcile() runs it (its INSERT … SELECT, in its own transaction, nothing new to store:
        # the rerun above) and its bare SELECT, next to the anti-join a DBA would write for the same question.
        snr = services.RULES_SQL["shipped_not_received"]
        cutoff = datetime.now().astimezone() - timedelta(hours=services.shipment_receipt_hours())
        ids = sorted(Jurisdiction.objects.subtree_ids(root))
        hand, rows = timed("""
            SELECT count(*) FROM traceability_traceevent s
            WHERE s.kind = 4 AND s.occurred_at < %s
              AND NOT EXISTS (SELECT 1 FROM traceability_traceevent r
                              WHERE r.code_id = s.code_id AND r.kind = 5 AND r.enterprise_id = s.counterparty_id
                                AND r.occurred_at >= s.occurred_at)""", [cutoff])
        ours, ours_rows = timed(f"SELECT count(*) FROM ({snr}) f", {"j": ids, "cutoff": cutoff})
        in_run = rerun.timings["shipped_not_received"]
        print(f"  shipped-not-received over {total:,} events: hand-written anti-join {hand:.2f} s "
              f"({rows[0][0]:,} rows); "
              f"the rule's SELECT {ours:.2f} s ({ours_rows[0][0]:,} rows), ratio {ours / hand:.2f}; "
              f"the rule inside reconcile() {in_run:.2f} s, ratio {in_run / hand:.2f}")

        # 4. Recall trace of the big batch.
        from regulator.models import Batch

        batch = Batch.objects.get(pk=chain[4][0].pk)
        started = time.monotonic()
        holders = services.forward_trace(batch)
        trace_seconds = time.monotonic() - started
        codes = sum(h["held"] + h["dispensed"] for h in holders)
        print(f"recall trace:     batch of {codes:,} codes -> {len(holders)} holders in {trace_seconds * 1000:.0f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()


def api_bench(chain):
    from rest_framework.test import APIClient

    from regulator import services as kernel
    from regulator.choices import ApiScope

    product = chain[3][1]  # a manufacturer's system commissions new packs
    _client, token = kernel.create_api_client(name="bench", enterprise=product.enterprise,
                                              scopes=[ApiScope.READ, ApiScope.WRITE])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    prefix = product.trace_prefix
    per_request = 1000
    sent = 0
    started = time.monotonic()
    for r in range(max(1, API_EVENTS // per_request)):
        batch_number = chain[4][1].batch_number
        body = [{"code": f"{prefix}{90_000_000 + r * per_request + i:013d}", "kind": "commissioning",
                 "batch": batch_number, "time": (START + timedelta(days=10, seconds=i)).isoformat() + "+08:00"}
                for i in range(per_request)]
        response = client.post("/api/v1/trace-events/", body, format="json")
        assert response.status_code == 200, response.content[:300]
        sent += response.json()["accepted"]
    seconds = time.monotonic() - started
    print(f"API bulk:         {sent:,} events in {seconds:.1f} s = {sent / seconds:,.0f} events/s "
          f"({per_request} per request)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-import":
        child_import(sys.argv[2])
    else:
        main()
