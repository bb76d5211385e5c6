"""The five rule shapes of CONTRACT.md: parsing (with Chinese messages), the canonical form, storage as rows,
and how a person reads a rule.

Canonical rule (what `parse_rules` returns and `rules_of` reads back), Decimals and dates as Python values:
  {"kind": "per_unit", "business", "amount"}
  {"kind": "percent", "business", "rate", "cap" | None}
  {"kind": "tiered", "business", "tiers": [{"from": int, "amount"}, ...]}      (sorted by "from")
  {"kind": "bonus", "business", "threshold": int, "amount", "valid_from", "valid_to"}
  {"kind": "star_coefficient", "coefficients": {"1": Decimal, ..., "5": Decimal}}
"""
import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from .models import Business, Rule, RuleKind, RuleTier, StarCoefficient
from .months import FIRST_DAY, LAST_DAY

MAX_RULES = 50
MAX_TIERS = 20
MAX_AMOUNT = Decimal("100000.00")  # per unit, tier or bonus; keeps the estimate's integer fen arithmetic safe
MAX_CAP = Decimal("10000000.00")
TOP_UP_MAX_RATE = Decimal("0.02")  # seed 003: 充值业务酬金不高于2%
STARS = ("1", "2", "3", "4", "5")
FIELDS = {
    RuleKind.PER_UNIT: ("kind", "business", "amount"),
    RuleKind.PERCENT: ("kind", "business", "rate", "cap"),
    RuleKind.TIERED: ("kind", "business", "tiers"),
    RuleKind.BONUS: ("kind", "business", "threshold", "amount", "valid_from", "valid_to"),
    RuleKind.STAR_COEFFICIENT: ("kind", "coefficients"),
}
BASE_KINDS = (RuleKind.PER_UNIT, RuleKind.TIERED)  # at most one of these per business
FIELD_LABELS = {"amount": "金额", "rate": "比例", "cap": "封顶", "threshold": "门槛数量", "valid_from": "开始日期",
                "valid_to": "结束日期", "tiers": "阶梯", "business": "业务"}


class RuleError(Exception):
    pass


# ---------------------------------------------------------------- parsing values

def _decimal(value, label, *, places, minimum=Decimal("0"), maximum=MAX_AMOUNT, positive=False) -> Decimal:
    if isinstance(value, bool) or value is None or value == "":
        raise RuleError(f"请填写{label}。")
    try:
        number = Decimal(str(value).strip()) if isinstance(value, (str, int, float, Decimal)) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise RuleError(f"{label}应为数字,如 “12.50”。")
    if number < minimum or (positive and number == 0):
        raise RuleError(f"{label}必须大于0。" if positive else f"{label}不能为负数。")
    if number > maximum:
        raise RuleError(f"{label}不能超过{maximum}。")
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        raise RuleError(f"{label}最多保留{places}位小数。")
    return number.quantize(step)


def _int(value, label, *, maximum=10_000_000) -> int:
    if isinstance(value, bool) or value in (None, ""):
        raise RuleError(f"请填写{label}。")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise RuleError(f"{label}应为整数。")
    if not number.is_finite() or number != number.to_integral_value():
        raise RuleError(f"{label}应为整数。")
    if number < 0:
        raise RuleError(f"{label}不能为负数。")
    if number > maximum:
        raise RuleError(f"{label}不能超过{maximum}。")
    return int(number)


def _date(value, label) -> datetime.date:
    if value in (None, ""):
        raise RuleError(f"请填写{label}。")
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleError(f"{label}应为 YYYY-MM-DD 格式的日期。")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise RuleError(f"{label}应在 {FIRST_DAY} 至 {LAST_DAY} 之间。")
    return day


def _business(raw) -> str:
    if raw not in Business.values:
        raise RuleError(f"业务应为以下之一:{'、'.join(Business.values)}。")
    return raw


# ---------------------------------------------------------------- parsing rules

