"""试算: what a policy would pay on one month's volumes, computed in the database in one statement.

Covered channels: those of the policy's unit and its sub-units whose type is among the policy's channel
types and that have volume rows in the month. A channel's status does not matter: the volume rows are the
record of business it did that month (a channel closed since is still owed for it); drafts have none.

Rules (CONTRACT.md): per_unit = quantity × amount; percent = min(amount × rate, cap) per channel and month;
tiered = quantity × the amount of the highest tier whose `from` ≤ quantity (0 below the first tier);
bonus = amount once if quantity ≥ threshold and the month overlaps the bonus's dates; star_coefficient
multiplies the channel's total by the coefficient of its (current) star level, 1 without such a rule.

Rounding, all ROUND_HALF_UP to the fen: each (channel, rule) amount is rounded (only percent can have a
fraction), then each channel's total after its coefficient. Totals are sums of those rounded amounts.

How: the policy's rules are read first (a handful of rows) and become SQL expressions over one volume row
with their constants as parameters, in whole fen (rates and coefficients in 1/10000), so the arithmetic is
integer (BIGINT) and PostgreSQL and SQLite agree to the fen. One GROUP BY channel pass over the month's
rows of the covered channels gives each rule its own column, MAX(…) FILTER (WHERE business = …): a channel
has exactly one row per month and business (the unique constraint), so a rule's amount for a channel is
that row's, and MAX picks it with a by-value state that parallel workers combine cheaply (SUM would carry a
128-bit state through every worker). The totals and the top channels come from those per-channel rows in
the same statement. No Python loop over channels and no per-row join to the rules.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from governance.models import Channel, OrgUnit

from .models import CommissionPolicy, MonthlyVolume, RuleKind
from .months import month_end
from .rules import RULE_PREFETCH, money, rule_json, rule_label, rules_of

TOP = 10
CENT = Decimal("0.01")
FEN, TEN_THOUSANDTHS = 100, 10_000
VENDOR_SQL = {  # the two spellings that differ between the databases
    "postgresql": {"min": "LEAST({a}, {b})", "fen": "CAST(v.amount * 100 AS BIGINT)"},
    "sqlite": {"min": "MIN({a}, {b})", "fen": "CAST(ROUND(v.amount * 100) AS INTEGER)"},
}
SQL = """
WITH per_channel AS (
    SELECT channel_id, base_fen, (base_fen * {coefficient} + 5000) / 10000 AS total_fen{columns}
    FROM (
        SELECT channel_id, star_level, {base} AS base_fen{columns}
        FROM (
            SELECT v.channel_id, MIN(c.star_level) AS star_level{rule_sums}
            FROM {volume} v JOIN {channel} c ON c.id = v.channel_id
            WHERE v.month = %(month)s AND c.channel_type IN ({types}){units}{channels}
            GROUP BY v.channel_id
        ) per_channel_rules
    ) per_channel_base
)
SELECT 0 AS part, CAST(NULL AS BIGINT) AS channel_id, COUNT(*) AS n, SUM(total_fen) AS total_fen,
       SUM(base_fen) AS base_fen{sums}
FROM per_channel
UNION ALL
SELECT 1, channel_id, NULL, total_fen, NULL{nulls}
FROM (SELECT channel_id, total_fen FROM per_channel ORDER BY total_fen DESC, channel_id LIMIT {top}) top_channels
"""


class Params(dict):
    """Named query parameters; `add(value)` returns the placeholder of a new one."""

    def add(self, value) -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f"%({name})s"

    def many(self, values) -> str:
        return ", ".join(self.add(v) for v in values)


def _fen(amount) -> int:
    return int(amount * FEN)


def _rule_sql(rule: dict, params: Params, month, vendor: dict) -> str | None:
    """The rule's amount in fen for one volume row `v` of its business; None if it cannot pay this month."""
    kind = rule["kind"]
    if kind == RuleKind.PER_UNIT:
        return f"CAST(v.quantity AS BIGINT) * {params.add(_fen(rule['amount']))}"
    if kind == RuleKind.PERCENT:
        amount = f"({vendor['fen']} * {params.add(int(rule['rate'] * TEN_THOUSANDTHS))} + 5000) / 10000"
        if rule["cap"] is None:
            return amount
        return vendor["min"].format(a=amount, b=params.add(_fen(rule["cap"])))
    if kind == RuleKind.TIERED:
        reached = " ".join(f"WHEN v.quantity >= {params.add(t['from'])} THEN {params.add(_fen(t['amount']))}"
                           for t in reversed(rule["tiers"]))
        return f"CAST(v.quantity AS BIGINT) * CASE {reached} ELSE 0 END"
    if rule["valid_from"] > month_end(month) or rule["valid_to"] < month:
        return None
    return f"CASE WHEN v.quantity >= {params.add(rule['threshold'])} THEN {params.add(_fen(rule['amount']))} ELSE 0 END"


def _coefficient_sql(rules: list[dict], params: Params) -> str:
    star = next((r for r in rules if r["kind"] == RuleKind.STAR_COEFFICIENT), None)
    if star is None:
        return "10000"
    whens = " ".join(f"WHEN {int(level)} THEN {params.add(int(c * TEN_THOUSANDTHS))}"
                     for level, c in star["coefficients"].items())
    return f"CASE star_level {whens} ELSE 10000 END"


