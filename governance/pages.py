"""How a page runs one service call: domain errors become messages on the same page, never a 500.

NotAllowed is left to propagate: Django's 403 handler renders templates/403.html with its message.
"""
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError

from .errors import Conflict, TooSoon
from .forms import add_service_errors
from .models import Channel

DUPLICATE_MESSAGE = "编码或代码已被其他渠道使用,或数据已被他人修改,请核对后重试。"


def attempt(request, call, *, form=None):
    """Run `call()`; return (result, 200), or (None, 409) on a conflict and (None, 400) on bad input,
    with the messages on the form when there is one, else as error flashes."""
    try:
        return call(), 200
    except Conflict as exc:
        messages.error(request, exc.message)
        return None, 409
    except TooSoon as exc:
        messages.error(request, exc.message)
        return None, 429
    except IntegrityError:
        messages.error(request, DUPLICATE_MESSAGE)
        return None, 409
    except ValidationError as exc:
        if form is not None:
            add_service_errors(form, exc)
        else:
            for message in flat_messages(exc):
                messages.error(request, message)
        return None, 400


def flat_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return exc.messages
    out = []
    for name, msgs in exc.message_dict.items():
        try:
            label = Channel._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            label = ""
        out += [f"{label}:{m}" if label else m for m in msgs]
    return out
