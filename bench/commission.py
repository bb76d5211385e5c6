#!/usr/bin/env python
"""Commission estimate (试算) and volume-load benchmark on PostgreSQL (it prints figures; it is not a test).

Seeds seed_demo, the commission demo and 110,000 active channels (bench/inbox.py's World: 18 cities,
same tree and channel generator), writes one month of volumes for every active channel and all 12
businesses to a CSV file (about 1.32 million rows) and loads it through commission.loader.volumes_import
(the real service: parsing, row checks, COPY and upsert). Then, for one province-wide policy that covers
every channel type with rules of all five kinds over the 12 businesses:

- the estimate (commission.estimate: one SQL statement), median of --repeat runs after a warm-up, and the
  whole policy_estimate() response (plus the top-channel names);
- a straightforward per-channel loop through the ORM (one volume query per channel, the rules applied
  in Python with Decimal): timed on --loop-sample channels and extrapolated to all covered channels unless
  --full-loop; the loop's sum over the sample must equal the SQL estimate restricted to the same channels;
- bare aggregates over the same rows for scale: PostgreSQL's SUM over the month's rows, and the same
  SUM in SQLite (the rows copied into a temporary SQLite file).

    .venv/bin/python bench/commission.py                      # about 4 minutes
    .venv/bin/python bench/commission.py --channels 20000     # a quick run

The database comes from --database-url or BENCH_COMMISSION_DATABASE_URL (never from DATABASE_URL),
default postgres://postgres@127.0.0.1:5432/channels_bench_commission; it is dropped and recreated,
and its name must contain "bench" unless --force.
"""
import argparse
import csv
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inbox  # noqa: E402  (bench/inbox.py: database set-up and the seeding World)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/channels_bench_commission"
GOALS = {"estimate_s": 2.0, "ratio": 20.0, "load_s": 60.0}
CENT = Decimal("0.01")
# per business: (quantity range, amount per unit or None); top_up carries an amount in yuan
VOLUME_SHAPE = {
    "new_number": (0, 60, None), "handset": (0, 30, None), "broadband": (0, 80, None), "top_up": (20, 900, 50),
    "package_upgrade": (0, 40, None), "data_pack": (0, 200, None), "family_bundle": (0, 15, None),
    "iptv": (0, 20, None), "port_in": (0, 10, None), "contract_renewal": (0, 25, None),
    "sim_replacement": (0, 30, None), "value_added": (0, 120, None),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_COMMISSION_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--force", action="store_true", help="allow dropping a database whose name lacks 'bench'")
    p.add_argument("--channels", type=int, default=110_000, help="bench channels added to the demo world")
    p.add_argument("--repeat", type=int, default=5, help="timed estimate runs (after one warm-up)")
    p.add_argument("--loop-sample", type=int, default=5_000, help="channels timed in the ORM loop")
    p.add_argument("--full-loop", action="store_true", help="run the ORM loop over every covered channel")
    p.add_argument("--reload", action="store_true", help="also time loading the same file again (all replaced)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--debug", action="store_true")
    args = p.parse_args()
    args.sqlite = False
    return args


def bench_rules(month) -> list[dict]:
    bonus_to = month.replace(day=28).isoformat()
    return [
        {"kind": "per_unit", "business": "new_number", "amount": "44.00"},
        {"kind": "per_unit", "business": "handset", "amount": "50.00"},
        {"kind": "tiered", "business": "broadband", "tiers": [{"from": 0, "amount": "30.00"},
                                                              {"from": 20, "amount": "40.00"}, {"from": 50, "amount": "55.00"}]},
        {"kind": "percent", "business": "top_up", "rate": "0.0175", "cap": "500.00"},
        {"kind": "per_unit", "business": "package_upgrade", "amount": "8.50"},
        {"kind": "tiered", "business": "data_pack", "tiers": [{"from": 0, "amount": "1.20"}, {"from": 100, "amount": "1.80"}]},
        {"kind": "per_unit", "business": "family_bundle", "amount": "60.00"},
        {"kind": "per_unit", "business": "iptv", "amount": "25.00"},
        {"kind": "per_unit", "business": "port_in", "amount": "35.00"},
        {"kind": "tiered", "business": "contract_renewal", "tiers": [{"from": 5, "amount": "12.00"}, {"from": 15, "amount": "18.00"}]},
        {"kind": "per_unit", "business": "sim_replacement", "amount": "2.00"},
        {"kind": "percent", "business": "value_added", "rate": "0.10", "cap": None},
        {"kind": "bonus", "business": "new_number", "threshold": 40, "amount": "300.00",
         "valid_from": month.isoformat(), "valid_to": bonus_to},
        {"kind": "bonus", "business": "handset", "threshold": 25, "amount": "200.00",
         "valid_from": "2020-01-01", "valid_to": "2020-12-31"},  # outside the month: pays nothing
        {"kind": "star_coefficient", "coefficients": {"1": "0.80", "2": "0.90", "3": "1.00", "4": "1.10", "5": "1.25"}},
    ]


def seed(args, timer):
    from django.core.management import call_command
    from django.db import transaction

    from commission.demo import seed_commission
    from governance.models import Channel

    timer.lap("migrate, seed_demo, commission demo", lambda: (
        call_command("migrate", verbosity=0), call_command("seed_demo", stdout=open(os.devnull, "w")),
        seed_commission()))
    world = inbox.World(random.Random(args.seed), open_fraction=0.0)
    timer.lap("tree (18 cities) and post holders", lambda: (world.build_tree(), world.build_holders()))

    def channels():
        with transaction.atomic():
            made, _ = world.make_channels(args.channels, status_of=Channel.Status.ACTIVE)
            world.insert_channels(made)
    timer.lap(f"{args.channels:,} active channels", channels)


def write_csv(path, month, rng) -> int:
    """Every active channel × every business, one month; returns the number of data rows."""
    from governance.models import Channel

    rows = 0
    with open(path, "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["node_code", "month", "business", "quantity", "amount"])
        codes = Channel.objects.filter(status=Channel.Status.ACTIVE).values_list("node_code", flat=True)
        for node_code in codes.iterator(chunk_size=10_000):
            for business, (low, high, unit) in VOLUME_SHAPE.items():
                quantity = rng.randint(low, high)
                amount = f"{quantity * unit + rng.randint(0, 99) / 100:.2f}" if unit else ""
                out.writerow([node_code, f"{month:%Y-%m}", business, quantity, amount])
                rows += 1
    return rows


def load(path, timer, label="load the CSV through volumes_import") -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from commission.loader import volumes_import

    admin = get_user_model().objects.get(username="admin")
    with open(path, "rb") as handle:
        return timer.lap(label, volumes_import, user=admin,
                         file=File(handle, name=os.path.basename(path)))


def vacuum():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def province_policy(month):
    from django.contrib.auth import get_user_model

    from commission.services import policy_create
    from governance.models import ChannelType, OrgUnit

    return policy_create(user=get_user_model().objects.get(username="admin"), data={
        "org_unit": OrgUnit.objects.get(code="HA"), "name": "全省基准酬金政策(压测)",
        "channel_types": ChannelType.values, "valid_from": month, "valid_to": None, "rules": bench_rules(month)})


def timed(fn, repeat) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


# ------------------------------------------------------------------ the straightforward loop

def loop_estimate(policy, month, channels) -> tuple[int, Decimal]:
    """Per channel: one ORM query for its volumes, every rule in Python with Decimal, half-up to the fen."""
    from commission.months import month_end
    from commission.models import MonthlyVolume
    from commission.rules import rules_of

    rules = rules_of(policy.rules.prefetch_related("tiers", "coefficients"))
    star = next((r["coefficients"] for r in rules if r["kind"] == "star_coefficient"), None)
    by_business = defaultdict(list)
    for rule in rules:
        if rule["kind"] != "star_coefficient":
            by_business[rule["business"]].append(rule)
    last_day = month_end(month)
    covered, total = 0, Decimal("0")
    for channel in channels:
        volumes = list(MonthlyVolume.objects.filter(channel=channel, month=month))
        if not volumes:
            continue
        covered += 1
        base = Decimal("0")
        for volume in volumes:
            for rule in by_business[volume.business]:
                base += _rule_amount(rule, volume, month, last_day)
        coefficient = Decimal(star[str(channel.star_level)]) if star else Decimal("1")
        total += (base * coefficient).quantize(CENT, rounding=ROUND_HALF_UP)
    return covered, total


def _rule_amount(rule, volume, month, last_day) -> Decimal:
    kind, quantity = rule["kind"], volume.quantity
    if kind == "per_unit":
        return quantity * rule["amount"]
    if kind == "percent":
        amount = (volume.amount * rule["rate"]).quantize(CENT, rounding=ROUND_HALF_UP)
        return min(amount, rule["cap"]) if rule["cap"] is not None else amount
    if kind == "tiered":
        reached = [t["amount"] for t in rule["tiers"] if t["from"] <= quantity]
        return quantity * reached[-1] if reached else Decimal("0")
    met = quantity >= rule["threshold"] and rule["valid_from"] <= last_day and rule["valid_to"] >= month
    return rule["amount"] if met else Decimal("0")


# ------------------------------------------------------------------ floors

def postgres_floor(month, repeat) -> float:
    from django.db import connection

    sql = ("SELECT channel_id, SUM(quantity), SUM(amount) FROM commission_monthlyvolume WHERE month = %s "
           "GROUP BY channel_id")

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, [month])
            return len(cursor.fetchall())
    return timed(run, repeat)[0]


def sqlite_floor(month, repeat) -> tuple[float, int]:
    """The month's rows copied into a temporary SQLite file; the same bare SUM … GROUP BY there."""
    from django.db import connection

    fd, path = tempfile.mkstemp(suffix=".sqlite3")
    os.close(fd)
    lite = sqlite3.connect(path)
    lite.execute("CREATE TABLE v (channel_id INTEGER, month TEXT, business TEXT, quantity INTEGER, amount DECIMAL)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT channel_id, month, business, quantity, amount FROM commission_monthlyvolume "
                       "WHERE month = %s", [month])
        while rows := cursor.fetchmany(50_000):
            lite.executemany("INSERT INTO v VALUES (?, ?, ?, ?, ?)",
                             [(c, m.isoformat(), b, q, float(a)) for c, m, b, q, a in rows])
    lite.commit()
    count = lite.execute("SELECT COUNT(*) FROM v").fetchone()[0]

    def run():
        return len(lite.execute("SELECT channel_id, SUM(quantity), SUM(amount) FROM v WHERE month = ? "
                                "GROUP BY channel_id", [month.isoformat()]).fetchall())
    seconds = timed(run, repeat)[0]
    lite.close()
    os.unlink(path)
    return seconds, count


# ------------------------------------------------------------------ main

def main():
    args = parse_args()
    t_start = time.perf_counter()
    url = inbox.prepare_database(args)
    inbox.setup_django(url, args.debug)
    from django.db import connection

    from commission.estimate import estimate_figures, policy_estimate, yuan
    from commission.models import CommissionPolicy
    from commission.months import last_month
    from governance.models import Channel

    rng = random.Random(args.seed)
    month = last_month()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}  bench channels: {args.channels:,}  "
          f"month: {month:%Y-%m}")
    timer = inbox.Timer()
    seed(args, timer)
    fd, path = tempfile.mkstemp(prefix="bench_volumes_", suffix=".csv")
    os.close(fd)
    n_rows = timer.lap("write the volume CSV", write_csv, path, month, rng)
    size_mib = os.path.getsize(path) / 2**20
    result = load(path, timer)
    load_s = timer.laps[-1][1]
    assert result["error_count"] == 0 and result["imported"] == n_rows, result
    reload_s = None
    if args.reload:
        result = load(path, timer, "load the same CSV again (every row replaced)")
        reload_s = timer.laps[-1][1]
        assert result["imported"] == n_rows, result
    os.unlink(path)
    timer.lap("VACUUM ANALYZE", vacuum)

    policy = province_policy(month)
    sql_s, figures = timed(lambda: estimate_figures(policy, month), args.repeat)
    full_s, estimate = timed(lambda: policy_estimate(policy=policy, month=month), args.repeat)
    covered = figures.channels
    city = CommissionPolicy.objects.get(org_unit__code="ZZ", version=1)  # the demo's: ZZ's social channels
    city_s, city_figures = timed(lambda: estimate_figures(city, month), args.repeat)

    channels = Channel.objects.filter(channel_type__in=policy.channel_types).order_by("pk")
    if args.full_loop:
        sample = list(channels)
    else:
        ids = sorted(rng.sample(list(channels.values_list("pk", flat=True)), min(args.loop_sample, channels.count())))
        sample = list(Channel.objects.filter(pk__in=ids).order_by("pk"))
    t0 = time.perf_counter()
    loop_covered, loop_total = loop_estimate(policy, month, sample)
    loop_sample_s = time.perf_counter() - t0
    loop_s = loop_sample_s * covered / max(loop_covered, 1)
    sql_sample = estimate_figures(policy, month, channel_ids=[c.pk for c in sample])
    same = yuan(sql_sample.total_fen) == loop_total and sql_sample.channels == loop_covered
    if args.full_loop:
        same = same and yuan(figures.total_fen) == loop_total

    pg_floor_s = postgres_floor(month, args.repeat)
    lite_floor_s, lite_rows = sqlite_floor(month, args.repeat)

    print("\n=== Seeding and loading ===")
    for label, secs in timer.laps:
        print(f"  {label:<46}{secs:>8.1f} s")
    print(f"\n=== Results (PostgreSQL; median of {args.repeat} runs after a warm-up) ===")
    goal = lambda ok: "yes" if ok else "NO"  # noqa: E731
    print(f"  volume rows loaded from CSV ({size_mib:.0f} MiB)      {n_rows:>12,}   {load_s:>7.1f} s   "
          f"{n_rows / load_s:>9,.0f} rows/s   goal < {GOALS['load_s']:.0f} s: {goal(load_s < GOALS['load_s'])}")
    if reload_s is not None:
        print(f"  the same file again (every row replaced)    {n_rows:>12,}   {reload_s:>7.1f} s")
    print(f"  estimate, one SQL statement                 {covered:>12,} ch {sql_s:>7.3f} s   "
          f"goal ≤ {GOALS['estimate_s']:.0f} s: {goal(sql_s <= GOALS['estimate_s'])}")
    print(f"  estimate, Zhengzhou's demo policy (2 types)  {city_figures.channels:>11,} ch {city_s:>7.3f} s")
    print(f"  policy_estimate() (rules, top-channel names) {'':>11} {full_s:>7.3f} s")
    how = "all channels" if args.full_loop else f"{len(sample):,} channels, extrapolated"
    print(f"  ORM loop per channel ({how}) {loop_s:>9.1f} s   ({loop_sample_s:.1f} s for {loop_covered:,} covered)")
    ratio = loop_s / sql_s
    print(f"  ratio loop / SQL estimate                   {ratio:>12.0f}×   goal ≥ {GOALS['ratio']:.0f}×: "
          f"{goal(ratio >= GOALS['ratio'])}")
    print(f"  loop total = SQL total on the same channels  {'yes' if same else 'NO'} "
          f"({loop_total} yuan over {loop_covered:,} channels)")
    print(f"  bare PostgreSQL SUM … GROUP BY channel       {pg_floor_s:>20.3f} s")
    print(f"  bare SQLite SUM … GROUP BY channel ({lite_rows:,} rows) {lite_floor_s:>11.3f} s")
    print(f"\n  estimate total {estimate['total']} yuan over {estimate['channels']:,} channels; by rule: "
          + ", ".join(f"{r['label']} {r['amount']}" for r in estimate["by_rule"]))
    print(f"total {time.perf_counter() - t_start:.0f} s")


if __name__ == "__main__":
    main()
