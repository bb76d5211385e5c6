"""Pages for the inbox, my requests, processes and tasks: thin views over `services` and `selectors`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.paging import CappedPaginator as Paginator
from governance.pages import attempt
from governance.selectors import can_act, post_names

from . import chart
from .engine.act import RESUBMIT_TITLE, is_countersign, is_delegated, is_revise
from .engine.plan import step_title
from .forms import AddApproverForm, CancelForm, CopyForm, HandForm, WithdrawForm, task_form_class
from .models import ApprovalProcess, ProcessEvent, Route, RouteStep, State
from .registry import KINDS, step_for
from .rows import task_name
from .opinions import opinions_of
from .selectors import inbox_for_user, open_task_for_user, process_get_or_404, requests_of_user, step_rows
from .services import (can_cancel, can_remind, can_withdraw, process_withdraw, task_act, task_actions, task_claim,
                       task_unclaim)

PAGE_SIZE = 20
ACTION_LABELS = {"approve": "同意", "reject": "驳回", "return": "退回"}
CONFIRMS = {"approve": "确定提交?", "reject": "确定驳回?驳回后流程结束。", "return": "确定退回?"}


# ---------------------------------------------------------------- helpers

def _step_label(process: ApprovalProcess | None, names: dict) -> str:
    """What is being waited for: the step title, or the submitter's revision."""
    if process is None or not process.is_open:
        return "—"
    if process.state == State.RETURNED:
        return RESUBMIT_TITLE
    return step_title(process.current_step, names) if process.current_step else "—"


def _action_buttons(task, process, user) -> list[tuple[str, str]]:
    step = process.current_step or {}
    buttons = []
    for action in task_actions(task, process, user):
        label = ACTION_LABELS[action]
        if action == "approve" and is_delegated(task):
            label = "提交办理意见(交回委派人确认)" if task.owner_id == user.pk else label
        elif action == "approve":
            label = "重新提交" if is_revise(task) else step_for(step["step"]).approve_label
        buttons.append((action, label))
    return buttons


def _may_hand(task, process, user, buttons) -> bool:
    """转办/委派/加签 are offered to whoever may take the task now, except on a revision, a delegated task or a
    countersign (the service checks the same)."""
    return bool(buttons) and task.owner_id in (None, user.pk) and not (
        is_revise(task) or is_delegated(task) or is_countersign(process.current_step))


def _process_context(process: ApprovalProcess, user) -> dict:
    spec = process.kind_spec
    return {
        "process": process,
        "kind": spec,
        "kind_template": spec.template or "workflows/kinds/default.html",
        **spec.page_context(process, user),
        "steps": step_rows(process),
        "events": process.events.select_related("actor", "org_unit").order_by("at", "id"),
        "returned": process.state == State.RETURNED,
        "subject_url": spec.subject_url(process.subject) if process.subject_id else "",
    }


def _form_class(task, process):
    """The action form joined with the step's own fields (or, for a revision, the kind's request fields)."""
    if is_revise(task):
        return task_form_class(process.kind_spec.resubmit_form)
    step = step_for(process.current_step["step"]) if process.current_step else None
    return task_form_class(step.form_class if step else None)


def _delegate_back(task, process, user):
    """委派 came back: the delegate's opinion, for the owner to confirm (the trail's last word on this task)."""
    if task.owner_id != user.pk or is_delegated(task):
        return None
    last = process.events.filter(task_id=task.pk).order_by("-id").first()
    return last if last and last.action == ProcessEvent.Action.DELEGATE_DONE else None


def task_page(request, task, process, form=None, status=200, operation_forms=None):
    buttons = _action_buttons(task, process, request.user)
    context = _process_context(process, request.user)
    may_hand = _may_hand(task, process, request.user, buttons)
    forms_in = operation_forms or {}
    if may_hand:
        context["operations"] = [
            ("transfer", "转办", "交给他人办理,由对方决定。", forms_in.get("transfer") or HandForm(
                process=process, user=request.user, auto_id="id_transfer_%s")),
            ("delegate", "委派", "请他人办理后交回您确认。", forms_in.get("delegate") or HandForm(
                process=process, user=request.user, auto_id="id_delegate_%s")),
            ("add_approver", "加签", "在本环节之前或之后增加一位审批人。", forms_in.get("add_approver") or AddApproverForm(
                process=process, user=request.user, auto_id="id_add_%s")),
        ]
    context.update({
        "confirms": CONFIRMS,
        "delegate_back": _delegate_back(task, process, request.user),
        "return_event": process.events.filter(action=ProcessEvent.Action.RETURN).select_related("actor")
        .order_by("-id").first() if is_revise(task) else None,
        "buttons_actions": [action for action, _ in buttons],
        "opinions": opinions_of(user=request.user),
        "open_operation": next(iter(forms_in), ""),
        "task": task,
        "form": form or _form_class(task, process)(process=process),
        "buttons": buttons,
        "is_revise": is_revise(task),
        "claimable": task.owner_id is None and bool(buttons),
        "unclaimable": task.owner_id == request.user.pk and task.status == "ASSIGNED" and not is_revise(task),
        "step_label": task_name(task, process, post_names()),
        "excluded": not buttons and task.status in ("NEW", "ASSIGNED"),
    })
    return render(request, "workflows/task.html", context, status=status)


