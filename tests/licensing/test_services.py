"""Every transition and deadline rule of the licensing workflow, through the services."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing import services
from licensing.choices import ApplicationStatus as S
from licensing.choices import LicenceStatus
from licensing.models import Application, Licence
from regulator.attachments import attachments_of
from regulator.choices import DeadlineStatus
from regulator.models import Event
from regulator.workflow import InvalidTransition, timeline
from tests import factories
from tests.licensing.conftest import DAY, draft, issued_licence, ltype, to_pending_decision


@pytest.fixture(autouse=True)
def _english():
    """Assertions read messages in English; in production they follow the request's language."""
    from django.utils import translation

    with translation.override("en"):
        yield

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_the_whole_journey_issues_a_numbered_licence(lic):
    application = to_pending_decision(lic, draft(lic))
    assert application.status == S.PENDING_DECISION

    services.approve(application, actor=lic.users["xq_approver"], on=DAY)

    application.refresh_from_db()
    licence = application.licence
    assert application.status == S.ISSUED
    assert licence.number == "粤DA510200001"  # province, D single pharmacy, A legal person, region, sequence
    assert (licence.valid_from, licence.valid_until) == (DAY, date(2031, 3, 3))
    assert licence.status == LicenceStatus.ACTIVE
    assert Event.objects.filter(kind="licence.issued", subject_id=str(licence.pk)).exists()
    steps = [entry.to_state for entry in timeline(application, include_internal=True)]
    assert steps == [S.SUBMITTED, S.ACCEPTED, S.UNDER_REVIEW, S.INSPECTION, S.UNDER_REVIEW, S.PENDING_DECISION,
                     S.APPROVED, S.ISSUED]
    deadline = services.decision_deadline(application)
    assert deadline.status == DeadlineStatus.MET


def test_the_applicant_does_not_see_internal_notes(lic):
    application = to_pending_decision(lic, draft(lic))
    public = [entry.to_state for entry in timeline(application, include_internal=False)]
    assert S.INSPECTION not in public and S.PENDING_DECISION not in public
    assert S.ACCEPTED in public


def test_numbers_are_unique_and_follow_the_sequence(lic):
    first = issued_licence(lic)
    second = issued_licence(lic)
    assert first.number == "粤DA510200001" and second.number == "粤DA510200002"


def test_the_drug_business_decision_clock_counts_working_days(lic):
    # 20 days after acceptance, in working days (Administrative Licensing Law art. 82): accepted Monday
    # 28 September 2026, two working days before the National Day holiday (1–7 October; Saturday 10 October is a
    # make-up workday). Calendar days would have given Monday 19 October.
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=date(2026, 9, 28))
    services.accept(application, actor=lic.users["xq_officer"], on=date(2026, 9, 28))
    deadline = services.decision_deadline(application)
    assert deadline.rule.code == "licence.drug_business.decision"
    assert deadline.due_on == date(2026, 10, 30)


def test_a_device_licence_accepted_before_national_day_is_due_after_the_holiday(lic):
    application = draft(lic, "rp_devices_user", "device_business_class3")
    services.submit(application, actor=lic.users["rp_devices_user"], on=date(2026, 9, 30))
    services.accept(application, actor=lic.users["city_officer"], on=date(2026, 9, 30))
    deadline = services.decision_deadline(application)
    # 20 working days; 1–7 October are holidays and Saturday 10 October is a make-up workday.
    assert deadline.rule.code == "licence.device_business.decision"
    assert deadline.due_on == date(2026, 11, 3)


