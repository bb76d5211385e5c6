"""The process dashboard (流程看板): open requests by kind and city, cycle times per kind and per step (median and
90th percentile), steps past their time limit, and stalled requests, all within the reader's scope."""
from collections import defaultdict
from datetime import timedelta
from statistics import median, quantiles

from django.db.models import Count
from django.utils import timezone

from governance.models import OrgUnit
from workflows.models import OPEN_STATES, ApprovalProcess, ProcessEvent, State
from workflows.registry import KINDS
from workflows.selectors import done_actions, processes_for_user

WINDOW = timedelta(days=90)  # cycle times of the requests finished in this window
SAMPLE = 2000  # at most this many finished requests are read for cycle times
STALLED_AFTER = timedelta(days=5)


def _city_of(units: dict[int, OrgUnit]):
    by_code = {u.code: u for u in units.values()}

    def city(unit_id) -> str:
        parts = units[unit_id].path.strip("/").split("/")
        return by_code[parts[1]].name if len(parts) > 1 else by_code[parts[0]].name
    return city


def open_by_kind_and_city(user) -> dict:
    """{"cities": [...], "rows": [{"kind", "label", "counts": [...], "total"}]}."""
    units = {u.pk: u for u in OrgUnit.objects.only("pk", "code", "name", "path")}
    city = _city_of(units)
    grouped = (processes_for_user(user=user).filter(state__in=OPEN_STATES).order_by()
               .values("kind", "org_unit_id").annotate(n=Count("pk")))
    counts = defaultdict(lambda: defaultdict(int))
    for row in grouped:
        counts[row["kind"]][city(row["org_unit_id"])] += row["n"]
    cities = sorted({c for per_kind in counts.values() for c in per_kind})
    rows = [{"kind": code, "label": kind.label, "counts": [counts[code][c] for c in cities],
             "total": sum(counts[code].values())} for code, kind in KINDS.items() if counts.get(code)]
    return {"cities": cities, "rows": rows}


def _p50_p90(values: list[float]) -> tuple[float, float]:
    if len(values) == 1:
        return values[0], values[0]
    return median(values), quantiles(values, n=10, method="inclusive")[8]


def cycle_times(user, *, now=None) -> dict:
    """Hours from submission to the end, per kind, and from reaching a step to its decision, per step."""
    now = now or timezone.now()
    finished = list(processes_for_user(user=user).filter(state=State.COMPLETED, finished__gte=now - WINDOW)
                    .order_by("-finished").values_list("pk", "kind", "created", "finished")[:SAMPLE])
    per_kind = defaultdict(list)
    for _pk, kind, created, done in finished:
        per_kind[kind].append((done - created).total_seconds() / 3600)
    per_step = defaultdict(list)
    last_at, decisions = {}, done_actions()
    events = ProcessEvent.objects.filter(process_id__in=[f[0] for f in finished]).order_by("process_id", "at", "id")
    for process_id, at, action, step in events.values_list("process_id", "at", "action", "step").iterator():
        if action in decisions and step and process_id in last_at:
            per_step[step].append((at - last_at[process_id]).total_seconds() / 3600)
        last_at[process_id] = at
    kinds = [{"label": KINDS[k].label if k in KINDS else k, "n": len(v), "p50": _p50_p90(v)[0], "p90": _p50_p90(v)[1]}
             for k, v in sorted(per_kind.items())]
    steps = [{"label": s, "n": len(v), "p50": _p50_p90(v)[0], "p90": _p50_p90(v)[1]}
             for s, v in sorted(per_step.items(), key=lambda item: -median(item[1]))]
    return {"kinds": kinds, "steps": steps[:15]}


def overdue(user, *, now=None, limit=50):
    now = now or timezone.now()
    return (processes_for_user(user=user).filter(state__in=OPEN_STATES, step_due__lt=now)
            .order_by("step_due")[:limit])


def stalled(user, *, now=None, limit=50):
    """Open requests nothing has happened to for a while (no trail row, whatever their time limit)."""
    now = now or timezone.now()
    return (processes_for_user(user=user).filter(state__in=OPEN_STATES, updated__lt=now - STALLED_AFTER)
            .order_by("updated")[:limit])