def process_page(request, process, status=200, operation_forms=None):
    context = _process_context(process, request.user)
    forms_in, user = operation_forms or {}, request.user
    acting = can_act(user) or user.is_superuser
    context.update({
        "my_task": inbox_for_user(user=user).filter(process_id=process.pk).first(),
        "can_withdraw": can_withdraw(process, user),
        "can_cancel": can_cancel(process, user),
        "can_remind": can_remind(process, user),
        "cancel_form": forms_in.get("cancel") or CancelForm(auto_id="id_cancel_%s"),
        "copy_form": (forms_in.get("copy") or CopyForm(process=process, user=user, auto_id="id_copy_%s"))
        if acting else None,
        "open_operation": next(iter(forms_in), ""),
        "withdraw_form": WithdrawForm(),
        "step_label": _step_label(process, post_names()),
    })
    return render(request, "workflows/process_detail.html", context, status=status)


# ---------------------------------------------------------------- pages

@login_required
def my_requests(request):
    page = Paginator(requests_of_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    names = post_names()
    rows = [{"process": p, "step": _step_label(p, names), "can_withdraw": can_withdraw(p, request.user)}
            for p in page.object_list]
    return render(request, "workflows/requests.html", {"page": page, "rows": rows, "withdraw_form": WithdrawForm()})


@login_required
def task_detail(request, task_id):
    task, process = open_task_for_user(task_id=task_id, user=request.user)
    if request.method != "POST":
        return task_page(request, task, process)
    form = _form_class(task, process)(request.POST, process=process)
    if not form.is_valid():
        return task_page(request, task, process, form, status=400)
    action = form.cleaned_data["action"]
    label = dict(_action_buttons(task, process, request.user)).get(action, ACTION_LABELS[action])
    data = form.service_data() if action == "approve" else {}
    if action == "return" and form.cleaned_data.get("to_step") is not None:
        data = {"to_step": form.cleaned_data["to_step"]}
    done, status = attempt(request, lambda: task_act(
        task_id=task.pk, user=request.user, action=action, comment=form.cleaned_data["comment"], data=data),
        form=form)
    if not done:
        task, process = open_task_for_user(task_id=task_id, user=request.user)
        return task_page(request, task, process, form if status == 400 else None, status=status)
    messages.success(request, f"审批单 {done.number}:已{label}。")
    return redirect("workflows:inbox")


@login_required
@require_POST
def task_claim_view(request, task_id):
    task, status = attempt(request, lambda: task_claim(task_id=task_id, user=request.user))
    if not task:
        task, process = open_task_for_user(task_id=task_id, user=request.user)
        return task_page(request, task, process, status=status)
    messages.success(request, "已签收,请处理。")
    return redirect("workflows:task", task_id=task.pk)


@login_required
@require_POST
def task_unclaim_view(request, task_id):
    task, status = attempt(request, lambda: task_unclaim(task_id=task_id, user=request.user))
    if not task:
        task, process = open_task_for_user(task_id=task_id, user=request.user)
        return task_page(request, task, process, status=status)
    messages.success(request, "已放弃签收,任务已退回岗位待办。")
    return redirect("workflows:inbox")


@login_required
def process_detail(request, pk):
    return process_page(request, process_get_or_404(user=request.user, pk=pk))


@login_required
@require_POST
def process_withdraw_view(request, pk):
    process = process_get_or_404(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    withdrawn, status = attempt(request, lambda: process_withdraw(process=process, user=request.user,
                                                                  comment=comment))
    if not withdrawn:
        return process_page(request, process_get_or_404(user=request.user, pk=pk), status=status)
    messages.success(request, f"审批单 {withdrawn.number} 已撤回。")
    return redirect("workflows:requests")


@login_required
def process_chart(request, pk):
    """The request's own route, in Chinese, with its current step highlighted (SVG)."""
    process = process_get_or_404(user=request.user, pk=pk)
    return HttpResponse(chart.route_svg(process), content_type="image/svg+xml")


@login_required
def flow_list(request):
    steps = Prefetch("steps", queryset=RouteStep.objects.select_related("post").order_by("order"))
    routes = list(Route.objects.prefetch_related(steps).order_by("kind", "category", "tier"))
    flows = [{"kind": kind, "routes": [r for r in routes if r.kind == code]} for code, kind in KINDS.items()]
    return render(request, "workflows/flows.html", {"flows": flows})
