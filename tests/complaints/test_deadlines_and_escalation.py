"""Notifying both parties after a mediation, and the nightly escalation e-mail to the heads of unit."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from complaints import selectors, services
from complaints.choices import Attention, Outcome, Status
from complaints.models import Complaint, Escalation
from regulator.choices import DeadlineStatus, Role
from regulator.models import Deadline, Event, StatutoryRule
from tests import factories
from tests.complaints.conftest import at

IDENTITY = ("张三", "13800000000", "zhang@example.com", "440102199001011234", "潮州市某街道1号")


def clock(complaint, code):
    return Deadline.objects.filter(subject_type__model="complaint", subject_id=str(complaint.pk),
                                   rule__code=code).select_related("rule").get()


def mediating(file, world, *, received=None, started=date(2026, 9, 30)):
    received = received or at(2026, 9, 28)
    complaint, _code = file(received=received, id_number=IDENTITY[3], address=IDENTITY[4])
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer, on=received.date())
    return services.start_mediation(complaint, actor=officer, on=started)


# --- Notify both parties --------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", [Outcome.MEDIATED, Outcome.MEDIATION_FAILED])
def test_ending_a_mediation_starts_the_7_working_day_clock_to_notify_both_parties(world, file, outcome):
    complaint = mediating(file, world)

    complaint = services.close(complaint, actor=world.users["xq_officer"], outcome=outcome, reply="调解结束",
                               on=date(2026, 9, 30))

    notify = clock(complaint, "complaint.notify_parties")
    assert (notify.rule.amount, notify.rule.unit) == (7, "working_days")
    # National Day (1-7 October) is not counted; Saturday 10 October is a make-up workday.
    assert (notify.started_on, notify.due_on, notify.status) == (date(2026, 9, 30), date(2026, 10, 15),
                                                                 DeadlineStatus.RUNNING)
    assert complaint.status == Status.CLOSED and complaint.due_on == date(2026, 10, 15)


def test_a_mediation_ended_by_the_nightly_task_starts_the_clock_on_its_last_day(world, file):
    complaint = mediating(file, world)
    due = clock(complaint, "complaint.mediation").due_on

    services.flag_deadlines(today=date(2026, 12, 31))

    notify = clock(complaint, "complaint.notify_parties")
    assert notify.started_on == due and notify.status == DeadlineStatus.RUNNING


def test_recording_the_notification_meets_the_clock_and_leaves_the_queue(world, file):
    complaint = mediating(file, world)
    officer = world.users["xq_officer"]
    services.close(complaint, actor=officer, outcome=Outcome.MEDIATED, reply="达成协议", on=date(2026, 10, 9))
    assert complaint.pk in [c.pk for c in selectors.queue_for(officer)]

    complaint = services.record_parties_notified(complaint, actor=officer, note="书面告知", on=date(2026, 10, 12))

    assert clock(complaint, "complaint.notify_parties").status == DeadlineStatus.MET
    assert complaint.parties_notified_on == date(2026, 10, 12) and complaint.due_on is None
    assert complaint.pk not in [c.pk for c in selectors.queue_for(officer)]
    assert Event.objects.filter(kind="complaint.parties_notified").count() == 1


def test_notifying_late_misses_the_clock_and_twice_is_refused(world, file):
    complaint = mediating(file, world)
    officer = world.users["xq_officer"]
    services.close(complaint, actor=officer, outcome=Outcome.MEDIATED, reply="达成协议", on=date(2026, 9, 30))

    services.record_parties_notified(complaint, actor=officer, on=date(2026, 10, 16))
    with pytest.raises(ValidationError):
        services.record_parties_notified(complaint, actor=officer)

    assert clock(complaint, "complaint.notify_parties").status == DeadlineStatus.MISSED


def test_there_is_nothing_to_notify_before_a_mediation_ends_nor_after_a_refusal(world, file):
    complaint = mediating(file, world)
    refused, _code = file()
    officer = world.users["xq_officer"]
    services.not_accept(refused, actor=officer, ground="not_consumer_dispute", reply="不属于消费纠纷")

    for case in (complaint, refused):
        with pytest.raises(ValidationError):
            services.record_parties_notified(case, actor=officer)
    assert not Deadline.objects.filter(rule__code="complaint.notify_parties").exists()


def test_the_notification_period_is_read_from_the_rule_table(world, file):
    StatutoryRule.objects.filter(code="complaint.notify_parties").update(effective_to=date(2026, 9, 27))
    StatutoryRule.objects.create(code="complaint.notify_parties", title="Notify both parties", amount=10,
                                 unit="working_days", effective_from=date(2026, 9, 28), source="test")
    old = mediating(file, world, received=at(2026, 9, 25))
    new = mediating(file, world)

    for complaint in (old, new):
        services.close(complaint, actor=world.users["xq_officer"], outcome=Outcome.MEDIATED, reply="达成协议",
                       on=date(2026, 10, 9))

    assert clock(old, "complaint.notify_parties").due_on == date(2026, 10, 19)  # 7 working days
    assert clock(new, "complaint.notify_parties").due_on == date(2026, 10, 22)  # 10 working days


def test_the_nightly_task_flags_and_escalates_a_pending_notification(world, heads, file):
    complaint = mediating(file, world)
    services.close(complaint, actor=world.users["xq_officer"], outcome=Outcome.MEDIATED, reply="达成协议",
                   on=date(2026, 9, 30))

    counts = services.flag_deadlines(today=date(2026, 10, 16))

    complaint.refresh_from_db()
    assert complaint.attention == Attention.OVERDUE and counts["overdue"] == 1
    event = Event.objects.filter(kind="complaint.escalated").get()
    assert event.payload["rule"] == "complaint.notify_parties" and event.payload["due_on"] == "2026-10-15"


# --- Escalation e-mail ------------------------------------------------------------------------------

@pytest.fixture
def addressed(world, heads):
    """E-mail addresses for everyone who could wrongly receive the escalation, and a retired head of unit."""
    for user in (heads["xq_head"], heads["city_head"], heads["xq_officer2"], world.users["xq_officer"],
                 world.users["rp_officer"]):
        user.email = f"{user.username}@amr.example.cn"
        user.save(update_fields=["email"])
    retired = factories.staff(world.agencies["445102"], "xq.retired", Role.APPROVER)
    retired.email, retired.is_active = "xq.retired@amr.example.cn", False
    retired.save(update_fields=["email", "is_active"])
    second = factories.staff(world.agencies["445102"], "xq.deputy", Role.APPROVER, Role.OFFICER)
    second.email = "xq.deputy@amr.example.cn"
    second.save(update_fields=["email"])
    return heads


def _mails_of(complaint):
    return [m for m in mail.outbox if complaint.tracking_number in m.subject]


def test_an_escalation_mails_the_heads_of_the_handling_unit_once(world, addressed, file,
                                                                 django_capture_on_commit_callbacks):
    report, _code = file("report", received=at(2026, 9, 28), id_number=IDENTITY[3], address=IDENTITY[4])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 10, 21))  # verification due 23 October: 2 working days left
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 10, 21))
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 10, 22))

    sent = _mails_of(report)
    assert len(sent) == 1
    assert sorted(sent[0].to) == ["xq.deputy@amr.example.cn", "xq.head@amr.example.cn"]
    assert not sent[0].cc and not sent[0].bcc
    text = sent[0].subject + sent[0].body
    assert report.tracking_number in text and "2026-10-23" in text
    assert "举报" in text or "Report" in text
    assert Escalation.objects.filter(complaint=report).count() == 1


def test_overdue_is_a_second_level_with_its_own_mail(world, addressed, file, django_capture_on_commit_callbacks):
    report, _code = file("report", received=at(2026, 9, 28))
    mail.outbox.clear()

    for today in (date(2026, 10, 21), date(2026, 10, 26), date(2026, 10, 27)):
        with django_capture_on_commit_callbacks(execute=True):
            services.flag_deadlines(today=today)

    assert len(_mails_of(report)) == 2
    assert list(Escalation.objects.filter(complaint=report).order_by("created_at", "id")
                .values_list("level", flat=True)) == [Attention.DUE_SOON, Attention.OVERDUE]
    assert Event.objects.filter(kind="complaint.escalated", subject_id=str(report.pk)).count() == 2


def test_a_new_due_date_after_an_extension_may_escalate_again(world, addressed, file,
                                                              django_capture_on_commit_callbacks):
    report, _code = file("report", received=at(2026, 9, 28))
    services.start_verification(report, actor=world.users["xq_officer"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 10, 21))
    report = services.extend_verification(report, actor=addressed["xq_head"], reason="等待检验")
    assert report.attention == Attention.NONE

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 11, 11))  # extended to 13 November

    assert len(_mails_of(report)) == 2


def test_the_escalation_mail_never_carries_the_filers_identity_or_words(world, addressed, file,
                                                                         django_capture_on_commit_callbacks):
    complaint, _code = file(received=at(2026, 9, 28), id_number=IDENTITY[3], address=IDENTITY[4],
                            subject="张三投诉过期药", description="我叫张三，电话13800000000，药品过期。")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 10, 14))

    (sent,) = _mails_of(complaint)
    message = sent.message().as_string() + sent.subject + sent.body
    for secret in IDENTITY:
        assert secret not in message and secret not in sent.subject and secret not in sent.body
    assert "过期药" not in sent.body


def test_escalations_are_mailed_only_within_the_handling_bureau(world, addressed, file,
                                                                 django_capture_on_commit_callbacks):
    report, _code = file("report", enterprise=None, enterprise_description="无名药摊", place="潮州市区",
                         received=at(2026, 9, 28))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.flag_deadlines(today=date(2026, 10, 26))

    (sent,) = _mails_of(report)
    assert sent.to == ["city.head@amr.example.cn"]


def test_a_bureau_whose_heads_have_no_address_still_escalates(world, heads, file,
                                                               django_capture_on_commit_callbacks):
    complaint, _code = file(received=at(2026, 9, 28))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.flag_deadlines(today=date(2026, 10, 14))

    assert counts["escalated"] == 1 and _mails_of(complaint) == []
    assert Complaint.objects.get(pk=complaint.pk).attention == Attention.OVERDUE
