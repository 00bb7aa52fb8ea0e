"""Working days and statutory clocks, counted on the real 2026 calendar."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from regulator import services
from regulator.calendar import WorkingCalendar
from regulator.choices import DeadlineStatus
from regulator.models import CalendarDay, Event, StatutoryRule


@pytest.fixture
def cal(db):
    WorkingCalendar.invalidate()
    return WorkingCalendar.current()


@pytest.fixture
def decision_rule(db):
    return StatutoryRule.objects.create(code="test.decision", title="Decide", amount=20, unit="working_days",
                                        effective_from=date(2020, 1, 1), source="test")


def test_the_national_day_holiday_and_its_make_up_saturday_count_correctly(cal):
    assert not cal.is_workday(date(2026, 10, 1))  # Thursday, National Day
    assert cal.is_workday(date(2026, 10, 10))  # Saturday, make-up workday
    assert not cal.is_workday(date(2026, 10, 11))  # ordinary Sunday


def test_an_application_accepted_before_national_day_is_due_after_it(cal):
    # Sep 29, 30, Oct 8, 9, 10 (make-up), 12-16, 19-23, 26-30: the 20th working day is Oct 30;
    # a Monday-to-Friday count would give Oct 26.
    assert cal.add_working_days(date(2026, 9, 28), 20) == date(2026, 10, 30)


def test_working_days_between_is_the_inverse_of_adding(cal):
    start = date(2026, 9, 28)
    for days in (1, 5, 20, 60):
        assert cal.working_days_between(start, cal.add_working_days(start, days)) == days


def test_a_stopped_clock_does_not_count_the_days_waiting_for_the_applicant(world, decision_rule):
    deadline = services.start_deadline(world.enterprises["xq_pharmacy"], "test.decision", started_on=date(2026, 9, 28))
    assert deadline.due_on == date(2026, 10, 30)

    services.stop_clock(deadline, on=date(2026, 10, 9), reason="corrections requested")
    stopped = services.resume_clock(deadline, on=date(2026, 10, 19))

    # 4 working days used before the stop, 16 remain from Oct 19: Oct 20-23, 26-30, Nov 2-6, 9, 10.
    assert stopped.due_on == date(2026, 11, 10)
    assert stopped.status == DeadlineStatus.RUNNING
    assert [(s.stopped_on, s.resumed_on) for s in stopped.stops.all()] == [(date(2026, 10, 9), date(2026, 10, 19))]


def test_a_clock_cannot_be_stopped_twice_or_resumed_while_running(world, decision_rule):
    deadline = services.start_deadline(world.enterprises["xq_pharmacy"], "test.decision", started_on=date(2026, 9, 28))

    with pytest.raises(ValidationError):
        services.resume_clock(deadline, on=date(2026, 10, 8))
    services.stop_clock(deadline, on=date(2026, 10, 8), reason="waiting")
    with pytest.raises(ValidationError):
        services.stop_clock(deadline, on=date(2026, 10, 9), reason="again")


def test_the_rule_version_in_force_on_the_start_day_applies(world):
    # SAMR Order 20 (45 working days) until 2026-04-14; Order 121 (60 days) from 2026-04-15.
    before = services.start_deadline(world.enterprises["xq_pharmacy"], "complaint.mediation",
                                     started_on=date(2026, 4, 14))
    after = services.start_deadline(world.enterprises["xq_pharmacy"], "complaint.mediation",
                                    started_on=date(2026, 4, 15))

    assert (before.rule.amount, before.rule.unit) == (45, "working_days")
    assert (after.rule.amount, after.rule.unit) == (60, "calendar_days")
    assert after.due_on == date(2026, 6, 15)  # June 14 is a Sunday: the period ends on the next working day


def test_a_calendar_day_period_ending_in_a_holiday_ends_on_the_next_working_day(world):
    deadline = services.start_deadline(world.enterprises["ca_maker"], "adr.report.serious_or_new",
                                       started_on=date(2026, 9, 16))

    assert deadline.due_on == date(2026, 10, 8)  # Oct 1 falls in the National Day holiday


def test_a_rule_not_in_force_gives_a_field_error(world):
    with pytest.raises(ValidationError) as error:
        services.start_deadline(world.enterprises["xq_pharmacy"], "complaint.mediation", started_on=date(2001, 1, 1))

    assert "rule" in error.value.message_dict


def test_overdue_deadlines_are_flagged_once(world, decision_rule):
    deadline = services.start_deadline(world.enterprises["rp_pharmacy"], "test.decision", started_on=date(2026, 9, 28))

    first = services.flag_overdue_deadlines(today=date(2026, 11, 2))
    second = services.flag_overdue_deadlines(today=date(2026, 11, 3))

    assert (first, second) == (1, 0)
    event = Event.objects.get(kind="deadline.overdue")
    assert event.payload["due_on"] == "2026-10-30" and event.jurisdiction.code == "445122"
    assert services.working_days_left(deadline, today=date(2026, 11, 3)) == -2


def test_a_met_deadline_is_never_flagged(world, decision_rule):
    deadline = services.start_deadline(world.enterprises["rp_pharmacy"], "test.decision", started_on=date(2026, 9, 28))
    services.complete_deadline(deadline, on=date(2026, 10, 20))

    assert services.flag_overdue_deadlines(today=date(2026, 12, 1)) == 0
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_an_administrator_added_holiday_moves_due_dates(cal):
    start = date(2027, 3, 1)
    before = cal.add_working_days(start, 3)
    CalendarDay.objects.create(date=date(2027, 3, 2), is_workday=False, name="test holiday")
    WorkingCalendar.invalidate()

    assert WorkingCalendar.current().add_working_days(start, 3) == before.replace(day=before.day + 1)


def test_deadlines_api_is_scoped(world, decision_rule, api_as):
    services.start_deadline(world.enterprises["rp_pharmacy"], "test.decision", started_on=date(2026, 9, 28))

    assert api_as("xq_officer").get("/api/v1/deadlines/").json()["results"] == []
    rows = api_as("rp_officer").get("/api/v1/deadlines/").json()["results"]
    assert [(row["rule"], row["due_on"], row["jurisdiction"]) for row in rows] == [
        ("test.decision", "2026-10-30", "445122")]
