"""Demo data of the licensing app (registered with ``register_seeder`` in apps.py).

Deterministic and idempotent: every regulated enterprise of the demo city gets the licence its type
needs (numbered in credit-code order, issue dates spread over five years by a fixed rule), and the
featured Xiangqiao pharmacy and a Xiangqiao device distributor get one application in every state,
each keyed by its idempotency key, so that a second run creates nothing.
"""

import uuid
from collections import Counter
from datetime import date, timedelta

from django.db import transaction

from licensing import services
from licensing.choices import ApplicationStatus as S
from licensing.models import Application, Licence, LicenceType
from regulator.models import Enterprise, User

TYPE_OF = {
    "pharmacy": "drug_retail_single",
    "chain_store": "drug_retail_chain_store",
    "retail_chain_hq": "drug_chain_hq",
    "wholesaler": "drug_wholesale",
    "drug_manufacturer": "drug_production",
    "device_distributor": "device_business_class3",
    "cosmetics_manufacturer": "cosmetics_production",
}
SCOPES = {
    "drug_retail_single": "处方药、甲类非处方药、乙类非处方药：化学药制剂、中成药、抗生素制剂",
    "drug_retail_chain_store": "处方药、非处方药：化学药制剂、中成药",
    "drug_chain_hq": "药品零售连锁经营管理",
    "drug_wholesale": "化学药制剂、抗生素制剂、生化药品、中成药、生物制品",
    "drug_production": "片剂、硬胶囊剂、颗粒剂",
    "device_business_class3": "第三类医疗器械：6815注射穿刺器械、6866医用高分子材料及制品",
    "cosmetics_production": "一般液态单元、膏霜乳液单元",
}
DEVICE_CLIENT = "器械经营企业申报系统（演示）"
NAMESPACE = uuid.UUID("6f1c2d1e-5d0a-4a53-9b7e-0d5a3c2b1a00")


def _licences(today: date) -> int:
    types = {t.code: t for t in LicenceType.objects.all()}
    held = set(Licence.objects.values_list("enterprise_id", flat=True))
    created = 0
    for enterprise in (Enterprise.objects.filter(enterprise_type__in=TYPE_OF).exclude(pk__in=held)
                       .select_related("jurisdiction__parent__parent").order_by("credit_code")):
        code = TYPE_OF[enterprise.enterprise_type]
        spread = int(enterprise.credit_code[8:17], 36) % 1800  # a fixed day within five years
        issued_on = date(2021, 12, 1) + timedelta(days=spread)
        services.import_licence(enterprise=enterprise, licence_type=types[code], issued_on=issued_on,
                                business_scope=SCOPES[code],
                                public_id=uuid.uuid5(NAMESPACE, enterprise.credit_code))
        created += 1
    return created


def _user(username: str) -> User:
    return User.objects.select_related("agency__jurisdiction", "enterprise__jurisdiction").get(username=username)


def _device_user() -> User | None:
    """A Xiangqiao device distributor applies through its own system (an enterprise API client)."""
    from regulator import services as kernel
    from regulator.choices import ApiScope
    from regulator.models import ApiClient

    client = ApiClient.objects.filter(name=DEVICE_CLIENT).select_related("user").first()
    if client is not None:
        return _user(client.user.username)
    enterprise = (Enterprise.objects.filter(enterprise_type="device_distributor", jurisdiction__code="445102")
                  .order_by("credit_code").first())
    if enterprise is None:
        return None
    client, _token = kernel.create_api_client(enterprise=enterprise, name=DEVICE_CLIENT,
                                              scopes=[ApiScope.READ, ApiScope.WRITE])
    return _user(client.user.username)


def _application(key: str, applicant: User, type_code: str, target: str, on: date, staff: dict, **fields) -> bool:
    if Application.objects.filter(idempotency_key=key).exists():
        return False
    licence_type = LicenceType.objects.get(code=type_code)
    fields.setdefault("business_scope", SCOPES.get(type_code, "第二类医疗器械"))
    with transaction.atomic():
        application, _ = services.create_application(actor=applicant, licence_type=licence_type,
                                                     idempotency_key=key, **fields)
        _walk(application, applicant, target, on, staff)
    return True


