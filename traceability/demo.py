"""Demo supply chain: manufacturer → wholesaler → pharmacies with cases (SSCC), vaccines to a disease-control
centre, deliberate anomalies for the nightly run, a recall in progress and a proposed one.

Deterministic and idempotent: every event has a fixed event id (``demo-…``), so a second run stores nothing;
the recall and the first reconciliation are created only when missing.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from regulator.choices import EnterpriseType, ProductKind
from regulator.models import Batch, Enterprise, Jurisdiction, Product, User
from traceability import codes as codelib
from traceability import services
from traceability.models import Discrepancy, Recall


def _at(today: date, days_ago: int, hour: int = 9) -> str:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour))).isoformat()


def _sscc(n: int) -> str:
    return codelib.with_check_digit(f"06901234{n:09d}")


def demo_records(today: date, *, maker, wholesaler, pharmacies, drug, drug_batch, cdc, hospital, vaccine,
                 vaccine_batch) -> list[dict]:
    records = []

    def add(eid, code, kind, days_ago, party, **extra):
        records.append({"event_id": f"demo-{eid}", "code": code, "kind": kind,
                        "time": _at(today, days_ago, 9 + len(records) % 8),
                        "party": party.credit_code, **{k: v.credit_code if isinstance(v, Enterprise) else v
                                                       for k, v in extra.items()}})

    packs = [f"{drug.trace_prefix}{n:013d}" for n in range(1, 41)]
    cases = [_sscc(1), _sscc(2)]
    lot = {"batch": drug_batch.batch_number}
    for i, code in enumerate(packs):
        add(f"c{i}", code, "commissioning", 30, maker, **lot)
    for i, case in enumerate(cases):
        add(f"cs{i}", case, "commissioning", 30, maker)
        for j, code in enumerate(packs[i * 20:(i + 1) * 20]):
            add(f"p{i}-{j}", code, "packing", 29, maker, parent=case)
    # Case 1 goes to the wholesaler and on to three pharmacies; case 2 is shipped and never received.
    add("s0", cases[0], "shipping", 20, maker, counterparty=wholesaler)
    add("r0", cases[0], "receiving", 19, wholesaler, counterparty=maker)
    add("s1", cases[1], "shipping", 6, maker, counterparty=wholesaler)
    for j, code in enumerate(packs[:20]):
        add(f"u{j}", code, "unpacking", 18, wholesaler, parent=cases[0])
    for j, code in enumerate(packs[:15]):
        pharmacy = pharmacies[j % 3]
        add(f"ps{j}", code, "shipping", 15, wholesaler, counterparty=pharmacy)
        add(f"pr{j}", code, "receiving", 14, pharmacy, counterparty=wholesaler)
    for j, code in enumerate(packs[:9]):
        add(f"d{j}", code, "dispensing", 10 - j % 5, pharmacies[j % 3])
    # Anomalies.
    add("x-twice", packs[0], "dispensing", 3, pharmacies[1])                      # dispensed twice, not held
    add("x-rws", packs[16], "receiving", 12, pharmacies[2], counterparty=wholesaler)  # no matching shipment
    add("x-ct", packs[19], "commissioning", 25, maker, **lot)                     # commissioned twice
    add("x-after", packs[3], "return", 2, pharmacies[0])                          # after dispensing
    expired = f"{drug.trace_prefix}{99:013d}"
    add("x-exp-c", expired, "commissioning", 400, maker, batch=drug_batch.batch_number,
        expiry=(today - timedelta(days=30)).isoformat())
    add("x-exp-s", expired, "shipping", 300, maker, counterparty=pharmacies[0])
    add("x-exp-r", expired, "receiving", 299, pharmacies[0], counterparty=maker)
    add("x-exp-d", expired, "dispensing", 5, pharmacies[0])                     # dispensed after expiry
    # Vaccines: commissioned, shipped to the disease-control centre, administered; two doses lost on the way
    # to a hospital.
    doses = [f"{vaccine.trace_prefix}{n:013d}" for n in range(1, 13)]
    vlot = {"batch": vaccine_batch.batch_number}
    for i, code in enumerate(doses):
        add(f"vc{i}", code, "commissioning", 40, vaccine.enterprise, **vlot)
        add(f"vs{i}", code, "shipping", 35, vaccine.enterprise, counterparty=cdc)
        add(f"vr{i}", code, "receiving", 34, cdc, counterparty=vaccine.enterprise)
    for i, code in enumerate(doses[:8]):
        add(f"vv{i}", code, "vaccination", 20 - i, cdc)
    for i, code in enumerate(doses[8:10]):
        add(f"vh{i}", code, "shipping", 8, cdc, counterparty=hospital)
    return records


def seed_traceability(*, today: date) -> Counter:
    created = Counter()
    drug = Product.objects.filter(kind=ProductKind.DRUG, trace_prefix__isnull=False).order_by("trace_prefix").first()
    vaccine = Product.objects.filter(kind=ProductKind.VACCINE, trace_prefix__isnull=False).order_by(
        "trace_prefix").select_related("enterprise").first()
    if drug is None or vaccine is None:
        return created
    drug_batch = Batch.objects.filter(product=drug, expires_on__gt=today).order_by("batch_number").first()
    vaccine_batch = Batch.objects.filter(product=vaccine).order_by("batch_number").first()
    users = {u.username: u for u in User.objects.filter(username__in=[
        "wholesaler.xiangqiao", "pharmacy.xiangqiao", "pharmacy.chaoan", "pharmacy.raoping", "chaozhou.approver"])
        .select_related("enterprise", "agency")}
    if drug_batch is None or vaccine_batch is None or len(users) < 5:
        return created
    cdc = Enterprise.objects.filter(enterprise_type=EnterpriseType.VACCINE_DISTRIBUTOR).order_by("credit_code").first()
    hospital = Enterprise.objects.filter(enterprise_type=EnterpriseType.HOSPITAL).order_by("credit_code").first()
    records = demo_records(
        today, maker=drug.enterprise, wholesaler=users["wholesaler.xiangqiao"].enterprise,
        pharmacies=[users[f"pharmacy.{c}"].enterprise for c in ("xiangqiao", "chaoan", "raoping")], drug=drug,
        drug_batch=drug_batch, cdc=cdc, hospital=hospital, vaccine=vaccine, vaccine_batch=vaccine_batch)
    result = services.ingest(enumerate(records))
    created["trace events"] += result["stored"]
    if not Discrepancy.objects.exists():
        root = Jurisdiction.objects.current().get(code="440000")
        run = services.reconcile(root)
        created["discrepancies"] += sum(run.found.values())
    if not Recall.objects.filter(batch=drug_batch).exists():
        approver = users["chaozhou.approver"]
        recall = services.propose_recall(drug_batch, actor=approver,
                                         reason="抽检不合格：含量测定不符合规定（演示数据）")
        recall = services.start_recall(recall, actor=approver)
        created["recalls"] += 1
        back = [{"event_id": f"demo-recall-{j}", "code": f"{drug.trace_prefix}{n:013d}", "kind": "return",
                 "time": (recall.started_at + timedelta(seconds=1 + j)).isoformat(),
                 "party": users["pharmacy.chaoan"].enterprise.credit_code}
                for j, n in enumerate((13, 10))]
        created["trace events"] += services.ingest(enumerate(back))["stored"]
        services.refresh_recall(recall)
    if not Recall.objects.filter(batch=vaccine_batch).exists():
        # A proposal waiting for the city bureau's decision, as a failed sample leaves one.
        services.propose_recall(vaccine_batch, actor=users["chaozhou.approver"],
                                reason="抽检不合格：效价测定不符合规定，待决定是否召回（演示数据）")
        created["recalls"] += 1
    return created