def test_a_correction_request_stops_the_clock_and_resubmission_resumes_it(lic):
    application = draft(lic, "rp_devices_user", "device_business_class3")
    services.submit(application, actor=lic.users["rp_devices_user"], on=date(2026, 3, 2))
    services.accept(application, actor=lic.users["city_officer"], on=date(2026, 3, 2))
    services.start_review(application, actor=lic.users["city_reviewer"])
    due_before = services.decision_deadline(application).due_on  # 2026-03-30
    services.request_correction(application, actor=lic.users["city_reviewer"], note="缺少仓库平面图",
                                on=date(2026, 3, 9))
    deadline = services.decision_deadline(application)
    assert deadline.status == DeadlineStatus.STOPPED
    application.refresh_from_db()
    assert application.status == S.CORRECTION_REQUESTED

    services.resubmit(application, actor=lic.users["rp_devices_user"], on=date(2026, 3, 16))

    application.refresh_from_db()
    deadline = services.decision_deadline(application)
    assert application.status == S.UNDER_REVIEW
    assert deadline.status == DeadlineStatus.RUNNING
    # The 5 working days of the stop are added; Monday 6 April is the Qingming holiday.
    assert due_before == date(2026, 3, 30)
    assert deadline.due_on == date(2026, 4, 7)
    assert [(stop.stopped_on, stop.resumed_on) for stop in deadline.stops.all()] == [
        (date(2026, 3, 9), date(2026, 3, 16))]


