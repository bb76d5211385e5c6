"""Excel exports (导出): which reports exist, their columns and rows, and the streaming .xlsx writer.

Each report's rows come from the same selector as its list (governance.selectors.channel_list,
workflows.selectors.process_list, governance.outbound_selectors.agent_list) or, for the audit log, from
reports.selectors; nothing here scopes or filters on its own.
"""
import datetime
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator

from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from commission.exports import POLICY_EXPORT_COLUMNS, policy_export_rows, policy_export_total
from commission.filters import PolicyFilter
from commission.selectors import policy_list
from governance.filters import ChannelFilter
from governance.models import Channel
from governance.outbound_filters import AgentFilter
from governance.outbound_selectors import agent_list, current_certificate
from governance.selectors import channel_list
from governance.validators_text import xml_safe
from workflows.filters import ProcessFilter
from workflows.registry import KINDS
from workflows.selectors import process_list

from .audit import audit_log_rows, audit_log_total, audit_log_validate
from .forms import AuditLogFilterForm
from .models import ExportJob

CHUNK = 2000  # rows per database fetch and per progress update
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_CHARS = 32_767  # Excel's limit; a longer text makes Excel "repair" the file
NOT_OPEN = "该报表尚未开放。"
# Keys a list's query string carries that are not filters: ignored, the export holds every page.
PAGING_KEYS = ("page", "page_size")


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    width: int = 14


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _field(name: str, width: int = 14, display: bool = False) -> Column:
    field = Channel._meta.get_field(name)
    if display:
        getter = f"get_{name}_display"
        return Column(str(field.verbose_name), lambda c: getattr(c, getter)(), width)
    return Column(str(field.verbose_name), lambda c: getattr(c, name), width)


CHANNEL_COLUMNS = [
    Column("渠道编号", lambda c: c.pk, 8),
    _field("node_code", 16), _field("boss_code", 16), _field("name", 28),
    _field("channel_type", 14, display=True), _field("star_level", 6, display=True),
    Column("归属单位", lambda c: c.org_unit.name, 14), Column("归属单位编码", lambda c: c.org_unit.code, 12),
    _field("status", 8, display=True), _field("address", 36),
    _field("longitude", 12), _field("latitude", 12), _field("opening_hours", 14), _field("floor_area", 10),
    _field("staff_count", 8), _field("operator_company", 28), _field("credit_code", 22),
    _field("legal_representative", 10), _field("contact_mobile", 14), _field("bank_name", 16),
    _field("bank_account", 24), _field("deposit", 12), _field("contract_number", 16),
    _field("contract_start", 12), _field("contract_end", 12), _field("business_scope", 24),
    _field("created_at", 18), _field("updated_at", 18),
]

PROCESS_COLUMNS = [
    Column("审批单号", lambda p: p.number, 20),
    Column("流程", lambda p: p.get_kind_display(), 12),
    Column("状态", lambda p: p.get_state_display(), 12),
    Column("申请单位", lambda p: p.org_unit.name, 14),
    Column("审批事项", lambda p: p.title, 28),
    Column("申请人", lambda p: _person(p.requester) or "系统", 12),
    Column("申请人账号", lambda p: p.requester.username if p.requester_id else "", 14),
    Column("发起时间", lambda p: p.created, 18),
    Column("办结时间", lambda p: p.finished, 18),
    Column("当前岗位", lambda p: p.current_post.name if p.current_post_id else "", 16),
    Column("当前处理单位", lambda p: p.current_unit.name if p.current_unit_id else "", 14),
    Column("报批/报备", lambda p: p.get_filing_display(), 10),
    Column("申请说明", lambda p: p.comment, 36),
]


def _kind_columns(filters: dict) -> list:
    """A list narrowed to one kind also shows that kind's own columns (e.g. a change's 生效日期)."""
    kind = KINDS.get(filters.get("kind", ""))
    return list(kind.columns) if kind else []


def _certificate(value: Callable[[Any], Any], title: str, width: int = 12) -> Column:
    """A column of the agent's current certificate; empty for an agent without one."""
    def cell(agent):
        certificate = current_certificate(agent)
        return value(certificate) if certificate else ""
    return Column(title, cell, width)


CERTIFICATE_COLUMNS = [  # one row per agent of the agent list (governance.outbound_selectors.agent_list)
    Column("人员编号", lambda a: a.pk, 8), Column("工号", lambda a: a.employee_no, 12), Column("姓名", lambda a: a.name, 10),
    Column("所属单位", lambda a: a.org_unit.name, 14), Column("所属单位编码", lambda a: a.org_unit.code, 12),
    Column("岗位等级", lambda a: a.get_post_level_display(), 8), Column("在岗", lambda a: "是" if a.active else "否", 6),
    _certificate(lambda c: c.pk, "证书编号", 8), _certificate(lambda c: c.get_level_display(), "证书等级", 8),
    Column("证书状态", lambda a: current_certificate(a).current_status_display if current_certificate(a) else "无证书",
           8),
    _certificate(lambda c: c.issued_on, "发证日期"), _certificate(lambda c: c.valid_from, "生效日期"),
    _certificate(lambda c: c.valid_to, "到期日期"), _certificate(lambda c: c.status_reason, "暂停/吊销原因", 30),
]

AUDIT_COLUMNS = [  # rows come ready-made from reports.audit.audit_log_rows
    Column("时间", None, 18), Column("操作人", None, 12), Column("账号", None, 14), Column("岗位", None, 16),
    Column("单位", None, 14), Column("类别", None, 12), Column("对象", None, 28), Column("动作", None, 12),
    Column("环节/变更内容", None, 48), Column("意见/原因", None, 40),
]


