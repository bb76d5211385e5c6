"""Pages for the inbox, my requests, processes and tasks: thin views over `services` and `selectors`.

`task_redirect` is the node view Viewflow needs (flows.py); it sends a task to its page here.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from config.paging import CappedPaginator as Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.models import CORE_FIELDS, Channel
from governance.selectors import post_names
from governance.pages import attempt
from governance.views import display_value

from . import routes
from .forms import TaskActionForm, WithdrawForm
from .models import ApprovalProcess, ProcessKind, Route, RouteStep
from .selectors import (change_rows, copies_for_user, inbox_for_user, open_task_for_user, processes_by_id,
                        requests_of_user, step_rows)
from .services import can_withdraw, process_get_or_404, process_withdraw, task_act, task_actions, task_claim

PAGE_SIZE = 20
COPIES_SHOWN = 20
REVISE_TITLE = "修改后重新提交"
ACTION_LABELS = {"approve": "同意", "reject": "驳回", "return": "退回修改"}
APPROVE_LABELS = {routes.ASSIGN_CODE: "提交编码", routes.CHECK: "确认完成"}
FLOW_NOTES = {
    "onboarding": "渠道经理录入渠道并提交,按渠道类型的路由逐级审批(报批类型需省市场经营部审批,报备类型抄送省市场经营部),"
                  "最后由分公司业务支援中心分配BOSS渠道编码,渠道生效。任一审批人可退回修改,申请人修改后在原流程中重新提交。",
    "change": "核心信息变更按该渠道类型的新增路由审批;变更开户银行、银行账号、经营单位或统一社会信用代码时增加省财务部审批,"
              "变更归属单位时增加接收单位分管领导会签。审批通过后于生效日期生效。",
    "exit": "退出按该渠道类型的新增路由审批,之后由各岗位逐项确认退出清单(酬金结清、保证金退还、终端及库存回收、BOSS编码关闭),"
            "全部确认后渠道关闭,历史记录保留。",
}
CHANNEL_FACTS = ("node_code", "boss_code", *CORE_FIELDS, "contact_mobile", "deposit", "contract_number",
                 "contract_start", "contract_end", "status")


def task_redirect(request, **kwargs):
    return redirect("workflows:task", task_id=kwargs.get("task_pk"))


# ---------------------------------------------------------------- helpers

def _is_revise(task) -> bool:
    return task.flow_task.name == "revise"


def _step_label(process: ApprovalProcess | None, post_names: dict, task=None) -> str:
    """What is being waited for: the step title, or the submitter's revision."""
    if process is None:
        return "—"
    if (task is not None and _is_revise(task)) or process.state == ApprovalProcess.State.RETURNED:
        return REVISE_TITLE
    step = process.current_step
    if process.is_open and step:
        return routes.step_title(step, post_names)
    return "—"


def _action_buttons(task, process, user) -> list[tuple[str, str]]:
    step_action = (process.current_step or {}).get("action")
    buttons = []
    for action in task_actions(task, process, user):
        label = ACTION_LABELS[action]
        if action == "approve":
            label = "重新提交" if _is_revise(task) else APPROVE_LABELS.get(step_action, label)
        buttons.append((action, label))
    return buttons


def _channel_facts(channel: Channel | None) -> list[dict]:
    if channel is None:
        return []
    return [{"label": Channel._meta.get_field(name).verbose_name,
             "value": display_value(name, getattr(channel, name))} for name in CHANNEL_FACTS]


def _process_context(process: ApprovalProcess) -> dict:
    return {
        "process": process,
        "channel_facts": _channel_facts(process.channel),
        "change_rows": change_rows(process) if process.kind == ProcessKind.CHANGE else [],
        "steps": step_rows(process),
        "events": process.events.select_related("actor").order_by("at", "id"),
        "returned": process.state == ApprovalProcess.State.RETURNED,
    }


def _task_page(request, task, process, form=None, status=200):
    buttons = _action_buttons(task, process, request.user)
    context = _process_context(process)
    context.update({
        "task": task,
        "form": form or TaskActionForm(),
        "buttons": buttons,
        "is_revise": _is_revise(task),
        "needs_boss_code": bool(buttons) and not _is_revise(task)
                           and (process.current_step or {}).get("action") == routes.ASSIGN_CODE,
        "claimable": task.owner_id is None and bool(buttons),
        "step_label": _step_label(process, post_names(), task),
        "own_request": not buttons and task.status in ("NEW", "ASSIGNED"),
    })
    return render(request, "workflows/task.html", context, status=status)