def test_a_correction_before_acceptance_returns_to_submitted(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    services.request_correction(application, actor=lic.users["xq_officer"], note="营业执照复印件不清晰", on=DAY)
    services.resubmit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_not_accepting_needs_a_reason_and_gives_appeal_rights(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    with pytest.raises(ValidationError):
        services.not_accept(application, actor=lic.users["xq_officer"], reason=" ")
    services.not_accept(application, actor=lic.users["xq_officer"], reason="不属于本机关职权范围")
    application.refresh_from_db()
    assert application.status == S.NOT_ACCEPTED
    assert application.appeal_rights


def test_denial_states_reasons_and_appeal_rights(lic):
    application = to_pending_decision(lic, draft(lic))
    with pytest.raises(ValidationError):
        services.deny(application, actor=lic.users["xq_approver"], reasons="")
    services.deny(application, actor=lic.users["xq_approver"], reasons="质量管理人员不符合要求", on=DAY)
    application.refresh_from_db()
    assert application.status == S.DENIED and application.licence is None
    assert "reconsideration" in application.appeal_rights
    assert services.decision_deadline(application).status == DeadlineStatus.MET


def test_the_reviewer_may_not_decide(lic):
    application = draft(lic)
    u = lic.users
    services.submit(application, actor=u["xq_enterprise_user"], on=DAY)
    services.accept(application, actor=u["xq_officer"], on=DAY)
    services.start_review(application, actor=u["xq_approver_reviewer"])
    services.request_inspection(application, actor=u["xq_approver_reviewer"])
    services.record_inspection(application, actor=u["xq_inspector"], inspected_on=DAY, inspectors=["甲", "乙"],
                               result="passed")
    services.complete_review(application, actor=u["xq_approver_reviewer"], opinion="同意")
    with pytest.raises(PermissionDenied):
        services.approve(application, actor=u["xq_approver_reviewer"], on=DAY)
    services.approve(application, actor=u["xq_approver"], on=DAY)


def test_an_illegal_transition_names_the_allowed_ones(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    with pytest.raises(InvalidTransition) as caught:
        services.start_review(application, actor=lic.users["xq_reviewer"])
    assert caught.value.allowed == [S.CORRECTION_REQUESTED, S.ACCEPTED, S.NOT_ACCEPTED, S.ISSUED, S.FILED]


def test_a_second_officer_acting_on_a_stale_copy_gets_a_conflict(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    stale = Application.objects.get(pk=application.pk)
    services.accept(application, actor=lic.users["xq_officer"], on=DAY)
    with pytest.raises(InvalidTransition):
        services.accept(stale, actor=lic.users["xq_officer"], on=DAY)
    assert Application.objects.get(pk=application.pk).status == S.ACCEPTED


def test_only_the_issuing_agency_acts(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    for persona in ("rp_officer", "city_officer", "xq_reviewer"):
        with pytest.raises(PermissionDenied):
            services.accept(application, actor=lic.users[persona], on=DAY)


def test_a_licence_needing_inspection_cannot_go_to_decision_without_one(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    services.accept(application, actor=lic.users["xq_officer"], on=DAY)
    services.start_review(application, actor=lic.users["xq_reviewer"])
    with pytest.raises(ValidationError) as caught:
        services.complete_review(application, actor=lic.users["xq_reviewer"], opinion="ok")
    assert "inspection" in caught.value.message_dict


def test_an_inspection_needs_two_inspectors_and_a_failed_one_blocks_approval(lic):
    application = draft(lic)
    u = lic.users
    services.submit(application, actor=u["xq_enterprise_user"], on=DAY)
    services.accept(application, actor=u["xq_officer"], on=DAY)
    services.start_review(application, actor=u["xq_reviewer"])
    services.request_inspection(application, actor=u["xq_reviewer"])
    with pytest.raises(ValidationError):
        services.record_inspection(application, actor=u["xq_inspector"], inspected_on=DAY, inspectors=["张三"],
                                   result="passed")
    services.record_inspection(application, actor=u["xq_inspector"], inspected_on=DAY, inspectors=["张三", "李四"],
                               result="failed")
    services.complete_review(application, actor=u["xq_reviewer"], opinion="现场检查不通过")
    with pytest.raises(ValidationError):
        services.approve(application, actor=u["xq_approver"], on=DAY)


def test_a_class_two_device_filing_is_recorded_on_submission(lic):
    application = draft(lic, "rp_devices_user", "device_filing_class2")
    services.submit(application, actor=lic.users["rp_devices_user"], on=DAY)
    application.refresh_from_db()
    assert application.status == S.FILED
    assert application.licence.number == "粤潮药监械经营备20260001号"
    assert application.licence.valid_until is None
    from regulator.models import Deadline
    deadline = Deadline.objects.get(subject_id=str(application.licence.pk),
                                    rule__code="licence.device_filing.inspection")
    assert deadline.due_on == date(2026, 6, 4)


def test_notification_commitment_is_issued_the_same_day_and_flagged(lic):
    application = draft(lic, commitment=True)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    application.refresh_from_db()
    assert application.status == S.ISSUED
    assert application.licence.issued_on == DAY and application.licence.needs_verification


def test_without_the_commitment_the_ordinary_route_applies(lic):
    application = draft(lic, commitment=False)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.licence is None


def test_a_resent_form_does_not_create_a_second_application(lic):
    first, created = services.create_application(actor=lic.users["xq_enterprise_user"],
                                                 licence_type=ltype("drug_retail_single"), idempotency_key="tok-1")
    again, created_again = services.create_application(
        actor=lic.users["xq_enterprise_user"], licence_type=ltype("drug_retail_single"), idempotency_key="tok-1")
    assert created and not created_again and first.pk == again.pk
    assert Application.objects.count() == 1


def test_an_enterprise_may_apply_only_for_a_type_it_can_hold(lic):
    with pytest.raises(ValidationError) as caught:
        draft(lic, type_code="drug_wholesale")
    assert "licence_type" in caught.value.message_dict


def test_staff_cannot_apply(lic):
    with pytest.raises(PermissionDenied):
        draft(lic, "xq_officer")


def test_a_renewal_outside_the_window_is_refused_and_inside_it_extends_validity(lic):
    licence = issued_licence(lic)
    renewal, _ = services.create_application(actor=lic.users["xq_enterprise_user"],
                                             licence_type=licence.licence_type, kind="renewal", licence=licence)
    with pytest.raises(ValidationError):
        services.submit(renewal, actor=lic.users["xq_enterprise_user"], on=date(2027, 1, 1))
    in_window = date(2030, 11, 2)  # window: 2030-09-03 .. 2031-01-03
    to_pending_decision(lic, renewal, on=in_window, inspect=False)
    services.approve(renewal, actor=lic.users["xq_approver"], on=in_window)
    licence.refresh_from_db()
    assert licence.valid_until == date(2036, 3, 3)
    assert Event.objects.filter(kind="licence.renewed", subject_id=str(licence.pk)).exists()


def test_a_change_of_address_updates_the_licence_after_inspection(lic):
    licence = issued_licence(lic)
    change, _ = services.create_application(actor=lic.users["xq_enterprise_user"], licence_type=licence.licence_type,
                                            kind="change", licence=licence, change_kind="address",
                                            address="湘桥区新址路8号")
    to_pending_decision(lic, change)
    services.approve(change, actor=lic.users["xq_approver"], on=DAY)
    licence.refresh_from_db()
    assert licence.address == "湘桥区新址路8号"
    assert Event.objects.filter(kind="licence.changed").count() == 1


def test_a_cancellation_cancels_the_licence(lic):
    licence = issued_licence(lic)
    cancel, _ = services.create_application(actor=lic.users["xq_enterprise_user"], licence_type=licence.licence_type,
                                            kind="cancellation", licence=licence)
    to_pending_decision(lic, cancel, inspect=False)
    services.approve(cancel, actor=lic.users["xq_approver"], on=DAY)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.CANCELLED
    assert Event.objects.filter(kind="licence.cancelled").count() == 1


def test_revocation_needs_reason_and_legal_basis_and_records_an_event(lic):
    licence = issued_licence(lic)
    with pytest.raises(ValidationError):
        services.revoke_licence(licence, actor=lic.users["xq_approver"], reason="虚假承诺", legal_basis="")
    with pytest.raises(PermissionDenied):
        services.revoke_licence(licence, actor=lic.users["xq_officer"], reason="x", legal_basis="y")
    services.revoke_licence(licence, actor=lic.users["xq_approver"], reason="虚假承诺",
                            legal_basis="《药品管理法》第一百二十三条")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED
    assert Event.objects.get(kind="licence.revoked").payload["legal_basis"] == "《药品管理法》第一百二十三条"
    with pytest.raises(InvalidTransition):
        services.suspend_licence(licence, actor=lic.users["xq_approver"], reason="x", legal_basis="y")


def test_suspension_and_reinstatement(lic):
    licence = issued_licence(lic)
    services.suspend_licence(licence, actor=lic.users["xq_approver"], reason="停业整改", legal_basis="第九十九条")
    services.reinstate_licence(licence, actor=lic.users["xq_approver"], reason="整改完成", legal_basis="第九十九条")
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
    assert list(Event.objects.filter(kind__startswith="licence.").exclude(kind="licence.issued")
                .values_list("kind", flat=True).order_by("id")) == ["licence.suspended", "licence.reinstated"]


def test_nightly_expiring_reminder_then_expiry_and_safe_to_rerun(lic):
    licence = issued_licence(lic)  # valid until 2031-03-03; renewal window opens 2030-09-03
    assert services.refresh_licence_statuses(today=date(2030, 9, 2)) == {"expiring": 0, "expired": 0}
    assert services.refresh_licence_statuses(today=date(2030, 9, 3)) == {"expiring": 1, "expired": 0}
    assert services.refresh_licence_statuses(today=date(2030, 9, 4)) == {"expiring": 0, "expired": 0}
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRING and licence.reminded_on == date(2030, 9, 3)
    assert services.refresh_licence_statuses(today=date(2031, 3, 3)) == {"expiring": 0, "expired": 0}
    assert services.refresh_licence_statuses(today=date(2031, 3, 4)) == {"expiring": 0, "expired": 1}
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.EXPIRED
    assert list(Event.objects.filter(kind__in=["licence.expiring", "licence.expired"])
                .values_list("kind", flat=True).order_by("id")) == ["licence.expiring", "licence.expired"]


def test_the_holder_is_mailed_when_the_renewal_window_opens(lic, mailoutbox, settings):
    from regulator.models import EventDelivery
    from regulator.services import deliver_event

    settings.SITE_URL = "https://drugs.example.gov.cn"
    clerk = lic.users["xq_enterprise_user"]
    clerk.email = "clerk@kangning.example"
    clerk.save(update_fields=["email"])
    other = factories.enterprise_user(lic.enterprises["xq_wholesaler"], "other.clerk")  # not the holder's
    other.email = "clerk@wholesaler.example"
    other.save(update_fields=["email"])
    licence = issued_licence(lic)
    services.refresh_licence_statuses(today=date(2030, 9, 3))

    event = Event.objects.get(kind="licence.expiring")
    delivery = EventDelivery.objects.get(event=event, handler="licensing.services.on_licence_expiring")
    deliver_event(delivery.pk)

    [mail] = mailoutbox
    assert mail.to == ["clerk@kangning.example"]
    assert licence.number in mail.subject and "2030-09-03" in mail.body and "2031-01-03" in mail.subject
    assert f"https://drugs.example.gov.cn/licensing/licences/{licence.pk}/" in mail.body


def test_overdue_applications_are_flagged_once(lic):
    application = draft(lic)
    services.submit(application, actor=lic.users["xq_enterprise_user"], on=DAY)
    services.accept(application, actor=lic.users["xq_officer"], on=DAY)
    due = services.decision_deadline(application).due_on
    assert services.flag_overdue_applications(today=due) == {"overdue": 0, "deemed_granted": 0}
    assert services.flag_overdue_applications(today=due + timedelta(days=1)) == {"overdue": 1, "deemed_granted": 0}
    assert services.flag_overdue_applications(today=due + timedelta(days=2)) == {"overdue": 0, "deemed_granted": 0}
    assert Application.objects.get(pk=application.pk).overdue
    assert Event.objects.filter(kind="licence_application.overdue").count() == 1


def _device_licence(lic):
    u = lic.users
    application = draft(lic, "rp_devices_user", "device_business_class3")
    services.submit(application, actor=u["rp_devices_user"], on=DAY)
    services.accept(application, actor=u["city_officer"], on=DAY)
    services.start_review(application, actor=u["city_reviewer"])
    services.request_inspection(application, actor=u["city_reviewer"])
    services.record_inspection(application, actor=u["city_reviewer"], inspected_on=DAY, inspectors=["甲", "乙"],
                               result="passed")
    services.complete_review(application, actor=u["city_reviewer"], opinion="同意")
    services.approve(application, actor=u["city_approver"], on=DAY)
    application.refresh_from_db()
    return application.licence


def test_a_device_renewal_not_decided_in_time_is_deemed_granted(lic):
    licence = _device_licence(lic)
    assert licence.number == "粤潮药监械经营许20260001号"
    u = lic.users
    renewal, _ = services.create_application(actor=u["rp_devices_user"], licence_type=licence.licence_type,
                                             kind="renewal", licence=licence)
    on = date(2030, 11, 2)
    services.submit(renewal, actor=u["rp_devices_user"], on=on)
    services.accept(renewal, actor=u["city_officer"], on=on)
    due = services.decision_deadline(renewal).due_on
    services.flag_overdue_applications(today=due + timedelta(days=1))
    renewal.refresh_from_db()
    licence.refresh_from_db()
    assert renewal.status == S.DEEMED_GRANTED
    assert licence.valid_until == date(2036, 3, 3)
    assert Event.objects.get(kind="licence.renewed").payload["deemed_granted"] is True


def test_a_drug_renewal_not_decided_in_time_is_only_flagged(lic):
    licence = issued_licence(lic)
    renewal, _ = services.create_application(actor=lic.users["xq_enterprise_user"], licence_type=licence.licence_type,
                                             kind="renewal", licence=licence)
    on = date(2030, 11, 2)
    services.submit(renewal, actor=lic.users["xq_enterprise_user"], on=on)
    services.accept(renewal, actor=lic.users["xq_officer"], on=on)
    due = services.decision_deadline(renewal).due_on
    assert services.flag_overdue_applications(today=due + timedelta(days=1)) == {"overdue": 1, "deemed_granted": 0}


def test_a_wrong_attachment_is_refused_and_nothing_else_is_lost(lic):
    application = draft(lic, business_scope="中成药")
    with pytest.raises(ValidationError) as caught:
        services.add_document(application, SimpleUploadedFile("licence.pdf", b"MZ\x90\x00 not a pdf"),
                              actor=lic.users["xq_enterprise_user"])
    assert "document" in caught.value.message_dict
    services.add_document(application, SimpleUploadedFile("licence.pdf", PDF), actor=lic.users["xq_enterprise_user"])
    application.refresh_from_db()
    assert application.business_scope == "中成药"
    assert attachments_of(application).count() == 1


def test_an_oversize_attachment_is_refused(lic, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    application = draft(lic)
    with pytest.raises(ValidationError) as caught:
        services.add_document(application, SimpleUploadedFile("big.pdf", PDF + b"0" * 2048),
                              actor=lic.users["xq_enterprise_user"])
    assert "big.pdf" in caught.value.message_dict["document"][0]
    assert not attachments_of(application).exists()
