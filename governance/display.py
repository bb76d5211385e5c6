"""How stored channel values read to a person (pages, process pages, documents)."""
import datetime

from django.utils import timezone

from .models import Channel


def display_value(field_name: str, value, units: dict | None = None):
    """A stored value as a person reads it."""
    if value in (None, ""):
        return "—"
    field = Channel._meta.get_field(field_name)
    if field_name == "org_unit":
        unit = units.get(value if isinstance(value, int) else getattr(value, "pk", value)) if units else None
        return unit or value
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if field_name == "created_by":
        return value.get_full_name() or value.username
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    return value


def person(user) -> str:
    """A user as the trail and forms name them; nobody is the system."""
    return (user.get_full_name() or user.username) if user else "系统"
