"""The working-day calendar: Monday to Friday, less public holidays, plus make-up workdays (调休).

Exceptions live in ``CalendarDay`` (loaded from the State Council's notices through the
``chinesecalendar`` package, editable by an administrator when a new year's notice appears).
A year with no loaded exceptions counts as a plain Monday-to-Friday year.
"""

import time
from datetime import date, timedelta

_CACHE_SECONDS = 60
_cache: tuple[float, "WorkingCalendar"] | None = None


class WorkingCalendar:
    def __init__(self, exceptions: dict[date, bool]):
        self._exceptions = exceptions

    @classmethod
    def current(cls) -> "WorkingCalendar":
        """The calendar as stored, cached for a minute in this process."""
        global _cache
        now = time.monotonic()
        if _cache is None or now - _cache[0] > _CACHE_SECONDS:
            from regulator.models import CalendarDay

            _cache = (now, cls(dict(CalendarDay.objects.values_list("date", "is_workday"))))
        return _cache[1]

    @staticmethod
    def invalidate() -> None:
        global _cache
        _cache = None

    def is_workday(self, day: date) -> bool:
        if day in self._exceptions:
            return self._exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the start day itself is not counted)."""
        day = start
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open interval (start, end]."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def roll_forward(self, day: date) -> date:
        """A period whose last day is a holiday ends on the next working day (Civil Code art. 203)."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day


def official_exceptions() -> dict[date, tuple[bool, str]]:
    """Holidays and make-up workdays as published, from the chinesecalendar package."""
    import chinese_calendar

    exceptions = {day: (False, str(name)) for day, name in chinese_calendar.holidays.items() if day.weekday() < 5}
    exceptions.update({day: (True, str(name)) for day, name in chinese_calendar.workdays.items()})
    return exceptions


def load_official_calendar(calendar_day_model=None) -> int:
    """Store the published exceptions; existing rows (perhaps edited by hand) are left alone."""
    if calendar_day_model is None:
        from regulator.models import CalendarDay as calendar_day_model
    rows = [
        calendar_day_model(date=day, is_workday=is_workday, name=name)
        for day, (is_workday, name) in sorted(official_exceptions().items())
    ]
    created = calendar_day_model.objects.bulk_create(rows, ignore_conflicts=True)
    WorkingCalendar.invalidate()
    return len(created)
