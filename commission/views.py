"""Commission pages: thin views over commission.selectors / services; scope through the same selectors
as the API (a policy outside the user's subtree is a 404)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.paging import CappedPaginator as Paginator
from governance.extensions import subject_sections
from governance.pages import attempt
from governance.selectors import assignments_of, units_in_scope

from .estimate import policy_estimate
from .filters import PolicyFilter, VolumeFilter
from .forms import MonthForm, PolicyForm, RuleFormSet, UploadForm, rule_initial, rules_from
from .loader import LOADERS, volumes_import
from .models import CommissionPolicy
from .months import last_month, month_text, parse_month
from .rules import rule_label, rule_terms
from .selectors import (configuration_latest, configuration_recheck, policy_get_or_404, policy_list,
                        policy_versions, rules_for, version_changes, volume_list)
from .services import POLICY_EDITORS, policy_create, policy_revise, policy_update

PAGE_SIZE = 20


def _may(user, posts: set[str], policy: CommissionPolicy | None = None) -> bool:
    """Only decides which buttons to show; the services check again on every write."""
    if user.is_superuser:
        return True
    return any(a.post.code in posts and (policy is None or policy.org_unit.is_within(a.org_unit))
               for a in assignments_of(user))


def _rule_rows(owner) -> list[dict]:
    return [{"label": rule_label(rule), "terms": rule_terms(rule), "rule": rule} for rule in rules_for(owner)]


def _history(policy: CommissionPolicy) -> list:
    return list(policy.history.select_related("history_user").order_by("-history_date", "-history_id"))


@login_required
def policy_list_page(request):
    queryset = policy_list(user=request.user).annotate(rule_count=Count("rules"))
    filterset = PolicyFilter(request.GET or None, queryset=queryset)
    units = filterset.form.fields["org_unit"]
    units.queryset = units.queryset & units_in_scope(request.user)  # only the units one may see are offered
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "commission/policy_list.html", {
        "filter": filterset, "page": page, "may_create": _may(request.user, POLICY_EDITORS),
    })


@login_required
def policy_detail(request, pk):
    policy = policy_get_or_404(user=request.user, pk=pk)
    may_edit = _may(request.user, POLICY_EDITORS, policy)
    configuration = configuration_latest(policy)
    return render(request, "commission/policy_detail.html", {
        "policy": policy, "rules": _rule_rows(policy), "history": _history(policy),
        "can_edit": may_edit and policy.is_editable,
        "can_revise": may_edit and policy.status in CommissionPolicy.REVISABLE,
        "configuration": configuration, "configuration_rules": _rule_rows(configuration) if configuration else [],
        "recheck": configuration_recheck(policy) if configuration else None,
        "sections": subject_sections.render(request, policy),
    })


def _editor(request, *, policy=None):
    user = request.user
    initial = None
    if policy is not None:
        initial = {"org_unit": policy.org_unit_id, "name": policy.name, "valid_from": policy.valid_from,
                   "valid_to": policy.valid_to, "channel_types": policy.channel_types}
    post = request.POST if request.method == "POST" else None
    form = PolicyForm(post, user=user, policy=policy, initial=initial)
    shown = [rule_initial(r) for r in rules_for(policy)] if policy is not None and post is None else None
    rules = RuleFormSet(post, prefix="rules", initial=shown)  # a POST is read for what it holds
    status = 400 if post is not None else 200
    if post is not None and form.is_valid() and rules.is_valid():
        data = {**form.cleaned_data, "rules": rules_from(rules)}
        if policy is None:
            saved, status = attempt(request, lambda: policy_create(user=user, data=data), form=form)
        else:
            data.pop("org_unit")
            saved, status = attempt(request, lambda: policy_update(policy=policy, user=user, data=data), form=form)
        if saved:
            messages.success(request, f"酬金政策“{saved.name}”(第{saved.version}版)已保存。")
            return redirect("commission:policy_detail", pk=saved.pk)
    return render(request, "commission/policy_form.html", {
        "form": form, "rules": rules, "policy": policy,
        "title": f"编辑酬金政策:{policy}" if policy else "编制酬金政策",
    }, status=status)


@login_required
def policy_new(request):
    return _editor(request)


@login_required
def policy_edit(request, pk):
    policy = policy_get_or_404(user=request.user, pk=pk)
    if not policy.is_editable:
        messages.error(request, f"政策状态为“{policy.get_status_display()}”,不能修改;已批准的政策请创建修订版本。")
        return redirect("commission:policy_detail", pk=policy.pk)
    return _editor(request, policy=policy)


@login_required
@require_POST
def policy_revise_page(request, pk):
    policy = policy_get_or_404(user=request.user, pk=pk)
    revision, status = attempt(request, lambda: policy_revise(policy=policy, user=request.user))
    if revision is None:
        return redirect("commission:policy_detail", pk=policy.pk)
    messages.success(request, f"已创建第{revision.version}版草稿(替代第{policy.version}版),请修改后提交审批。")
    return redirect("commission:policy_edit", pk=revision.pk)


@login_required
def policy_versions_page(request, pk):
    policy = policy_get_or_404(user=request.user, pk=pk)
    versions = policy_versions(policy=policy)
    rows = [{"policy": v, "changes": version_changes(prev, v) if prev else None, "rules": _rule_rows(v)}
            for prev, v in zip([None, *versions], versions)]
    return render(request, "commission/policy_versions.html", {"policy": policy, "rows": list(reversed(rows))})


@login_required
def policy_estimate_page(request, pk):
    policy = policy_get_or_404(user=request.user, pk=pk)
    form = MonthForm(request.GET or None)
    month, status = last_month(), 200
    if form.is_valid() and form.cleaned_data["month"]:
        try:
            month = parse_month(form.cleaned_data["month"])
        except ValidationError as exc:
            form.add_error("month", exc.messages[0])
            status = 400
    estimate = policy_estimate(policy=policy, month=month)
    return render(request, "commission/policy_estimate.html", {
        "policy": policy, "form": form, "estimate": estimate, "month": month_text(month),
    }, status=status)


@login_required
def volumes_page(request):
    may_load = _may(request.user, LOADERS)
    form = UploadForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result, status = attempt(request, lambda: volumes_import(user=request.user, file=form.cleaned_data["file"]),
                                     form=form)
            if result and result["error_count"]:
                status = 400
                messages.error(request, f"共 {result['error_count']} 行有误,未导入任何数据。请改正后重新上传。")
            elif result:
                messages.success(request, f"已导入 {result['imported']} 行业务量。")
                return redirect("commission:volumes")
    filterset = VolumeFilter(request.GET or None, queryset=volume_list(user=request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "commission/volumes.html", {
        "form": form, "result": result, "filter": filterset, "page": page, "may_load": may_load,
    }, status=status)
