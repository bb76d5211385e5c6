"""Time limits in working days (weekends and listed holidays do not count), reminders before and at the
deadline, then what the route says: escalate, approve or return. The clock is moved, never slept on."""
from datetime import date, datetime, time, timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from config.celery import app
from governance.calendar import add_working_days, working_days_between
from governance.models import CalendarDay, Notification, Post
from workflows import services
from workflows.models import ProcessEvent, RouteStep


def at(day: date, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


MONDAY = date(2026, 11, 30)


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days(db):
    assert add_working_days(at(MONDAY), 5) == at(MONDAY + timedelta(days=7))  # next Monday
    CalendarDay.objects.create(day=MONDAY + timedelta(days=1), workday=False, name="假日")  # Tuesday off
    assert add_working_days(at(MONDAY), 5) == at(MONDAY + timedelta(days=8))
    CalendarDay.objects.create(day=MONDAY + timedelta(days=5), workday=True, name="调休上班")  # Saturday on
    assert add_working_days(at(MONDAY), 5) == at(MONDAY + timedelta(days=7))
    assert working_days_between(MONDAY, MONDAY + timedelta(days=6)) == 5


def _limit(days=2, on_timeout="remind", escalate=None):
    RouteStep.objects.filter(route__kind="onboarding", route__category="own_hall", post__code="channel_supervisor") \
        .update(due_days=days, on_timeout=on_timeout,
                escalate_post=Post.objects.get(code=escalate) if escalate else None)


def _started(svc):
    with time_machine.travel(at(MONDAY), tick=False):
        return svc.onboard()


def test_a_step_gets_its_due_time_and_reminders_before_and_at_it(svc):
    _limit(days=2)
    process = _started(svc)
    assert timezone.localtime(process.step_due) == at(MONDAY + timedelta(days=2))
    sent = lambda: Notification.objects.filter(recipient__username="zz_supervisor", event="task.deadline").count()
    with time_machine.travel(at(MONDAY + timedelta(days=1), 9)):  # more than a day before: nothing yet
        services.deadlines_sweep()
    assert sent() == 0
    with time_machine.travel(at(MONDAY + timedelta(days=1), 11)):
        services.deadlines_sweep()
        services.deadlines_sweep()  # once
    assert sent() == 1
    with time_machine.travel(at(MONDAY + timedelta(days=2), 11)):
        assert services.deadlines_sweep() == 1
        assert services.deadlines_sweep() == 0
    assert sent() == 2
    assert Notification.objects.filter(recipient__username="zz_manager", event="task.deadline").count() == 1
    assert process.events.filter(action=ProcessEvent.Action.TIMEOUT).count() == 1


def test_past_the_deadline_the_task_escalates_to_the_superior_post(svc):
    _limit(days=1, on_timeout="escalate", escalate="branch_leader")
    process = _started(svc)
    with time_machine.travel(at(MONDAY + timedelta(days=1), 11)):
        services.deadlines_sweep()
    process.refresh_from_db()
    assert process.current_post.code == "branch_leader" and svc.task("zz_supervisor", process) is None
    assert svc.task("zz_leader", process) is not None
    assert "转郑州分公司分管领导办理" in process.events.get(action=ProcessEvent.Action.TIMEOUT).comment


@pytest.mark.parametrize("rule, state, step", [("approve", "in_review", "branch_leader"), ("return", "returned", None)])
def test_past_the_deadline_the_system_approves_or_returns_as_the_route_says(svc, rule, state, step):
    _limit(days=1, on_timeout=rule)
    process = _started(svc)
    svc.user("zz_supervisor")
    task = svc.task("zz_supervisor", process)
    services.task_claim(task_id=task.pk, user=svc.user("zz_supervisor"))  # even a claimed task
    with time_machine.travel(at(MONDAY + timedelta(days=1), 11)):
        services.deadlines_sweep()
    process.refresh_from_db()
    assert process.state == state
    assert (process.current_post.code if process.current_post else None) == step
    decided = process.events.filter(action__in=["approve", "return"]).get()
    assert decided.actor is None and decided.post == "系统" and "超过办理时限" in decided.comment


def test_a_substitute_takes_new_tasks_while_someone_is_out_of_office(svc):
    from governance.models import Substitution

    Substitution.objects.create(user=svc.user("zz_supervisor"), substitute=svc.user("zz_support"),
                                starts=timezone.localdate(), ends=timezone.localdate() + timedelta(days=3))
    process = svc.onboard()
    assert Notification.objects.filter(recipient__username="zz_support", event="task.new").exists()
    assert not Notification.objects.filter(recipient__username="zz_supervisor", event="task.new").exists()
    process = svc.act("zz_support", process, comment="同意")
    event = process.events.get(action="approve")
    assert (event.actor.username, event.post, event.post_code) == ("zz_support", "渠道主管", "channel_supervisor")
    assert event.comment.startswith("【代理郑州渠道主管】")
    with time_machine.travel(timezone.now() + timedelta(days=5)):  # back in office: the cover ends
        later = svc.onboard()
        assert svc.task("zz_support", later) is None and svc.task("zz_supervisor", later) is not None


def test_beat_schedules_every_sweep_and_each_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"workflows.tasks.sweep_deadlines", "workflows.tasks.settle_filings",
            "workflows.tasks.fire_due_timers", "governance.tasks.remind_expiring_certificates"} <= scheduled
    assert scheduled <= set(app.tasks)


def test_the_clock_command_escalates_a_step_past_its_deadline(svc):
    """Without a broker scripts/run.sh runs beat's schedule through `manage.py run_clock`."""
    _limit(days=1, on_timeout="escalate", escalate="branch_leader")
    process = _started(svc)
    with time_machine.travel(at(MONDAY + timedelta(days=1), 11)):
        out = StringIO()
        call_command("run_clock", stdout=out)
    assert "sweep-deadlines: 1" in out.getvalue()
    assert process.events.filter(action=ProcessEvent.Action.TIMEOUT).count() == 1
