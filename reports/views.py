"""Pages: the approval form PDF for the browser, the verification page for printed copies, Excel exports."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from config.paging import CappedPaginator as Paginator
from commission.filters import PolicyFilter
from governance.filters import ChannelFilter
from governance.outbound_filters import AgentFilter
from governance.models import OrgUnit
from governance.pages import attempt
from governance.selectors import units_in_scope
from workflows import services
from workflows.filters import ProcessFilter

from . import charts, dashboard
from .api import pdf_response
from .documents import approval_form_context
from .exports import NOT_OPEN, REPORTS, XLSX_CONTENT_TYPE, download_name
from .forms import AuditLogFilterForm, VerifyForm
from .models import ExportJob
from .selectors import document_verify, export_job_get_or_404, export_jobs_of
from .services import ACTIVE_WINDOW, export_request, may_export

MESSAGES = {
    "ok": "校验通过",
    "mismatch": "校验失败",
    "not_found": "未找到该审批单,或该审批单不在您的数据范围内。",
}


@login_required
@require_GET
def document_pdf(request, pk):
    return pdf_response(services.process_get_or_404(user=request.user, pk=pk))


@login_required
@require_GET
def document_verify_page(request):
    form = VerifyForm(request.GET or None)
    result = document = None
    if form.is_valid():
        result = document_verify(user=request.user, **form.cleaned_data)
        if result.status == "ok":
            document = approval_form_context(result.process)
    return render(request, "reports/verify.html", {
        "form": form, "result": result,
        "message": MESSAGES.get(result.status) if result else "", "document": document,
    })


# ---------------------------------------------------------------- Excel exports (导出)

EXPORTS_PAGE_SIZE = 20


def _open_reports() -> list[tuple[str, str]]:
    return [(name, spec.title) for name, spec in REPORTS.items()]


def _filter_form(report: str, data, user):
    """The filter form of a report, bound to `data`: the list's own FilterSet form (channels,
    processes) or the audit-log form. Unit pickers only offer the user's units."""
    if report == ExportJob.Report.AUDIT_LOG:
        return AuditLogFilterForm(data)
    filterset_class = {ExportJob.Report.CHANNELS: ChannelFilter,
                       ExportJob.Report.CERTIFICATES: AgentFilter,
                       ExportJob.Report.COMMISSION_POLICIES: PolicyFilter}.get(report, ProcessFilter)
    form = filterset_class(data=data, queryset=None).form
    units = units_in_scope(user)
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is not None:  # model and django-filter choice fields
            field.empty_label = "全部"
            if not isinstance(field, forms.ModelChoiceField):  # rebind the choices to this copy of the field
                field.choices = [choice for choice in field.choices if choice[0] != ""]
    if report == ExportJob.Report.COMMISSION_POLICIES:
        form.fields["org_unit"].queryset = units.filter(tier__in=[OrgUnit.Tier.PROVINCE, OrgUnit.Tier.CITY])
        form.fields["org_unit"].help_text = "该单位制定的政策(省公司的政策请选择河南省公司)。"
        return form
    channels = report in (ExportJob.Report.CHANNELS, ExportJob.Report.CERTIFICATES)
    form.fields["org_unit"] = forms.TypedChoiceField(
        label="归属单位" if channels else "申请单位", required=False, coerce=int,
        choices=[("", "全部"), *units.values_list("pk", "name")],
        help_text="含其下级单位。")
    if not channels:
        form.fields["channel"].label = "渠道编号"
    return form


def _filters_text(jobs, user) -> dict[int, list[str]]:
    """Each job's filters as a person reads them: 状态:正常, 归属单位:金水区."""
    units = dict(OrgUnit.objects.values_list("pk", "name"))
    forms_by_report, out = {}, {}
    for job in jobs:
        if job.report not in REPORTS:
            out[job.pk] = [f"{k}={v}" for k, v in job.filters.items()]
            continue
        form = forms_by_report.setdefault(job.report, _filter_form(job.report, None, user))
        texts = []
        for key, value in job.filters.items():
            field = form.fields.get(key)
            if field is None:
                texts.append(f"{key}={value}")
                continue
            shown = value
            if key == "org_unit":
                shown = units.get(int(value), value) if str(value).isdigit() else value
            elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                shown = dict((str(k), v) for k, v in field.choices).get(str(value), value)
            texts.append(f"{field.label}:{shown}")
        out[job.pk] = texts
    return out


@login_required
def export_list(request):
    page = Paginator(export_jobs_of(user=request.user), EXPORTS_PAGE_SIZE).get_page(request.GET.get("page"))
    texts = _filters_text(page.object_list, request.user)
    return render(request, "reports/exports.html", {
        "page": page, "reports": _open_reports(), "may_export": may_export(request.user),
        "rows": [(job, texts[job.pk]) for job in page.object_list],
        # refresh while a job runs; one stuck for longer than the active window (a lost worker) stops it
        "refresh": any(job.is_active and job.created >= timezone.now() - ACTIVE_WINDOW for job in page.object_list),
    })


@login_required
def export_new(request):
    data = request.POST if request.method == "POST" else request.GET
    report = data.get("report") or ExportJob.Report.CHANNELS
    if report not in REPORTS:
        messages.error(request, NOT_OPEN if report in ExportJob.Report.values else "未知的报表。")
        report = ExportJob.Report.CHANNELS
    spec = REPORTS[report]
    form = _filter_form(report, data, request.user)
    status = 200
    if request.method == "POST":
        filters = {name: data[name] for name in spec.filter_names if data.get(name, "") != ""}
        job, status = attempt(request, lambda: export_request(user=request.user, report=report, filters=filters),
                              form=form)
        if job is not None:
            messages.success(request, f"已提交“{spec.title}”导出,完成后可在下方下载。")
            return redirect("reports:exports")
    return render(request, "reports/export_new.html", {
        "form": form, "report": report, "title": spec.title, "reports": _open_reports(),
        "may_export": may_export(request.user),
    }, status=status)


@login_required
@require_GET
def export_download(request, pk):
    job = export_job_get_or_404(user=request.user, pk=pk)
    if job.status != ExportJob.Status.DONE:
        messages.error(request, f"该导出{job.get_status_display()},暂无可下载的文件。")
        return redirect("reports:exports")
    try:
        handle = job.file.open("rb")
    except (OSError, ValueError):
        messages.error(request, "导出文件已被清理,请重新导出。")
        return redirect("reports:exports")
    response = FileResponse(handle, as_attachment=True, filename=download_name(job), content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- process dashboard (流程看板)

@login_required
@require_GET
def process_dashboard(request):
    user = request.user
    times = dashboard.cycle_times(user)
    return render(request, "reports/dashboard.html", {
        "open": dashboard.open_by_kind_and_city(user),
        "times": times,
        "kind_chart": charts.bars_svg([(k["label"], k["p50"], k["p90"]) for k in times["kinds"]], unit="小时",
                                      title="各流程办理时长(中位数 / 90分位)"),
        "step_chart": charts.bars_svg([(s["label"], s["p50"], s["p90"]) for s in times["steps"]], unit="小时",
                                      title="各环节办理时长(中位数 / 90分位)"),
        "overdue": dashboard.overdue(user),
        "stalled": dashboard.stalled(user),
    })