def _parse_one(raw) -> dict:
    if not isinstance(raw, dict):
        raise RuleError("每条规则应为对象,如 {\"kind\": \"per_unit\", \"business\": \"new_number\", \"amount\": \"44.00\"}。")
    kind = raw.get("kind")
    if kind not in RuleKind.values:
        raise RuleError(f"规则类型(kind)应为以下之一:{'、'.join(RuleKind.values)}。")
    unknown = sorted(str(k) for k in raw if k not in FIELDS[kind])
    if unknown:
        raise RuleError(f"{RuleKind(kind).label}规则不接受字段:{'、'.join(unknown)}。")
    if kind == RuleKind.STAR_COEFFICIENT:
        return {"kind": kind, "coefficients": _coefficients(raw.get("coefficients"))}
    rule = {"kind": kind, "business": _business(raw.get("business"))}
    if kind == RuleKind.PER_UNIT:
        rule["amount"] = _decimal(raw.get("amount"), "金额", places=2)
    elif kind == RuleKind.PERCENT:
        rule["rate"] = _decimal(raw.get("rate"), "比例", places=4, maximum=Decimal("1"), positive=True)
        if rule["business"] == Business.TOP_UP and rule["rate"] > TOP_UP_MAX_RATE:
            raise RuleError("充值缴费酬金比例不得高于2%(0.02)。")
        cap = raw.get("cap")
        rule["cap"] = None if cap in (None, "") else _decimal(cap, "封顶金额", places=2, maximum=MAX_CAP,
                                                             positive=True)
    elif kind == RuleKind.TIERED:
        rule["tiers"] = _tiers(raw.get("tiers"))
    else:
        rule["threshold"] = _int(raw.get("threshold"), "门槛数量")
        rule["amount"] = _decimal(raw.get("amount"), "激励金额", places=2, positive=True)
        rule["valid_from"] = _date(raw.get("valid_from"), "激励开始日期")
        rule["valid_to"] = _date(raw.get("valid_to"), "激励结束日期")
        if rule["valid_to"] < rule["valid_from"]:
            raise RuleError("激励结束日期不能早于开始日期。")
    return rule


def _tiers(raw) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise RuleError("阶梯(tiers)应为非空列表,如 [{\"from\": 0, \"amount\": \"10.00\"}]。")
    if len(raw) > MAX_TIERS:
        raise RuleError(f"阶梯最多{MAX_TIERS}档。")
    tiers = []
    for n, tier in enumerate(raw, 1):
        if not isinstance(tier, dict) or set(tier) != {"from", "amount"}:
            raise RuleError(f"第{n}档阶梯应为 {{\"from\": 起始数量, \"amount\": 单价}}。")
        try:
            tiers.append({"from": _int(tier["from"], "起始数量"), "amount": _decimal(tier["amount"], "单价", places=2)})
        except RuleError as exc:
            raise RuleError(f"第{n}档阶梯:{exc}")
    tiers.sort(key=lambda t: t["from"])
    starts = [t["from"] for t in tiers]
    if len(set(starts)) != len(starts):
        raise RuleError("阶梯的起始数量不能重复。")
    return tiers


def _coefficients(raw) -> dict:
    if not isinstance(raw, dict) or set(map(str, raw)) != set(STARS):
        raise RuleError("星级系数(coefficients)应为 1 至 5 星各一个系数,如 {\"1\": \"0.80\", …, \"5\": \"1.20\"}。")
    out = {}
    for star in STARS:
        value = raw.get(star, raw.get(int(star)))
        try:
            out[star] = _decimal(value, f"{star}星系数", places=4, maximum=Decimal("10"), positive=True)
        except RuleError as exc:
            raise RuleError(str(exc))
    return out


def _check_combination(rules: list[dict]) -> None:
    seen, base = {}, {}
    for n, rule in enumerate(rules, 1):
        kind, business = rule["kind"], rule.get("business", "")
        if kind == RuleKind.STAR_COEFFICIENT and kind in seen:
            raise ValidationError({"rules": f"第{n}条规则:星级系数只能有一条(与第{seen[kind]}条重复)。"})
        key = (kind, business)
        if kind not in (RuleKind.BONUS, RuleKind.STAR_COEFFICIENT) and key in seen:
            raise ValidationError({"rules": f"第{n}条规则:“{rule_label(rule)}”与第{seen[key]}条重复。"})
        if kind in BASE_KINDS:
            if business in base:
                raise ValidationError({"rules": f"第{n}条规则:同一业务只能有一条按件或阶梯规则(与第{base[business]}条冲突)。"})
            base[business] = n
        seen.setdefault(kind, n)
        seen.setdefault(key, n)


def parse_rules(raw, *, field: str = "rules") -> list[dict]:
    """Raw JSON-ish rules → canonical rules; ValidationError({field: "第N条规则:…"}) on the first bad one."""
    if not isinstance(raw, list):
        raise ValidationError({field: "规则应为列表。"})
    if len(raw) > MAX_RULES:
        raise ValidationError({field: f"规则最多{MAX_RULES}条。"})
    rules = []
    for n, item in enumerate(raw, 1):
        try:
            rules.append(_parse_one(item))
        except RuleError as exc:
            raise ValidationError({field: f"第{n}条规则:{exc}"})
    try:
        _check_combination(rules)
    except ValidationError as exc:
        raise ValidationError({field: exc.message_dict["rules"]})
    return rules


# ---------------------------------------------------------------- storage

