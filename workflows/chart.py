"""The request's own route as an SVG (流程图): submission, each step of its plan, and its end, in Chinese,
with the current step highlighted. Drawn on the server; no script, no library."""
from django.utils.html import escape

from .models import ApprovalProcess, State
from .selectors import step_rows

WIDTH, BOX_W, BOX_H, GAP, TOP = 320, 296, 40, 26, 16
COLOURS = {  # fill, stroke
    "done": ("#e8f5e9", "#2e7d32"),
    "current": ("#e3f2fd", "#1565c0"),
    "returned": ("#fff3e0", "#ef6c00"),
    "stopped": ("#ffebee", "#c62828"),
    "waiting": ("#f5f5f5", "#9e9e9e"),
}
STATE_WORDS = {"done": "已完成", "current": "办理中", "returned": "待重新提交", "stopped": "已终止", "waiting": "未开始"}
ENDINGS = {State.COMPLETED: ("办结", "done"), State.REJECTED: ("已驳回", "stopped"),
           State.WITHDRAWN: ("已撤回", "stopped"), State.CANCELLED: ("已作废", "stopped"),
           State.SCHEDULED: ("待生效", "current"), State.APPROVED: ("执行中", "current")}


def _nodes(process: ApprovalProcess) -> list[tuple[str, str]]:
    start = ("提交申请", "returned" if process.state == State.RETURNED else "done")
    steps = [(row["title"], row["state"]) for row in step_rows(process)]
    end = ENDINGS.get(process.state, ("办结", "waiting"))
    return [start, *steps, end]


def _box(i: int, label: str, state: str) -> str:
    fill, stroke = COLOURS[state]
    x, y = (WIDTH - BOX_W) // 2, TOP + i * (BOX_H + GAP)
    width = 3 if state == "current" else 1.5
    text = escape(label if len(label) <= 19 else label[:18] + "…")
    return (f'<g><title>{escape(label)}:{STATE_WORDS[state]}</title>'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width}"/>'
            f'<text x="{WIDTH // 2}" y="{y + BOX_H // 2 + 5}" text-anchor="middle" font-size="14" '
            f'fill="#212121">{text}</text></g>')


def _arrow(i: int) -> str:
    y1 = TOP + i * (BOX_H + GAP) + BOX_H
    y2 = y1 + GAP - 4
    return (f'<line x1="{WIDTH // 2}" y1="{y1}" x2="{WIDTH // 2}" y2="{y2}" stroke="#757575" stroke-width="1.5" '
            f'marker-end="url(#arrow)"/>')


def route_svg(process: ApprovalProcess) -> str:
    nodes = _nodes(process)
    height = TOP * 2 + len(nodes) * BOX_H + (len(nodes) - 1) * GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="Noto Sans CJK SC, sans-serif">',
             f'<title>{escape(process.get_kind_display())}流程图:{escape(process.number)}</title>',
             '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="6" refY="4" orient="auto">'
             '<path d="M0,0 L8,4 L0,8 z" fill="#757575"/></marker></defs>']
    for i, (label, state) in enumerate(nodes):
        parts.append(_box(i, label, state))
        if i < len(nodes) - 1:
            parts.append(_arrow(i))
    parts.append("</svg>")
    return "".join(parts)