@dataclass(frozen=True)
class ReportSpec:
    """How one report validates its filters and streams its rows."""

    name: str
    filter_names: tuple[str, ...]
    columns: list[Column]
    validate: Callable[..., None]  # (user, filters) → None, or ValidationError
    total: Callable[..., int]
    rows: Callable[..., Iterator[list]]
    extra_columns: Callable[[dict], list] = lambda filters: []

    def columns_for(self, filters: dict) -> list[Column]:
        return self.columns + self.extra_columns(filters)

    @property
    def title(self) -> str:
        return ExportJob.Report(self.name).label


def _queryset_report(name, filterset_class, selector, columns, extra=lambda filters: []) -> ReportSpec:
    def rows(user, filters):
        queryset = selector(user=user, filters=filters)
        chosen = columns + extra(filters)
        for obj in queryset.iterator(chunk_size=CHUNK):
            yield [column.value(obj) for column in chosen]

    return ReportSpec(
        name=name, filter_names=tuple(filterset_class.base_filters), columns=columns, extra_columns=extra,
        validate=lambda user, filters: selector(user=user, filters=filters),  # builds, never evaluates
        total=lambda user, filters: selector(user=user, filters=filters).count(),
        rows=rows,
    )


REPORTS: dict[str, ReportSpec] = {
    ExportJob.Report.CHANNELS: _queryset_report(ExportJob.Report.CHANNELS, ChannelFilter, channel_list,
                                                CHANNEL_COLUMNS),
    ExportJob.Report.PROCESSES: _queryset_report(ExportJob.Report.PROCESSES, ProcessFilter, process_list,
                                                 PROCESS_COLUMNS, _kind_columns),
    ExportJob.Report.CERTIFICATES: _queryset_report(ExportJob.Report.CERTIFICATES, AgentFilter, agent_list,
                                                    CERTIFICATE_COLUMNS),
    ExportJob.Report.COMMISSION_POLICIES: ReportSpec(  # one row per rule, with the policy's columns
        name=ExportJob.Report.COMMISSION_POLICIES, filter_names=tuple(PolicyFilter.base_filters),
        columns=[Column(title, None, width) for title, width in POLICY_EXPORT_COLUMNS],
        validate=lambda user, filters: policy_list(user=user, filters=filters),
        total=lambda user, filters: policy_export_total(user=user, filters=filters),
        rows=lambda user, filters: policy_export_rows(user=user, filters=filters),
    ),
    ExportJob.Report.AUDIT_LOG: ReportSpec(
        name=ExportJob.Report.AUDIT_LOG, filter_names=tuple(AuditLogFilterForm.base_fields), columns=AUDIT_COLUMNS,
        validate=lambda user, filters: audit_log_validate(filters),
        total=lambda user, filters: audit_log_total(user=user, filters=filters),
        rows=lambda user, filters: audit_log_rows(user=user, filters=filters),
    ),
}


def report_spec(name: str) -> ReportSpec:
    """The spec of an open report; ValidationError (400) for an unknown or not yet open one."""
    if name not in ExportJob.Report.values:
        raise ValidationError({"report": f"未知的报表“{name}”,可选:{'、'.join(ExportJob.Report.values)}。"})
    if name not in REPORTS:
        raise ValidationError({"report": NOT_OPEN})
    return REPORTS[name]


def clean_filters(spec: ReportSpec, filters) -> dict[str, str]:
    """The filters as the list's query string would carry them: known names, single text values."""
    if filters is None:
        return {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": "筛选条件应为对象,如 {\"status\": \"active\"}。"})
    cleaned, errors = {}, {}
    for key, value in filters.items():
        if key in PAGING_KEYS:
            continue
        if key not in spec.filter_names:
            errors[str(key)[:64]] = [f"未知的筛选条件,{spec.title}可用:{'、'.join(spec.filter_names)}。"]
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float, Decimal)):
            value = str(value)
        if value is None or value == "":
            continue
        if isinstance(value, str):
            cleaned[key] = value  # checked by the report's FilterSet or form, like the list's query string
        else:
            errors[key] = ["筛选条件的值应为单个文字或数字。"]
    if errors:
        raise ValidationError(errors)
    return cleaned


# ---------------------------------------------------------------- the .xlsx writer

def _cell(ws, value):
    """A Python value as Excel stores it: local naive times, only XML 1.0 characters (a U+FFFE or a control
    character makes the file unwritable or unreadable), text never a formula."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, str):
        value = xml_safe(value)[:MAX_CELL_CHARS]
        if value.startswith("="):  # openpyxl would write "=..." as a formula
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
            return cell
    return value


def write_xlsx(target, *, title: str, columns: list[Column], rows: Iterable[list],
               on_progress: Callable[[int], None] = lambda n: None, description: str = "") -> int:
    """Stream `rows` into a one-sheet workbook (write-only mode, so memory stays flat whatever the size).

    Exactly one header row, then one row per item of `rows`, no totals. `on_progress(rows_done)` is
    called every CHUNK rows. Returns the number of data rows."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    workbook.properties.creator = "渠道审批系统"
    workbook.properties.description = description
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    done = 0
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
        done += 1
        if done % CHUNK == 0:
            on_progress(done)
    workbook.save(target)
    return done


def describe(job: ExportJob) -> str:
    filters = json.dumps(job.filters, ensure_ascii=False, sort_keys=True) if job.filters else "无"
    text = f"{job.get_report_display()};导出人:{job.requested_by.username};筛选条件:{filters};导出任务 #{job.pk}"
    return xml_safe(text)


def download_name(job: ExportJob) -> str:
    when = timezone.localtime(job.finished or job.created).strftime("%Y%m%d-%H%M")
    return f"{job.get_report_display()}-{when}.xlsx"
