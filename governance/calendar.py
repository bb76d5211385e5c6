"""Working days (工作日): weekends and the listed holidays do not count; listed make-up days (调休) do."""
from datetime import date, datetime, timedelta

from .models import CalendarDay

HORIZON = 400  # days of calendar read at once: enough for any step's time limit


def _listed(start: date, end: date) -> dict[date, bool]:
    return dict(CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "workday"))


def is_workday(day: date, listed: dict[date, bool] | None = None) -> bool:
    listed = listed if listed is not None else _listed(day, day)
    return listed.get(day, day.weekday() < 5)


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`, at the same time of day (one query)."""
    listed = _listed(start.date(), start.date() + timedelta(days=HORIZON))
    moment, left = start, days
    while left > 0:
        moment += timedelta(days=1)
        if is_workday(moment.date(), listed):
            left -= 1
    return moment


def working_days_between(start: date, end: date) -> int:
    """Working days from `start` to `end`, both included."""
    if end < start:
        return 0
    listed = _listed(start, end)
    return sum(is_workday(start + timedelta(days=i), listed) for i in range((end - start).days + 1))
