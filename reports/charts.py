"""Small server-side SVG charts (no script, no CDN): horizontal bars with their values, in Chinese."""
from django.utils.html import escape

ROW, LABEL_W, BAR_W, PAD = 26, 190, 300, 8


def bars_svg(rows: list[tuple[str, float, float | None]], *, unit: str, title: str) -> str:
    """One bar per row (label, value[, second value drawn as a tick, e.g. the 90th percentile])."""
    top = max([max(v, w or 0) for _l, v, w in rows] or [1]) or 1
    height = PAD * 2 + ROW * max(len(rows), 1)
    width = LABEL_W + BAR_W + 110
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
             f' role="img" font-family="Noto Sans CJK SC, sans-serif" font-size="12"><title>{escape(title)}</title>']
    for i, (label, value, second) in enumerate(rows):
        y = PAD + i * ROW
        length = max(1, round(BAR_W * value / top))
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end">{escape(label[:16])}</text>'
                     f'<rect x="{LABEL_W}" y="{y + 5}" width="{length}" height="14" fill="#1565c0"/>')
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        if second is not None:
            tick = LABEL_W + round(BAR_W * second / top)
            parts.append(f'<line x1="{tick}" y1="{y + 2}" x2="{tick}" y2="{y + 22}" stroke="#ef6c00" stroke-width="2"/>')
            text += f" / {second:.1f}"
        parts.append(f'<text x="{LABEL_W + BAR_W + 6}" y="{y + 16}">{escape(text)} {escape(unit)}</text>')
    if not rows:
        parts.append(f'<text x="{PAD}" y="{PAD + 16}">暂无数据</text>')
    parts.append("</svg>")
    return "".join(parts)
