"""Months as the volume table stores them: the first day of the month; written YYYY-MM."""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

MONTH_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
FIRST_YEAR, LAST_YEAR = 2000, 2099
FIRST_DAY, LAST_DAY = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)
DATE_RANGE_MESSAGE = f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间。"


def parse_month(value) -> datetime.date:
    """'2026-10' (or a date/datetime) → date(2026, 10, 1); ValidationError in Chinese otherwise."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        year, month = value.year, value.month
    else:
        match = MONTH_RE.match(str(value or ""))
        if not match:
            raise ValidationError("月份应为 YYYY-MM 格式,如 2026-10。")
        year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValidationError("月份应在 01 至 12 之间。")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(f"年份应在 {FIRST_YEAR} 至 {LAST_YEAR} 之间。")
    return datetime.date(year, month, 1)


def month_end(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def last_month(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_text(month: datetime.date) -> str:
    return f"{month:%Y-%m}"