def rules_save(rules: list[dict], *, policy=None, configuration=None) -> None:
    """Store canonical rules as rows of one owner (the owner's old rules must be gone already)."""
    rows = []
    for position, rule in enumerate(rules, 1):
        rows.append(Rule(
            policy=policy, configuration=configuration, position=position, kind=rule["kind"],
            business=rule.get("business", ""), amount=rule.get("amount"), rate=rule.get("rate"),
            cap=rule.get("cap"), threshold=rule.get("threshold"), valid_from=rule.get("valid_from"),
            valid_to=rule.get("valid_to"),
        ))
    for row in rows:
        row.full_clean(exclude=["policy", "configuration"])
    Rule.objects.bulk_create(rows)
    tiers, coefficients = [], []
    for row, rule in zip(rows, rules):
        tiers += [RuleTier(rule=row, from_quantity=t["from"], amount=t["amount"]) for t in rule.get("tiers", [])]
        coefficients += [StarCoefficient(rule=row, star_level=int(star), coefficient=value)
                         for star, value in rule.get("coefficients", {}).items()]
    RuleTier.objects.bulk_create(tiers)
    StarCoefficient.objects.bulk_create(coefficients)


def rule_of(row: Rule) -> dict:
    """A stored rule as a canonical dict (uses prefetched tiers and coefficients when present)."""
    kind = row.kind
    if kind == RuleKind.STAR_COEFFICIENT:
        return {"kind": kind, "coefficients": {str(c.star_level): c.coefficient for c in row.coefficients.all()}}
    rule = {"kind": kind, "business": row.business}
    if kind == RuleKind.PER_UNIT:
        rule["amount"] = row.amount
    elif kind == RuleKind.PERCENT:
        rule.update(rate=row.rate, cap=row.cap)
    elif kind == RuleKind.TIERED:
        rule["tiers"] = [{"from": t.from_quantity, "amount": t.amount} for t in row.tiers.all()]
    else:
        rule.update(threshold=row.threshold, amount=row.amount, valid_from=row.valid_from, valid_to=row.valid_to)
    return rule


def rules_of(rows) -> list[dict]:
    return [rule_of(row) for row in rows]


RULE_PREFETCH = ("tiers", "coefficients")


# ---------------------------------------------------------------- display and JSON

def money(value) -> str:
    return f"{value:.2f}"


def ratio(value: Decimal) -> str:
    """A rate or coefficient: at least two decimals, no trailing zeros beyond them ("0.02", "0.015", "1.10")."""
    text = f"{value.normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{whole}.{fraction.ljust(2, '0')}"


def rule_json(rule: dict) -> dict:
    """A canonical rule in CONTRACT.md's JSON shape (money and ratios as strings, dates ISO)."""
    out = {}
    for key, value in rule.items():
        if key == "tiers":
            value = [{"from": t["from"], "amount": money(t["amount"])} for t in value]
        elif key == "coefficients":
            value = {star: ratio(c) for star, c in value.items()}
        elif key == "rate":
            value = ratio(value)
        elif isinstance(value, Decimal):
            value = money(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value
    return out


def rule_label(rule: dict) -> str:
    """Which rule this is, as a person names it: 新号码放号·按件计酬."""
    kind = RuleKind(rule["kind"]).label
    if rule["kind"] == RuleKind.STAR_COEFFICIENT:
        return kind
    return f"{Business(rule['business']).label}·{kind}"


def field_text(key: str, value) -> str:
    if value is None:
        return "无"
    if key == "tiers":
        return "、".join(f"{t['from']}件起 {money(t['amount'])} 元" for t in value)
    if key == "rate":
        return f"{ratio(value * 100)}%"
    if key == "business":
        return Business(value).label
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def rule_terms(rule: dict) -> str:
    """The rule's terms in one line of Chinese."""
    kind = rule["kind"]
    if kind == RuleKind.PER_UNIT:
        return f"每件 {money(rule['amount'])} 元"
    if kind == RuleKind.PERCENT:
        cap = f",每渠道每月封顶 {money(rule['cap'])} 元" if rule["cap"] is not None else ",不封顶"
        return f"按金额的 {field_text('rate', rule['rate'])}{cap}"
    if kind == RuleKind.TIERED:
        return "按当月数量所达档位,全部数量计酬:" + field_text("tiers", rule["tiers"])
    if kind == RuleKind.BONUS:
        return (f"{rule['valid_from']} 至 {rule['valid_to']} 期间,当月数量达到 {rule['threshold']} 件,"
                f"一次性奖励 {money(rule['amount'])} 元")
    return "渠道当月酬金乘以星级系数:" + "、".join(f"{s}星 {ratio(c)}" for s, c in rule["coefficients"].items())