def _walk(application, applicant, target, on, staff):
    if target == S.DRAFT:
        return
    services.submit(application, actor=applicant, on=on)
    application.refresh_from_db()
    if target in (S.SUBMITTED, S.FILED) or application.status == target:
        return
    if target == S.CORRECTION_REQUESTED:
        services.request_correction(application, actor=staff["officer"], note="请补充营业执照副本和质量负责人学历证明",
                                    on=on)
        return
    if target == S.NOT_ACCEPTED:
        services.not_accept(application, actor=staff["officer"], reason="申请事项不属于本机关职权范围", on=on)
        return
    services.accept(application, actor=staff["officer"], on=on)
    if target in (S.ACCEPTED, S.DEEMED_GRANTED):
        return
    services.start_review(application, actor=staff["reviewer"])
    if target == S.UNDER_REVIEW:
        return
    if application.licence_type.requires_inspection and application.kind == "new":
        services.request_inspection(application, actor=staff["reviewer"])
        if target == S.INSPECTION:
            return
        services.record_inspection(application, actor=staff["inspector"], inspected_on=on,
                                   inspectors=["检查员甲", "检查员乙"], result="passed")
    services.complete_review(application, actor=staff["reviewer"], opinion="材料齐全，现场检查符合要求，建议准予许可")
    if target == S.PENDING_DECISION:
        return
    if target == S.DENIED:
        services.deny(application, actor=staff["approver"], reasons="质量负责人资质不符合要求", on=on)
    else:
        services.approve(application, actor=staff["approver"], on=on)


def seed_licensing(*, today: date) -> Counter:
    created = Counter()
    created["licences"] += _licences(today)
    pharmacy = User.objects.filter(username="pharmacy.xiangqiao").first()
    if pharmacy is not None:
        staff = {role: _user(f"xiangqiao.{role}") for role in ("officer", "reviewer", "approver", "inspector")}
        on = today - timedelta(days=3)
        for target in (S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED, S.NOT_ACCEPTED, S.ACCEPTED, S.UNDER_REVIEW,
                       S.INSPECTION, S.PENDING_DECISION, S.DENIED, S.ISSUED):
            created["licence applications"] += _application(f"demo-{target}", pharmacy, "drug_retail_single",
                                                            target, on, staff)
        created["licence applications"] += _application("demo-commitment", pharmacy, "drug_retail_single", S.ISSUED,
                                                        on, staff, commitment=True)
        issued = Application.objects.filter(idempotency_key="demo-commitment").first()
        if issued is not None and issued.licence_id:
            created["licence applications"] += _application("demo-cancellation", pharmacy, "drug_retail_single",
                                                            S.APPROVED, on, staff, kind="cancellation",
                                                            licence=issued.licence)
        overdue_on = today - timedelta(days=40)
        created["licence applications"] += _application("demo-overdue", pharmacy, "drug_retail_single",
                                                        S.UNDER_REVIEW, overdue_on, staff)
    device = _device_user()
    if device is not None:
        city = {role: _user(f"chaozhou.{role}") for role in ("officer", "reviewer", "approver", "inspector")}
        created["licence applications"] += _application("demo-filed", device, "device_filing_class2", S.FILED,
                                                        today, city)
        created["licence applications"] += _deemed_granted(device, city, today)
    counts = services.flag_overdue_applications(today=today)
    created["licence applications deemed granted"] += counts["deemed_granted"]
    services.refresh_licence_statuses(today=today)
    return created


def _deemed_granted(device: User, staff: dict, today: date) -> int:
    """A device licence whose renewal, filed 60 days ago, was never decided: deemed granted tonight."""
    key = "demo-deemed_granted"
    if Application.objects.filter(idempotency_key=key).exists():
        return 0
    licence_type = LicenceType.objects.get(code="device_business_class3")
    with transaction.atomic():
        licence = services.import_licence(enterprise=device.enterprise, licence_type=licence_type,
                                          issued_on=services._add_months(today + timedelta(days=31), -60),
                                          business_scope=SCOPES["device_business_class3"],
                                          public_id=uuid.uuid5(NAMESPACE, key))
        application, _ = services.create_application(actor=device, licence_type=licence_type, kind="renewal",
                                                     licence=licence, idempotency_key=key)
        _walk(application, device, S.DEEMED_GRANTED, today - timedelta(days=60), staff)
    return 1
