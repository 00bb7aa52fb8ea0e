"""Benchmark (not a test): public filings per second through the real form view, and the status page's
latency with 1,000,000 complaints stored.

Creates its own database (``bench_complaints``) on the embedded or configured PostgreSQL and its own Redis
database, migrates, loads ``BENCH_COMPLAINTS`` (default 1,000,000) complaints with ``COPY`` (the audit triggers
are switched off while loading: the history of generated rows is not what is measured), then:

- files for ``BENCH_SECONDS`` (default 20) through ``/complaints/file/`` with Django's test client — GET the form
  (a new challenge), POST it with an attachment-free anonymous report — from ``BENCH_WORKERS`` threads (default 4),
  with the per-address rate limit raised for the load test but still counted on every request;
- opens the status page of ``BENCH_ROUNDS`` (default 300) stored complaints: the lookup POST (tracking number and
  secret code) and the status page GET, median and 95th percentile.

It prints figures and never fails on time. Run with ``make bench-complaints``.
"""

import io
import os
import re
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regulator.settings")
os.environ["TEST_DATABASE_NAME"] = "bench_complaints"
os.environ.setdefault("TEST_REDIS_DB", "5")
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # every public page logs its named RLS bypass at INFO

import django

import regulator.testing.pytest_plugin  # noqa: F401  (embedded services, own Redis db, cache prefix, queue)

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

COMPLAINTS = int(os.environ.get("BENCH_COMPLAINTS", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
CODE = "BNCH-CODE-0001"
COLUMNS = ["jurisdiction_id", "created_at", "updated_at", "tracking_number", "secret_hash", "kind", "status",
           "received_at", "received_on", "handling_agency_id", "enterprise_id", "enterprise_description", "place",
           "product_name", "approval_number", "batch_number", "trace_code", "subject", "description", "anonymous",
           "outcome", "not_accepted_ground", "no_case_reason", "reply", "satisfaction_comment", "attention", "extended",
           "jurisdiction_disputed", "due_on"]


def load():
    from complaints.services import hash_secret
    from regulator.geography import ensure_geography
    from regulator.models import Enterprise
    from regulator.validators import with_check_character

    j = ensure_geography()
    counties = [j["445102"], j["445103"], j["445122"]]
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(jurisdiction=counties[n % 3], credit_code=with_check_character(f"91{counties[n % 3].code}MD{n:07d}"),
                   name=f"潮州测试大药房第{n}分店", enterprise_type="pharmacy", address=f"潮州市测试路{n}号")
        for n in range(3000)], batch_size=3000)
    agencies = {c.pk: c.agency.pk for c in counties}
    secret = hash_secret(CODE)
    today = date.today()
    kinds = ["complaint", "report", "enquiry"]
    statuses = {"complaint": ["received", "accepted", "mediation", "closed"], "report": ["received", "verifying",
                                                                                        "closed"],
                "enquiry": ["received", "closed"]}
    outcomes = {"complaint": "mediated", "report": "referred", "enquiry": "answered"}
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE complaints_complaint DISABLE TRIGGER USER")
        chunk = 100_000
        for start in range(0, COMPLAINTS, chunk):
            buffer = io.StringIO()
            for n in range(start, min(start + chunk, COMPLAINTS)):
                enterprise = enterprises[n % len(enterprises)]
                kind = kinds[n % 3]
                status = statuses[kind][n % len(statuses[kind])]
                received = today - timedelta(days=n % 1000)
                buffer.write("\t".join(str(v) for v in [
                    enterprise.jurisdiction_id, "2026-01-01 00:00:00+00", "2026-01-01 00:00:00+00", f"BN{n:012d}",
                    secret, kind, status, f"{received} 02:00:00+00", received, agencies[enterprise.jurisdiction_id],
                    enterprise.pk, "", "", "阿莫西林胶囊", "", "", "", f"测试投诉{n}", "药品过期，要求退货被拒绝。" * 3,
                    "f", outcomes[kind] if status == "closed" else "", "", "",
                    "已处理" if status == "closed" else "", "", "", "f", "f",
                    "\\N" if status == "closed" else received + timedelta(days=10)]) + "\n")
            buffer.seek(0)
            cursor.copy_expert(f"COPY complaints_complaint ({', '.join(COLUMNS)}) FROM STDIN", buffer)
        cursor.execute("ALTER TABLE complaints_complaint ENABLE TRIGGER USER")
        cursor.execute("ANALYZE complaints_complaint")


