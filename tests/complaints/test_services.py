"""Filing, routing, every transition and every statutory clock, on the real 2026 calendar."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from complaints import selectors, services
from complaints.choices import Attention, Kind, NoCaseReason, NotAcceptedGround, Outcome, Sender, Status
from complaints.models import Complaint, FilerIdentity, IdentityAccess, Message
from regulator.choices import DeadlineStatus
from regulator.models import Deadline, Event, TimelineEntry
from regulator.workflow import InvalidTransition
from tests.complaints.conftest import at


def clocks(complaint):
    return {(d.rule.code, d.status): d for d in Deadline.objects.filter(
        subject_type__model="complaint", subject_id=str(complaint.pk)).select_related("rule")}


def clock(complaint, code):
    return Deadline.objects.filter(subject_type__model="complaint", subject_id=str(complaint.pk),
                                   rule__code=code).select_related("rule").get()


# --- Filing and routing ----------------------------------------------------------------------------

def test_a_complaint_goes_to_the_bureau_of_the_enterprises_county(world, file):
    complaint, code = file(received=at(2026, 9, 28))

    assert complaint.handling_agency == world.agencies["445102"]
    assert complaint.jurisdiction.code == "445102"
    assert complaint.status == Status.RECEIVED
    assert services.locate(complaint.tracking_number, code) == complaint


def test_the_secret_code_is_stored_only_hashed_and_a_wrong_code_finds_nothing(world, file):
    complaint, code = file()

    assert code not in complaint.secret_hash and services.normalise_code(code) not in complaint.secret_hash
    assert services.locate(complaint.tracking_number, code.lower().replace("-", " ")) == complaint
    assert services.locate(complaint.tracking_number, "AAAA-BBBB-CCCC") is None
    assert services.locate("JB000000XXXXXX", code) is None


def test_an_unknown_enterprise_goes_to_the_city_bureau_for_triage(world, file):
    complaint, _code = file("report", enterprise=None, enterprise_description="无名药摊",
                            place="饶平县黄冈镇市场", county=world.j["445122"])

    assert complaint.handling_agency == world.agencies["445100"]
    assert complaint.jurisdiction.code == "445100"


def test_the_receipt_is_emailed_with_the_code(world, file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint, code = file()

    assert len(mail.outbox) == 1
    assert complaint.tracking_number in mail.outbox[0].body and code in mail.outbox[0].body
    assert mail.outbox[0].to == ["zhang@example.com"]


def test_a_complaint_needs_the_filers_name_and_contact(world, file):
    with pytest.raises(ValidationError) as refused:
        file(name="", phone="", email="")

    assert "name" in refused.value.message_dict
    assert not Complaint.objects.exists()


def test_an_anonymous_report_must_give_specific_facts(world, file):
    with pytest.raises(ValidationError) as refused:
        file("report", name="", phone="", email="", description="很差")
    complaint, _code = file("report", name="", phone="", email="")

    assert "description" in refused.value.message_dict
    assert complaint.anonymous


def test_a_report_without_enterprise_or_address_is_refused(world, file):
    with pytest.raises(ValidationError) as refused:
        file("report", enterprise=None)

    assert "enterprise_description" in refused.value.message_dict


def test_the_filed_event_does_not_name_the_enterprise(world, file):
    complaint, _code = file()

    event = Event.objects.get(kind="complaint.filed")
    assert event.enterprise is None
    assert event.subject_id == str(complaint.pk) and event.subject_type == "complaints.complaint"
    assert "张三" not in str(event.payload)


# --- Complaint workflow and its clocks -------------------------------------------------------------

def test_accepting_is_due_7_working_days_after_receipt_across_national_day(world, file):
    complaint, _code = file(received=at(2026, 9, 28))

    assert clock(complaint, "complaint.accept_decision").due_on == date(2026, 10, 13)
    assert complaint.due_on == date(2026, 10, 13)


def test_accepting_meets_the_clock_and_assigns_the_officer(world, file):
    complaint, _code = file(received=at(2026, 9, 28))
    officer = world.users["xq_officer"]

    complaint = services.accept(complaint, actor=officer, on=date(2026, 10, 9))

    assert complaint.status == Status.ACCEPTED and complaint.assigned_to == officer
    assert clock(complaint, "complaint.accept_decision").status == DeadlineStatus.MET
    assert complaint.due_on is None


def test_accepting_late_misses_the_clock(world, file):
    complaint, _code = file(received=at(2026, 9, 28))

    services.accept(complaint, actor=world.users["xq_officer"], on=date(2026, 10, 14))

    assert clock(complaint, "complaint.accept_decision").status == DeadlineStatus.MISSED


def test_mediation_of_a_complaint_received_under_order_20_runs_45_working_days(world, file):
    complaint, _code = file(received=at(2026, 4, 14))
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer, on=date(2026, 4, 16))

    complaint = services.start_mediation(complaint, actor=officer, on=date(2026, 4, 20))  # after Order 121 began

    mediation = clock(complaint, "complaint.mediation")
    assert (mediation.rule.amount, mediation.rule.unit) == (45, "working_days")
    assert mediation.due_on == date(2026, 6, 25)  # Labour Day and Dragon Boat holidays not counted
    assert complaint.due_on == date(2026, 6, 25)


def test_mediation_of_a_complaint_received_under_order_121_runs_60_calendar_days(world, file):
    complaint, _code = file(received=at(2026, 4, 15))
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer, on=date(2026, 4, 16))

    complaint = services.start_mediation(complaint, actor=officer, on=date(2026, 4, 20))

    mediation = clock(complaint, "complaint.mediation")
    assert (mediation.rule.amount, mediation.rule.unit) == (60, "calendar_days")
    assert mediation.due_on == date(2026, 6, 22)  # day 60 is the Dragon Boat Festival (Fri 19 June): next workday


def test_testing_time_stops_the_mediation_clock(world, file):
    complaint, _code = file(received=at(2026, 9, 28))
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer, on=date(2026, 9, 29))
    services.start_mediation(complaint, actor=officer, on=date(2026, 9, 30))
    before = clock(complaint, "complaint.mediation").due_on

    services.pause_mediation(complaint, actor=officer, reason="送检", on=date(2026, 10, 12))
    complaint = services.resume_mediation(complaint, actor=officer, on=date(2026, 10, 19))

    after = clock(complaint, "complaint.mediation").due_on
    assert after > before
    assert complaint.due_on == after


def test_mediation_closes_as_mediated_with_a_reply_to_the_filer(world, file, django_capture_on_commit_callbacks):
    complaint, _code = file()
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer)
    services.start_mediation(complaint, actor=officer)

    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.close(complaint, actor=officer, outcome=Outcome.MEDIATED, reply="双方达成退款协议。")

    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.MEDIATED)
    assert clock(complaint, "complaint.mediation").status == DeadlineStatus.MET
    assert Message.objects.get(complaint=complaint).body == "双方达成退款协议。"
    assert len(mail.outbox) == 1 and complaint.tracking_number in mail.outbox[0].subject
    assert "Xq Officer" not in mail.outbox[0].body and "双方" not in mail.outbox[0].body


def test_a_complaint_cannot_skip_acceptance(world, file):
    complaint, _code = file()

    with pytest.raises(InvalidTransition) as refused:
        services.start_mediation(complaint, actor=world.users["xq_officer"])

    assert refused.value.allowed == [Status.ACCEPTED, Status.CLOSED]
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_a_complaint_cannot_close_as_substantiated(world, file):
    complaint, _code = file()
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer)
    services.start_mediation(complaint, actor=officer)

    with pytest.raises(ValidationError) as refused:
        services.close(complaint, actor=officer, outcome=Outcome.SUBSTANTIATED, reply="x")

    assert "outcome" in refused.value.message_dict


def test_not_accepting_records_the_ground_and_meets_the_clock(world, file):
    complaint, _code = file(received=at(2026, 9, 28))

    complaint = services.not_accept(complaint, actor=world.users["xq_officer"], ground=NotAcceptedGround.TIME_BARRED,
                                    reply="超过三年。", on=date(2026, 9, 30))

    assert (complaint.status, complaint.outcome, complaint.not_accepted_ground) == (
        Status.CLOSED, Outcome.NOT_ACCEPTED, NotAcceptedGround.TIME_BARRED)
    assert clock(complaint, "complaint.accept_decision").status == DeadlineStatus.MET


def test_the_impersonation_ground_exists_only_under_order_121(world, file):
    old, _code = file(received=at(2026, 4, 14))
    new, _code = file(received=at(2026, 4, 15))
    officer = world.users["xq_officer"]

    with pytest.raises(ValidationError):
        services.not_accept(old, actor=officer, ground=NotAcceptedGround.IMPERSONATION, reply="冒用身份")
    services.not_accept(new, actor=officer, ground=NotAcceptedGround.IMPERSONATION, reply="冒用身份")

    new.refresh_from_db()
    assert new.not_accepted_ground == NotAcceptedGround.IMPERSONATION


def test_time_barred_is_hinted_after_three_years(world, file):
    old, _code = file(received=at(2026, 9, 28), occurred_on=date(2023, 9, 20))
    recent, _code = file(received=at(2026, 9, 28), occurred_on=date(2023, 9, 29))

    assert services.time_barred(old) and not services.time_barred(recent)


def test_staff_of_another_bureau_cannot_act(world, file):
    complaint, _code = file()

    with pytest.raises(PermissionDenied):
        services.accept(complaint, actor=world.users["rp_officer"])
    with pytest.raises(PermissionDenied):
        services.accept(complaint, actor=world.users["city_officer"])


# --- Report workflow and its clocks ----------------------------------------------------------------

def test_a_report_is_verified_within_15_working_days(world, file):
    report, _code = file("report", received=at(2026, 9, 28))

    assert clock(report, "report.verify").due_on == date(2026, 10, 23)
    services.start_verification(report, actor=world.users["xq_officer"])
    report.refresh_from_db()
    assert report.status == Status.VERIFYING


def test_the_head_of_unit_extends_verification_by_15_working_days_once(world, heads, file):
    report, _code = file("report", received=at(2026, 9, 28))
    with pytest.raises(ValidationError):  # not yet being verified
        services.extend_verification(report, actor=heads["xq_head"], reason="需要抽检")
    services.start_verification(report, actor=world.users["xq_officer"])

    with pytest.raises(PermissionDenied):
        services.extend_verification(report, actor=world.users["xq_officer"], reason="需要抽检")
    report = services.extend_verification(report, actor=heads["xq_head"], reason="需要抽检")
    with pytest.raises(ValidationError):
        services.extend_verification(report, actor=heads["xq_head"], reason="再次")

    assert clock(report, "report.verify").due_on == date(2026, 11, 13)
    assert report.due_on == date(2026, 11, 13) and report.extended


def test_opening_a_case_on_a_report_records_an_event_naming_the_enterprise(world, file):
    report, _code = file("report")
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    with translation.override("en"):
        report = services.decide_case(report, actor=officer, open_case=True, reply="经查属实，已立案。")

    assert (report.status, report.outcome, report.no_case_reason) == (Status.CLOSED, Outcome.REFERRED, "")
    step = TimelineEntry.objects.filter(subject_id=str(report.pk), to_state=Status.CLOSED).get()
    assert step.from_state == Status.VERIFYING and step.note == "Case-filing decision: a case is opened"
    event = Event.objects.get(kind="complaint.substantiated")
    assert event.enterprise == world.enterprises["xq_pharmacy"]
    assert event.payload["enterprise"] == world.enterprises["xq_pharmacy"].credit_code
    assert "张三" not in str(event.payload)


def test_no_case_on_a_report_records_the_reason_and_no_credit_event(world, file):
    report, _code = file("report")
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    with translation.override("en"):
        report = services.decide_case(report, actor=officer, open_case=False, reason=NoCaseReason.UNSUBSTANTIATED,
                                      reply="经查不属实，不予立案。")

    assert (report.status, report.outcome, report.no_case_reason) == (
        Status.CLOSED, Outcome.NO_CASE, NoCaseReason.UNSUBSTANTIATED)
    assert report.not_accepted_ground == ""
    step = TimelineEntry.objects.filter(subject_id=str(report.pk), to_state=Status.CLOSED).get()
    assert step.note == "Case-filing decision: no case is opened (The facts reported were not confirmed)"
    assert not Event.objects.filter(kind="complaint.substantiated").exists()
    assert Event.objects.get(kind="complaint.closed").payload["no_case_reason"] == "unsubstantiated"


def test_no_case_for_a_confirmed_minor_violation_still_tells_credit(world, file):
    report, _code = file("report")
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    services.decide_case(report, actor=officer, open_case=False, reason=NoCaseReason.NO_PENALTY, reply="轻微已改正。")

    assert Event.objects.get(kind="complaint.substantiated").enterprise == world.enterprises["xq_pharmacy"]


def test_no_case_needs_a_reason_and_a_reply(world, file):
    report, _code = file("report")
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    with pytest.raises(ValidationError) as no_reason:
        services.decide_case(report, actor=officer, open_case=False, reason="", reply="不予立案。")
    with pytest.raises(ValidationError) as no_reply:
        services.decide_case(report, actor=officer, open_case=False, reason=NoCaseReason.TIME_LIMIT, reply=" ")

    assert "reason" in no_reason.value.message_dict and "reply" in no_reply.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.VERIFYING


def test_the_case_decision_comes_after_verification(world, file):
    report, _code = file("report")

    with pytest.raises(InvalidTransition) as refused:
        services.decide_case(report, actor=world.users["xq_officer"], open_case=True, reply="立案。")

    assert refused.value.allowed == [Status.VERIFYING]


def test_a_report_is_not_declined_like_a_complaint_nor_a_complaint_decided_like_a_report(world, file):
    report, _code = file("report")
    complaint, _code = file()
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    with pytest.raises(ValidationError) as declined:
        services.not_accept(report, actor=officer, ground=NotAcceptedGround.NO_SPECIFIC_FACTS, reply="不予受理")
    with pytest.raises(ValidationError) as closed:
        services.close(report, actor=officer, outcome=Outcome.REFERRED, reply="立案")
    with pytest.raises(ValidationError) as decided:
        services.decide_case(complaint, actor=officer, open_case=True, reply="立案")

    assert "kind" in declined.value.message_dict and "outcome" in closed.value.message_dict
    assert "kind" in decided.value.message_dict
    report.refresh_from_db()
    assert report.status == Status.VERIFYING


@pytest.mark.parametrize("open_case,reason", [(True, ""), (False, NoCaseReason.NOT_COMPETENT)])
def test_a_real_name_reporter_is_informed_of_either_decision(world, file, open_case, reason):
    report, _code = file("report", received=at(2026, 9, 28))
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    services.decide_case(report, actor=officer, open_case=open_case, reason=reason, reply="处理决定。",
                         on=date(2026, 10, 20))

    inform = clock(report, "report.inform_reporter")
    assert (inform.started_on, inform.due_on, inform.status) == (date(2026, 10, 20), date(2026, 10, 27),
                                                                 DeadlineStatus.MET)
    assert clock(report, "report.verify").status == DeadlineStatus.MET


def test_an_anonymous_reporter_gets_no_inform_clock(world, file):
    report, _code = file("report", name="", phone="", email="")
    officer = world.users["xq_officer"]
    services.start_verification(report, actor=officer)

    services.decide_case(report, actor=officer, open_case=True, reply="已立案调查。")

    assert not Deadline.objects.filter(rule__code="report.inform_reporter").exists()


def test_an_enquiry_is_answered_and_has_no_clock(world, file):
    enquiry, _code = file("enquiry", enterprise=None, name="", phone="", email="")

    enquiry = services.close(enquiry, actor=world.users["city_officer"], outcome=Outcome.ANSWERED, reply="可以。")

    assert enquiry.kind == Kind.ENQUIRY and enquiry.outcome == Outcome.ANSWERED
    assert clocks(enquiry) == {}


# --- Transfers and disputed jurisdiction -----------------------------------------------------------

def test_the_city_transfers_a_triaged_filing_to_a_county_with_a_reason(world, file):
    report, _code = file("report", enterprise=None, enterprise_description="无证药摊", place="饶平县黄冈镇")

    report = services.transfer(report, actor=world.users["city_officer"], to_agency=world.agencies["445122"],
                               reason="发生地在饶平")

    assert report.handling_agency == world.agencies["445122"] and report.jurisdiction.code == "445122"
    assert FilerIdentity.objects.get(complaint=report).jurisdiction.code == "445122"
    note = TimelineEntry.objects.filter(subject_id=str(report.pk), internal=True).last()
    assert "发生地在饶平" in note.note
    assert Event.objects.get(kind="complaint.transferred").payload["reason"] == "发生地在饶平"


def test_a_transfer_needs_a_reason_and_a_bureau_within_scope(world, file):
    complaint, _code = file()
    officer = world.users["xq_officer"]

    with pytest.raises(ValidationError):
        services.transfer(complaint, actor=officer, to_agency=world.agencies["445100"], reason="")
    with pytest.raises(ValidationError):
        services.transfer(complaint, actor=officer, to_agency=world.agencies["445122"], reason="不归我管")
    services.transfer(complaint, actor=officer, to_agency=world.agencies["445100"], reason="请市局分办")  # up is fine


def test_a_transferred_filing_nobody_takes_up_is_flagged_disputed_after_7_working_days(world, file):
    report, _code = file("report", enterprise=None, enterprise_description="无证药摊", place="饶平县黄冈镇")
    services.transfer(report, actor=world.users["city_officer"], to_agency=world.agencies["445122"], reason="属地")
    dispute = clock(report, "complaint.jurisdiction_dispute")

    services.flag_deadlines(today=dispute.due_on)
    report.refresh_from_db()
    assert not report.jurisdiction_disputed
    services.flag_deadlines(today=services.WorkingCalendar.current().add_working_days(dispute.due_on, 1))
    report.refresh_from_db()
    assert report.jurisdiction_disputed
    assert Event.objects.filter(kind="complaint.jurisdiction_disputed").count() == 1


def test_taking_up_a_transferred_filing_ends_the_dispute_clock(world, file):
    report, _code = file("report", enterprise=None, enterprise_description="无证药摊", place="饶平县黄冈镇")
    services.transfer(report, actor=world.users["city_officer"], to_agency=world.agencies["445122"], reason="属地")

    services.start_verification(report, actor=world.users["rp_officer"])

    assert clock(report, "complaint.jurisdiction_dispute").status == DeadlineStatus.MET


# --- Nightly escalation ----------------------------------------------------------------------------

def test_the_nightly_task_flags_due_soon_and_overdue_and_escalates_once(world, heads, file):
    complaint, _code = file(received=at(2026, 9, 28))  # accept decision due 2026-10-13

    services.flag_deadlines(today=date(2026, 10, 9))  # 3 working days left: Sat 10 (make-up workday), 12, 13
    complaint.refresh_from_db()
    assert complaint.attention == Attention.NONE
    services.flag_deadlines(today=date(2026, 10, 10))  # 2 left
    complaint.refresh_from_db()
    assert complaint.attention == Attention.DUE_SOON
    services.flag_deadlines(today=date(2026, 10, 10))
    assert Event.objects.filter(kind="complaint.escalated").count() == 1

    services.flag_deadlines(today=date(2026, 10, 14))
    complaint.refresh_from_db()
    assert complaint.attention == Attention.OVERDUE
    escalations = list(Event.objects.filter(kind="complaint.escalated").order_by("id"))
    assert len(escalations) == 2 and escalations[-1].payload["heads"] == ["xq.head"]


def test_the_nightly_task_leaves_a_filing_with_time_to_spare_alone(world, heads, file):
    complaint, _code = file(received=at(2026, 9, 28))

    counts = services.flag_deadlines(today=date(2026, 9, 29))

    complaint.refresh_from_db()
    assert complaint.attention == Attention.NONE and counts["escalated"] == 0


def test_a_mediation_whose_period_ran_out_ends_without_agreement(world, file):
    complaint, _code = file(received=at(2026, 9, 28))
    officer = world.users["xq_officer"]
    services.accept(complaint, actor=officer, on=date(2026, 9, 29))
    services.start_mediation(complaint, actor=officer, on=date(2026, 9, 30))
    due = clock(complaint, "complaint.mediation").due_on

    services.flag_deadlines(today=due)
    complaint.refresh_from_db()
    assert complaint.status == Status.MEDIATION
    services.flag_deadlines(today=date(2026, 12, 31))
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == (Status.CLOSED, Outcome.MEDIATION_FAILED)


# --- Messages, rating, identity, duplicates ---------------------------------------------------------

def test_questions_and_answers_flow_both_ways_and_notes_stay_internal(world, file):
    complaint, _code = file("report", name="", phone="", email="")
    officer = world.users["xq_officer"]

    services.message_filer(complaint, actor=officer, body="请问购买日期？", question=True)
    services.add_note(complaint, actor=officer, body="疑似重复举报")
    services.filer_message(complaint, body="11月1日")

    public = selectors.public_view(complaint)
    assert [(m["sender"], m["body"]) for m in public["conversation"]] == [(Sender.STAFF, "请问购买日期？"),
                                                                     (Sender.FILER, "11月1日")]
    complaint.refresh_from_db()
    assert complaint.assigned_to == officer


def test_the_filer_rates_a_closed_filing_once(world, file):
    enquiry, _code = file("enquiry", enterprise=None)
    with pytest.raises(ValidationError):
        services.rate(enquiry, score=5)
    services.close(enquiry, actor=world.users["city_officer"], outcome=Outcome.ANSWERED, reply="答复")

    services.rate(enquiry, score=4, comment="及时")
    with pytest.raises(ValidationError):
        services.rate(enquiry, score=1)

    enquiry.refresh_from_db()
    assert enquiry.satisfaction == 4


def test_identity_is_for_the_assigned_handler_and_the_head_of_unit_and_each_view_is_logged(world, heads, file):
    complaint, _code = file()
    officer, other = world.users["xq_officer"], heads["xq_officer2"]
    services.accept(complaint, actor=officer)
    complaint.refresh_from_db()

    assert services.reveal_identity(complaint, actor=officer, via="test").name == "张三"
    assert services.reveal_identity(complaint, actor=heads["xq_head"], via="test").phone == "13800000000"
    for outsider in (other, world.users["city_officer"], world.users["xq_client"], heads["city_head"]):
        with pytest.raises(PermissionDenied):
            services.reveal_identity(complaint, actor=outsider)

    assert list(IdentityAccess.objects.values_list("user__username", flat=True).order_by("id")) == [
        "xq.officer", "xq.head"]


def test_the_head_of_unit_assigns_and_an_officer_may_only_take_an_unassigned_filing(world, heads, file):
    complaint, _code = file()

    services.assign(complaint, actor=heads["xq_officer2"], assignee=heads["xq_officer2"])
    with pytest.raises(PermissionDenied):
        services.assign(complaint, actor=world.users["xq_officer"], assignee=world.users["xq_officer"])
    services.assign(complaint, actor=heads["xq_head"], assignee=world.users["xq_officer"])

    complaint.refresh_from_db()
    assert complaint.assigned_to == world.users["xq_officer"]


def test_similar_filings_about_the_same_enterprise_within_30_days_are_possible_duplicates(world, file):
    first, _code = file(received=at(2026, 10, 1))
    near, _code = file(received=at(2026, 10, 20))
    far, _code = file(received=at(2026, 9, 10))  # 40 days before
    other_text, _code = file(received=at(2026, 10, 21), subject="价格",
                             description="药价标签与收银价格不一致，多收费用十元。")

    hints = selectors.possible_duplicates(world.users["xq_officer"], near)

    assert [c.pk for c in hints] == [first.pk]
    assert far.pk not in [c.pk for c in hints] and other_text.pk not in [c.pk for c in hints]


def test_the_nightly_task_is_scheduled_and_wraps_the_service(world, heads, file, settings):
    from complaints import tasks

    file(received=at(2026, 9, 28))

    counts = tasks.flag_complaint_deadlines()

    assert counts["overdue"] == 1  # today is long after 2026-10-13
    assert any(entry["task"] == "complaints.tasks.flag_complaint_deadlines"
               for entry in settings.CELERY_BEAT_SCHEDULE.values())


def test_the_audit_trail_records_the_identity_row_but_not_its_content(world, file):
    complaint, _code = file()

    rows = list(FilerIdentity.objects.get(complaint=complaint).history.values())

    assert len(rows) == 1 and "张三" not in str(rows) and "13800000000" not in str(rows)