def _scope_sql(policy: CommissionPolicy, params: Params, channel_ids) -> tuple[str, str, str]:
    types = params.many(policy.channel_types or [""])
    units = ""
    whole_tree = policy.org_unit.parent_id is None and OrgUnit.objects.filter(parent__isnull=True).count() == 1
    if not whole_tree:
        units = f" AND c.org_unit_id IN ({params.many(policy.org_unit.descendants().values_list('pk', flat=True))})"
    channels = f" AND c.id IN ({params.many(channel_ids)})" if channel_ids is not None else ""
    return types, units, channels


def _statement(policy: CommissionPolicy, rules: list[tuple[int, dict]], month, channel_ids):
    """(sql, params, rule ids in the order of their sum columns)."""
    vendor = VENDOR_SQL.get(connection.vendor, VENDOR_SQL["sqlite"])
    params = Params(month=month)
    paying = []
    for pk, rule in rules:
        if rule["kind"] != RuleKind.STAR_COEFFICIENT:
            expression = _rule_sql(rule, params, month, vendor)
            if expression is not None:
                paying.append((pk, expression, params.add(rule["business"])))
    rule_sums = "".join(f",\n COALESCE(MAX({e}) FILTER (WHERE v.business = {b}), 0) AS r{i}"
                        for i, (_, e, b) in enumerate(paying))
    names = [f"r{i}" for i in range(len(paying))]
    types, units, channels = _scope_sql(policy, params, channel_ids)
    sql = SQL.format(
        sums="".join(f", SUM(r{i}) AS s{i}" for i in range(len(paying))), nulls=", NULL" * len(paying),
        columns="".join(f", {name}" for name in names), base=" + ".join(names) or "0",
        coefficient=_coefficient_sql([rule for _, rule in rules], params), rule_sums=rule_sums,
        volume=MonthlyVolume._meta.db_table, channel=Channel._meta.db_table, types=types, units=units,
        channels=channels, top=TOP,
    )
    return sql, params, [pk for pk, _, _ in paying]


@dataclass
class Figures:
    """An estimate in fen: channels covered, total after coefficients, total before, per rule, top channels."""

    channels: int = 0
    total_fen: int = 0
    base_fen: int = 0
    by_rule: dict[int, int] = field(default_factory=dict)
    top: list[tuple[int, int]] = field(default_factory=list)


def yuan(fen) -> Decimal:
    return (Decimal(int(fen or 0)) / 100).quantize(CENT)


def rules_with_ids(policy: CommissionPolicy) -> list[tuple[int, dict]]:
    rows = list(policy.rules.prefetch_related(*RULE_PREFETCH))
    return list(zip((row.pk for row in rows), rules_of(rows)))


def _run(sql: str, params: dict) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT compiling this statement costs more than it saves; the per-channel rows stay in memory
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        return cursor.fetchall()


def estimate_figures(policy: CommissionPolicy, month, *, channel_ids=None, rules=None) -> Figures:
    """Run the estimate statement (optionally for some channels only) and collect its figures."""
    if channel_ids is not None and not channel_ids:
        return Figures()
    rules = rules if rules is not None else rules_with_ids(policy)
    sql, params, rule_ids = _statement(policy, rules, month, channel_ids)
    rows = _run(sql, params)
    figures = Figures()
    for part, channel_id, n, total, base, *sums in rows:
        if part == 0:
            figures.channels, figures.total_fen, figures.base_fen = int(n), int(total or 0), int(base or 0)
            figures.by_rule = {pk: int(fen or 0) for pk, fen in zip(rule_ids, sums)}
        else:
            figures.top.append((channel_id, int(total)))
    figures.top.sort(key=lambda row: (-row[1], row[0]))
    return figures


def _by_rule(rules: list[tuple[int, dict]], figures: Figures) -> list[dict]:
    out = []
    for pk, rule in rules:
        if rule["kind"] == RuleKind.STAR_COEFFICIENT:
            fen = figures.total_fen - figures.base_fen  # what the coefficients added (or took away)
        else:
            fen = figures.by_rule.get(pk, 0)  # a bonus outside the month pays 0
        out.append({"rule": rule_json(rule), "label": rule_label(rule), "amount": money(yuan(fen))})
    return out


def _top_channels(figures: Figures) -> list[dict]:
    channels = Channel.objects.in_bulk([pk for pk, _ in figures.top])
    return [{"id": pk, "name": channels[pk].name, "node_code": channels[pk].node_code, "amount": money(yuan(fen))}
            for pk, fen in figures.top if pk in channels]


def policy_estimate(*, policy: CommissionPolicy, month) -> dict:
    """CONTRACT.md's estimate: {"month", "total", "channels", "by_rule": [{"rule", "label", "amount"}],
    "previous_total", "delta", "top_channels": [{"id", "name", "node_code", "amount"}]}; previous_total is
    what the version it replaces would pay on the same volumes (null without one), delta = total − that."""
    rules = rules_with_ids(policy)
    figures = estimate_figures(policy, month, rules=rules)
    total = yuan(figures.total_fen)
    previous_total = delta = None
    if policy.replaces_id:
        previous = estimate_figures(policy.replaces, month)
        previous_total = yuan(previous.total_fen)
        delta = total - previous_total
    return {
        "month": f"{month:%Y-%m}",
        "total": money(total),
        "channels": figures.channels,
        "by_rule": _by_rule(rules, figures),
        "previous_total": money(previous_total) if previous_total is not None else None,
        "delta": money(delta) if delta is not None else None,
        "top_channels": _top_channels(figures),
    }