def form_data(client, n):
    from complaints import abuse

    page = client.get("/complaints/file/")
    # Read from the HTML: the test client's captured context is shared between threads.
    token = re.search(r'name="challenge_token" value="([^"]+)"', page.content.decode()).group(1)
    return {"kind": "report", "enterprise": "", "enterprise_query": "", "enterprise_description": "无证药摊",
            "place": f"潮州市测试路{n}号", "county": "445102", "product_name": "", "approval_number": "",
            "batch_number": "", "trace_code": "", "subject": f"压测举报{n}",
            "description": "在市场门口有人无证销售处方药阿莫西林胶囊，时间是每天上午九点至十一点。", "occurred_on": "",
            "name": "", "phone": "", "email": "", "challenge_token": token, "challenge_answer": str(abuse.solve(token)),
            "website": ""}


def filing_load() -> tuple[int, int, float, list[float]]:
    stop_at = time.perf_counter() + SECONDS
    done, refused, posts = [0], [0], []
    lock = threading.Lock()

    def worker(index):
        client = Client(REMOTE_ADDR=f"10.20.0.{index + 1}")
        n = 0
        while time.perf_counter() < stop_at:
            data = form_data(client, index * 1_000_000 + n)
            started = time.perf_counter()
            response = client.post("/complaints/file/", data)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                posts.append(elapsed)
                if response.status_code == 302:
                    done[0] += 1
                else:
                    refused[0] += 1
            n += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0], refused[0], time.perf_counter() - started, posts


def report(label, samples):
    samples = sorted(samples)
    p95 = samples[max(int(len(samples) * 0.95) - 1, 0)]
    print(f"{label:<48} n={len(samples):>5}  median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


def status_latency():
    client = Client()
    step = max(COMPLAINTS // ROUNDS, 1)
    lookups, pages = [], []
    for i in range(ROUNDS):
        number = f"BN{(i * step + 7) % COMPLAINTS:012d}"
        started = time.perf_counter()
        response = client.post("/complaints/status/", {"tracking_number": number, "code": CODE})
        lookups.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 302, (number, response.status_code)
        started = time.perf_counter()
        response = client.get(f"/complaints/status/{number}/")
        pages.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (number, response.status_code)
    return lookups, pages


def main():
    from complaints.models import Complaint

    setup_test_environment()
    settings.COMPLAINTS_FILING_RATE = "100000000/hour"  # set for the load test; still counted per request
    settings.COMPLAINTS_LOOKUP_RATE = "100000000/hour"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        load()
        stored = Complaint.objects.count()
        print(f"loaded {stored:,} complaints in {time.perf_counter() - started:.1f} s")

        filed, refused, elapsed, posts = filing_load()
        print(f"filings through the form view: {filed / elapsed:.1f} per second sustained over {elapsed:.0f} s "
              f"({filed} filed, {refused} refused, {WORKERS} threads; each = GET form + POST)")
        report("filing POST (validation, challenge, service, commit)", posts)

        client = Client()
        client.post("/complaints/status/", {"tracking_number": "BN000000000001", "code": CODE})  # warm-up
        lookups, pages = status_latency()
        print(f"status page with {Complaint.objects.count():,} complaints stored:")
        report("  lookup POST (tracking number + secret code)", lookups)
        report("  status page GET", pages)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        try:
            from regulator.celery import app

            app.control.purge()  # the filings' event deliveries queued for a worker that never ran
        except Exception:  # the broker is optional for the figures
            pass


if __name__ == "__main__":
    main()
