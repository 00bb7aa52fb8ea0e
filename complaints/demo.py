"""Demo complaints and reports in every state across the three districts/counties, and two in city triage.

Deterministic and idempotent: each filing is keyed by its tracking number (``TSD445102-01`` …) and created
only if missing, through the services, so that the timeline, clocks and events are real. Dates are relative
to the day of the first run (like the kernel's demo deadlines). The secret code of each is
``DEMO-<tracking number>``, so that the status page can be tried: e.g. ``JBD445122-08`` / ``DEMO-JBD445122-08``.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from complaints import services
from complaints.choices import Kind, NoCaseReason, NotAcceptedGround, Outcome
from complaints.models import Complaint
from regulator.choices import EnterpriseType
from regulator.models import Enterprise, Jurisdiction, User

SLUGS = {"445100": "chaozhou", "445102": "xiangqiao", "445103": "chaoan", "445122": "raoping"}
PREFIX = {Kind.COMPLAINT: "TSD", Kind.REPORT: "JBD", Kind.ENQUIRY: "ZXD"}

# number, kind, days since receipt, where it ends up, filer named?
PLAN = [
    (1, Kind.COMPLAINT, 1, "received", True),
    (2, Kind.COMPLAINT, 5, "accepted", True),
    (3, Kind.COMPLAINT, 20, "mediation", True),
    (4, Kind.COMPLAINT, 60, "mediated", True),  # both parties notified since
    (5, Kind.COMPLAINT, 30, "not_accepted", True),
    (6, Kind.COMPLAINT, 14, "received", True),  # left alone: overdue, escalated
    (7, Kind.REPORT, 1, "received", False),
    (8, Kind.REPORT, 10, "verifying", False),
    (9, Kind.REPORT, 25, "extended", True),
    (10, Kind.REPORT, 40, "no_case_minor", True),  # no case: minor and corrected
    (11, Kind.REPORT, 35, "referred", False),  # a case opened
    (12, Kind.REPORT, 45, "no_case_unconfirmed", True),
    (13, Kind.ENQUIRY, 2, "received", False),
    (14, Kind.ENQUIRY, 9, "answered", True),
    (15, Kind.COMPLAINT, 40, "mediation_failed", True),  # the parties are still to be notified
]

TEXTS = {
    Kind.COMPLAINT: ("购买的药品已过有效期",
                     "在该店购买的感冒灵颗粒外包装显示已过有效期，要求退货被拒绝，店员称售出概不退换。"),
    Kind.REPORT: ("疑似销售处方药未凭处方",
                  "该药店多次在无处方的情况下向顾客销售阿莫西林等处方药，执业药师长期不在岗。"),
    Kind.ENQUIRY: ("网上购药是否合法", "请问在网络平台购买处方药需要提供什么材料？如何核实网店是否有资质？"),
}
NAMES = ["陈美玲", "林志强", "黄晓燕", "吴俊杰", "蔡丽娟", "郑伟"]


def _tracking(kind: str, county: str, n: int) -> str:
    return f"{PREFIX[kind]}{county}-{n:02d}"


def _received_at(today: date, days: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time(9, 30)))


def seed_complaints(*, today: date) -> Counter:
    created = Counter()
    existing = set(Complaint.objects.filter(tracking_number__contains="D44").values_list("tracking_number",
                                                                                          flat=True))
    for county in ("445102", "445103", "445122"):
        officer = User.objects.filter(username=f"{SLUGS[county]}.officer").first()
        head = User.objects.filter(username=f"{SLUGS[county]}.approver").first()
        enterprises = list(Enterprise.objects.filter(jurisdiction__code=county, enterprise_type=EnterpriseType.PHARMACY)
                           .order_by("credit_code")[:3])
        if officer is None or head is None or not enterprises:
            continue
        for n, kind, days, end, named in PLAN:
            number = _tracking(kind, county, n)
            if number in existing:
                continue
            enterprise = enterprises[n % len(enterprises)]
            complaint = _file(kind, number, days, today, named, n, enterprise=enterprise)
            _advance(complaint, end, officer=officer, head=head, today=today, days=days)
            created["complaints"] += 1
    created["complaints"] += _seed_triage(today, existing)
    services.flag_deadlines(today=today)
    return created


def _file(kind, number, days, today, named, n, **fields):
    subject, description = TEXTS[kind]
    name = NAMES[n % len(NAMES)] if named else ""
    complaint, _code = services.file_complaint(
        kind=kind, subject=subject, description=description, name=name, phone=f"1380000{n:04d}" if named else "",
        received_at=_received_at(today, days), tracking_number=number, code=f"DEMO-{number}",
        occurred_on=today - timedelta(days=days + 3), **fields)
    return complaint


def _advance(complaint, end, *, officer, head, today, days):
    on = min(today - timedelta(days=max(days - 2, 0)), today)
    if end == "received":
        return
    if complaint.kind == Kind.COMPLAINT:
        if end == "not_accepted":
            services.not_accept(complaint, actor=officer, ground=NotAcceptedGround.NOT_CONSUMER_DISPUTE, on=on,
                                reply="经审查，该事项不属于消费者权益争议，依法不予受理。")
            return
        services.accept(complaint, actor=officer, on=on)
        if end == "accepted":
            return
        services.start_mediation(complaint, actor=officer, on=on)
        services.message_filer(complaint, actor=officer, body="请提供购药小票或付款记录。", question=True)
        ended = min(on + timedelta(days=10), today)
        if end == "mediated":
            services.close(complaint, actor=officer, outcome=Outcome.MEDIATED, on=ended,
                           reply="经调解，商家同意全额退款并赔礼道歉，双方达成一致。")
            services.record_parties_notified(complaint, actor=officer, note="书面告知双方", on=ended)
            services.rate(complaint, score=5, comment="处理及时")
        elif end == "mediation_failed":
            services.close(complaint, actor=officer, outcome=Outcome.MEDIATION_FAILED, on=today,
                           reply="经调解，双方未能达成一致，本局终止调解。您可以依法申请仲裁或提起诉讼。")
        return
    if complaint.kind == Kind.ENQUIRY:
        services.close(complaint, actor=officer, outcome=Outcome.ANSWERED, on=on,
                       reply="网络销售处方药须经执业药师审核处方，可在国家药监局网站查询网店备案信息。")
        return
    services.start_verification(complaint, actor=officer, on=on)
    if end == "verifying":
        services.add_note(complaint, actor=officer, body="已安排下周现场检查。")
        return
    if end == "extended":
        services.extend_verification(complaint, actor=head, reason="需等待抽检结果")
        return
    reason = {"referred": "", "no_case_minor": NoCaseReason.NO_PENALTY,
              "no_case_unconfirmed": NoCaseReason.UNSUBSTANTIATED}[end]
    reply = {"referred": "经核查，举报情况属实，本局已依法立案调查。感谢您的监督。",
             "no_case_minor": "经核查，举报情况属实，但违法行为轻微并已及时改正，未造成危害后果，决定不予立案。",
             "no_case_unconfirmed": "经核查，未发现举报所述违法行为，决定不予立案。感谢您的监督。"}[end]
    services.decide_case(complaint, actor=officer, open_case=not reason, reason=reason, reply=reply,
                         on=min(on + timedelta(days=12), today))


def _seed_triage(today: date, existing: set) -> int:
    """Two reports whose enterprise is unknown: one waiting for the city's triage, one sent on to Raoping."""
    city_officer = User.objects.filter(username="chaozhou.officer").first()
    raoping = Jurisdiction.objects.current().filter(code="445122").select_related("agency").first()
    if city_officer is None or raoping is None:
        return 0
    created = 0
    for n, days, place in [(1, 2, "潮州市区流动摊点"), (2, 6, "饶平县黄冈镇农贸市场")]:
        number = _tracking(Kind.REPORT, "445100", n)
        if number in existing:
            continue
        complaint = _file(Kind.REPORT, number, days, today, False, n, enterprise_description="无证流动药摊",
                          place=place, county=raoping if n == 2 else None)
        if n == 2:
            services.transfer(complaint, actor=city_officer, to_agency=raoping.agency, reason="发生地在饶平县")
        created += 1
    return created
