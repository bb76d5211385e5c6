"""试算: what a policy would pay on one month's volumes, computed in the database in one statement.

Covered channels: those of the policy's unit and its sub-units whose type is among the policy's channel
types and that have volume rows in the month. A channel's status does not matter: the volume rows are the
record of business it did that month (a channel closed since is still owed for it); drafts have none.

Rules (CONTRACT.md): per_unit = quantity × amount; percent = min(amount × rate, cap) per channel and month;
tiered = quantity × the amount of the highest tier whose `from` ≤ quantity (0 below the first tier);
bonus = amount once if quantity ≥ threshold and the month overlaps the bonus's dates; star_coefficient
multiplies the channel's total by the coefficient of its (current) star level, 1 without such a rule.

Rounding, all ROUND_HALF_UP to the fen: each (channel, rule) amount is rounded (only percent can have a
fraction), then each channel's total after its coefficient. Totals are sums of those rounded amounts. The
SQL works in whole fen (rates and coefficients in 1/10000) with integer arithmetic, so PostgreSQL and
SQLite give the same result to the fen; nothing is computed in floating point.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from governance.models import Channel, OrgUnit

from .models import CommissionPolicy, MonthlyVolume, Rule, RuleKind, RuleTier, StarCoefficient
from .months import month_end
from .rules import money, rule_json, rule_label, rules_of, RULE_PREFETCH

TOP = 10
CENT = Decimal("0.01")

SQL = """
WITH rules AS (
    SELECT id, kind, business,
           CAST(ROUND(COALESCE(amount, 0) * 100) AS BIGINT) AS amount_fen,
           CAST(ROUND(COALESCE(rate, 0) * 10000) AS BIGINT) AS rate4,
           CAST(ROUND(cap * 100) AS BIGINT) AS cap_fen,
           COALESCE(threshold, 0) AS threshold,
           CASE WHEN kind = 'bonus' AND valid_from <= %(month_end)s AND valid_to >= %(month)s
                THEN 1 ELSE 0 END AS bonus_on
    FROM {rule} WHERE policy_id = %(policy)s AND kind <> 'star_coefficient'
),
tiers AS (
    SELECT rule_id, from_quantity AS lo,
           LEAD(from_quantity) OVER (PARTITION BY rule_id ORDER BY from_quantity) AS hi,
           CAST(ROUND(amount * 100) AS BIGINT) AS amount_fen
    FROM {tier} WHERE rule_id IN (SELECT id FROM rules WHERE kind = 'tiered')
),
coefficients AS (
    SELECT s.star_level, CAST(ROUND(s.coefficient * 10000) AS BIGINT) AS c4
    FROM {coefficient} s JOIN {rule} r ON r.id = s.rule_id
    WHERE r.policy_id = %(policy)s AND r.kind = 'star_coefficient'
),
per_rule AS (
    SELECT v.channel_id, c.star_level, r.id AS rule_id,
           CASE r.kind
               WHEN 'per_unit' THEN v.quantity * r.amount_fen
               WHEN 'tiered' THEN v.quantity * COALESCE(t.amount_fen, 0)
               WHEN 'bonus' THEN CASE WHEN r.bonus_on = 1 AND v.quantity >= r.threshold THEN r.amount_fen ELSE 0 END
               WHEN 'percent' THEN CASE
                   WHEN r.cap_fen IS NOT NULL
                        AND (CAST(ROUND(v.amount * 100) AS BIGINT) * r.rate4 + 5000) / 10000 > r.cap_fen
                   THEN r.cap_fen
                   ELSE (CAST(ROUND(v.amount * 100) AS BIGINT) * r.rate4 + 5000) / 10000 END
               ELSE 0 END AS fen
    FROM {volume} v
    JOIN {channel} c ON c.id = v.channel_id
    LEFT JOIN rules r ON r.business = v.business
    LEFT JOIN tiers t ON t.rule_id = r.id AND v.quantity >= t.lo AND (t.hi IS NULL OR v.quantity < t.hi)
    WHERE v.month = %(month)s AND c.channel_type IN ({types}){units}{channels}
),
per_channel AS (
    SELECT channel_id, star_level, CAST(SUM(fen) AS BIGINT) AS base_fen FROM per_rule GROUP BY channel_id, star_level
),
scaled AS (
    SELECT p.channel_id, p.base_fen, (p.base_fen * COALESCE(k.c4, 10000) + 5000) / 10000 AS total_fen
    FROM per_channel p LEFT JOIN coefficients k ON k.star_level = p.star_level
)
SELECT 0 AS part, CAST(NULL AS BIGINT) AS item, COUNT(*) AS n, SUM(total_fen) AS fen, SUM(base_fen) AS base
FROM scaled
UNION ALL
SELECT 1, rule_id, COUNT(*), SUM(fen), NULL FROM per_rule WHERE rule_id IS NOT NULL GROUP BY rule_id
UNION ALL
SELECT 2, channel_id, NULL, total_fen, NULL
FROM (SELECT channel_id, total_fen FROM scaled ORDER BY total_fen DESC, channel_id LIMIT {top}) top_channels
"""


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


def _placeholders(prefix: str, values, params: dict) -> str:
    names = []
    for i, value in enumerate(values):
        params[f"{prefix}{i}"] = value
        names.append(f"%({prefix}{i})s")
    return ", ".join(names)


def _sql(policy: CommissionPolicy, month, channel_ids) -> tuple[str, dict]:
    params = {"policy": policy.pk, "month": month, "month_end": month_end(month)}
    types = _placeholders("type", policy.channel_types or [""], params)
    units = ""
    if OrgUnit.objects.filter(parent__isnull=True).exclude(pk=policy.org_unit_id).exists() or policy.org_unit.parent_id:
        unit_ids = list(policy.org_unit.descendants().values_list("pk", flat=True))
        units = f" AND c.org_unit_id IN ({_placeholders('unit', unit_ids, params)})"
    channels = f" AND c.id IN ({_placeholders('channel', channel_ids, params)})" if channel_ids is not None else ""
    sql = SQL.format(
        rule=Rule._meta.db_table, tier=RuleTier._meta.db_table, coefficient=StarCoefficient._meta.db_table,
        volume=MonthlyVolume._meta.db_table, channel=Channel._meta.db_table,
        types=types, units=units, channels=channels, top=TOP,
    )
    return sql, params


def estimate_figures(policy: CommissionPolicy, month, *, channel_ids=None) -> Figures:
    """Run the estimate statement (optionally for some channels only) and collect its rows."""
    if channel_ids is not None and not channel_ids:
        return Figures()
    sql, params = _sql(policy, month, channel_ids)
    figures = Figures()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, item, n, fen, base in cursor.fetchall():
            if part == 0:
                figures.channels, figures.total_fen, figures.base_fen = int(n or 0), int(fen or 0), int(base or 0)
            elif part == 1:
                figures.by_rule[item] = int(fen or 0)
            else:
                figures.top.append((item, int(fen or 0)))
    figures.top.sort(key=lambda row: (-row[1], row[0]))
    return figures


def _by_rule(policy: CommissionPolicy, figures: Figures) -> list[dict]:
    rows = list(policy.rules.prefetch_related(*RULE_PREFETCH))
    out = []
    for row, rule in zip(rows, rules_of(rows)):
        if rule["kind"] == RuleKind.STAR_COEFFICIENT:
            fen = figures.total_fen - figures.base_fen  # what the coefficients added (or took away)
        else:
            fen = figures.by_rule.get(row.pk, 0)
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
    figures = estimate_figures(policy, month)
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
        "by_rule": _by_rule(policy, figures),
        "previous_total": money(previous_total) if previous_total is not None else None,
        "delta": money(delta) if delta is not None else None,
        "top_channels": _top_channels(figures),
    }
