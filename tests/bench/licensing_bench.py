"""Benchmark (not a test): the public licence register over 100,000 licences.

Creates its own database (``bench_licensing``) on the embedded or configured PostgreSQL, migrates it, loads
100,000 licences, then times the public register search and the verification page through Django's test
client (the whole request: URL routing, query, template). Prints the median and 95th percentile; it never
fails on time. Run with ``make bench-licensing``.
"""

import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regulator.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ["TEST_DATABASE_NAME"] = "bench_licensing"
os.environ["DJANGO_DEBUG"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")  # the register logs each named RLS bypass at INFO

from regulator import embedded

if embedded.wanted():
    embedded.ensure_services()

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

LICENCES = int(os.environ.get("BENCH_LICENCES", "100000"))
ENTERPRISES = 2000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
PLACES = ["湘桥", "潮安", "饶平", "枫溪", "庵埠", "彩塘", "浮洋", "黄冈", "钱东", "意溪"]
WORDS = ["康宁", "仁和", "百姓", "同德", "益寿", "华康", "安康", "永安", "济生", "福寿", "天和", "健民"]
KINDS = ["大药房", "药店", "医药有限公司", "医疗器械经营部", "药业连锁门店"]


def holder(n: int) -> str:
    return f"潮州市{PLACES[n % 10]}{WORDS[(n // 10) % 12]}{KINDS[(n // 120) % 5]}第{n}分店"


def load():
    from licensing.models import Licence, LicenceType
    from regulator.geography import ensure_geography
    from regulator.models import Enterprise
    from regulator.validators import with_check_character

    j = ensure_geography()
    counties = [j["445102"], j["445103"], j["445122"]]
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(jurisdiction=counties[n % 3], credit_code=with_check_character(f"91{counties[n % 3].code}MB{n:07d}"),
                   name=holder(n), enterprise_type="pharmacy", address=f"潮州市测试路{n}号")
        for n in range(ENTERPRISES)], batch_size=2000)
    retail = LicenceType.objects.get(code="drug_retail_single")
    agency = j["445102"].agency
    today = date.today()
    batch = []
    for n in range(LICENCES):
        enterprise = enterprises[n % ENTERPRISES]
        issued = today - timedelta(days=n % 1800)
        batch.append(Licence(
            number=f"粤DA{enterprise.jurisdiction.code[2:]}{n:06d}", public_id=uuid.UUID(int=n + 1),
            licence_type=retail, enterprise=enterprise, jurisdiction_id=enterprise.jurisdiction_id,
            holder_name=holder(n), credit_code=with_check_character(f"91445102MC{n:07d}"),
            address=f"潮州市{PLACES[n % 10]}测试路{n}号", business_scope="化学药制剂、中成药", issued_on=issued,
            valid_from=issued, valid_until=issued + timedelta(days=1825), issuing_agency=agency))
        if len(batch) == 10000:
            Licence.objects.bulk_create(batch)
            batch = []
    Licence.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE licensing_licence")  # what autovacuum does on a live table


def timed(client, paths) -> list[float]:
    samples = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def report(label, samples):
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<44} n={len(samples):>4}  median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms")


def main():
    from licensing.models import Licence

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        started = time.perf_counter()
        load()
        print(f"loaded {Licence.objects.count():,} licences in {time.perf_counter() - started:.1f} s")
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        step = LICENCES // ROUNDS
        picks = [n * step + 7 for n in range(ROUNDS)]
        rows = {row.pk: row for row in Licence.objects.filter(public_id__in=[uuid.UUID(int=n + 1) for n in picks])}
        licences = list(rows.values())
        timed(client, ["/register/?q=康宁"] * 5)  # warm-up
        report("register search by holder name (contains)",
               timed(client, [f"/register/?q={WORDS[n % 12]}{KINDS[n % 5]}第{n * step + 7}" for n in range(ROUNDS)]))
        report("register search by credit code", timed(client, [f"/register/?q={x.credit_code}" for x in licences]))
        report("register search by licence number", timed(client, [f"/register/?q={x.number}" for x in licences]))
        report("verification page", timed(client, [f"/register/{x.public_id}/" for x in licences]))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