def _process_page(request, process, status=200):
    context = _process_context(process)
    context.update({
        "my_task": inbox_for_user(user=request.user).filter(process_id=process.pk).first(),
        "can_withdraw": can_withdraw(process, request.user),
        "withdraw_form": WithdrawForm(),
        "step_label": _step_label(process, post_names()),
    })
    return render(request, "workflows/process_detail.html", context, status=status)


def _svg(flow_class, process_pk=None) -> HttpResponse:
    from viewflow.workflow import chart

    grid = chart.calc_layout_data(flow_class)
    if process_pk is not None:
        chart.calc_cell_status(flow_class, grid, process_pk)
    return HttpResponse(chart.grid_to_svg(grid), content_type="image/svg+xml")


# ---------------------------------------------------------------- pages

@login_required
def inbox(request):
    page = Paginator(inbox_for_user(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    tasks = list(page.object_list)
    copies = list(copies_for_user(user=request.user)[:COPIES_SHOWN])
    processes = processes_by_id([t.process_id for t in tasks] + [c.process_id for c in copies])
    names = post_names()
    rows = [{"task": t, "process": processes.get(t.process_id),
             "step": _step_label(processes.get(t.process_id), names, t)} for t in tasks]
    copy_rows = [{"copy": c, "process": processes.get(c.process_id)} for c in copies]
    return render(request, "workflows/inbox.html", {"page": page, "rows": rows, "copies": copy_rows})


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
        return _task_page(request, task, process)
    form = TaskActionForm(request.POST)
    if not form.is_valid():
        return _task_page(request, task, process, form, status=400)
    action = form.cleaned_data["action"]
    label = dict(_action_buttons(task, process, request.user)).get(action, ACTION_LABELS[action])
    done, status = attempt(request, lambda: task_act(
        task_id=task.pk, user=request.user, action=action, comment=form.cleaned_data["comment"],
        data={"boss_code": form.cleaned_data["boss_code"]}), form=form)
    if not done:
        task, process = open_task_for_user(task_id=task_id, user=request.user)
        return _task_page(request, task, process, form if status == 400 else None, status=status)
    process = done
    messages.success(request, f"审批单 {process.number}:已{label}。")
    return redirect("workflows:inbox")


@login_required
@require_POST
def task_claim_view(request, task_id):
    task, status = attempt(request, lambda: task_claim(task_id=task_id, user=request.user))
    if not task:
        task, process = open_task_for_user(task_id=task_id, user=request.user)
        return _task_page(request, task, process, status=status)
    messages.success(request, "已签收,请处理。")
    return redirect("workflows:task", task_id=task.pk)


@login_required
def process_detail(request, pk):
    return _process_page(request, process_get_or_404(user=request.user, pk=pk))


@login_required
@require_POST
def process_withdraw_view(request, pk):
    process = process_get_or_404(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    withdrawn, status = attempt(request, lambda: process_withdraw(process=process, user=request.user,
                                                                  comment=comment))
    if not withdrawn:
        return _process_page(request, process_get_or_404(user=request.user, pk=pk), status=status)
    process = withdrawn
    messages.success(request, f"审批单 {process.number} 已撤回。")
    return redirect("workflows:requests")


@login_required
def process_chart(request, pk):
    from .flows import FLOWS

    process = process_get_or_404(user=request.user, pk=pk)
    if process.kind not in FLOWS:
        raise Http404("该流程没有流程图。")
    return _svg(FLOWS[process.kind], process.pk)


@login_required
def flow_chart(request, kind):
    from .flows import FLOWS

    if kind not in FLOWS:
        raise Http404("流程不存在。")
    return _svg(FLOWS[kind])


@login_required
def flow_list(request):
    from .flows import FLOWS

    steps = Prefetch("steps", queryset=RouteStep.objects.select_related("post").order_by("order"))
    all_routes = list(Route.objects.prefetch_related(steps).order_by("kind", "channel_type"))
    names = post_names()
    flows = [{"kind": kind, "label": ProcessKind(kind).label, "note": FLOW_NOTES.get(kind, ""),
              "routes": [r for r in all_routes if r.kind == kind]} for kind in FLOWS]
    return render(request, "workflows/flows.html", {
        "flows": flows,
        "exit_checklist": [{"label": label, "post": names.get(post, post), "social_only": social_only}
                           for _code, label, post, social_only in routes.EXIT_CHECKLIST],
    })
