#!/usr/bin/env python
"""may-call benchmark: "may this agent call now?" at 1,000 and 100,000 agents (it prints figures; it is not a test).

    .venv/bin/python bench/may_call.py                  # PostgreSQL (drops and recreates channels_bench_maycall)
    .venv/bin/python bench/may_call.py --sqlite         # a temporary SQLite file
    .venv/bin/python bench/may_call.py --sizes 1000,20000 --calls 2000 --requests 300   # a quick run

The database comes from --database-url or BENCH_MAYCALL_DATABASE_URL (never from DATABASE_URL), default
postgres://postgres@127.0.0.1:5432/channels_bench_maycall; its name must contain "bench" unless --force.

Seeding: migrate, seed_demo, seed_outbound, then agents bulk-inserted over the demo units up to each size.
Of the bulk agents 90 % have a current certificate (mostly valid; some expiring, expired, suspended,
revoked, not yet valid) and 10 % of those also an older, no longer current one, so the certificate table
is larger than the agent table, as it becomes over the years.

Measured at each size, the two databases side by side (the 1k one is cloned before growing, and calls
alternate between them in blocks so machine load hits both alike):
  * the service `governance.outbound.may_call` alone: median and p99 over --calls calls, random agents;
  * GET /api/v1/agents/{id}/may-call/ through DRF's APIClient with a token (authentication, scope, JSON),
    as zz_outbound (a city post: its scope is checked) and as prov_outbound_qa (the whole province);
  * queries per call (CaptureQueriesContext): the service must make exactly one;
  * EXPLAIN of the service's query at the larger size.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ (inbox.py's database helpers)

from inbox import TwoDatabases, clone_database, drop_clone, prepare_database, setup_django  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/channels_bench_maycall"
API_USERS = ("zz_outbound", "prov_outbound_qa")
BATCH = 5000
BLOCK = 50  # calls per block before switching database
# share of bulk agents' current certificates per state, and (valid_from, valid_to) in days from today
STATES = [("valid", 0.78, (-200, 500)), ("expiring", 0.05, (-340, 15)), ("expired", 0.07, (-500, -20)),
          ("suspended", 0.04, (-100, 300)), ("revoked", 0.03, (-100, 300)), ("pending", 0.03, (10, 700))]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_MAYCALL_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    p.add_argument("--force", action="store_true", help="allow dropping a database whose name lacks 'bench'")
    p.add_argument("--sizes", default="1000,100000", help="agent totals of the two phases")
    p.add_argument("--calls", type=int, default=5000, help="timed service calls per size")
    p.add_argument("--requests", type=int, default=1000, help="timed API requests per size and user")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--debug", action="store_true")
    args = p.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if len(args.sizes) != 2 or args.sizes[0] >= args.sizes[1]:
        p.error("--sizes takes two increasing totals, e.g. 1000,100000")
    return args


def grow(target: int, rng: random.Random) -> float:
    """Bulk-insert agents (and their certificates) until there are `target` agents; returns seconds."""
    from django.utils import timezone

    from governance.models import Certificate, OrgUnit, OutboundAgent

    t0 = time.perf_counter()
    units = list(OrgUnit.objects.order_by("pk"))
    today = timezone.localdate()
    have = OutboundAgent.objects.count()
    stored = {"suspended": "suspended", "revoked": "revoked"}  # bulk certificates have no events
    while have < target:
        n = min(BATCH, target - have)
        agents = OutboundAgent.objects.bulk_create(
            OutboundAgent(org_unit=rng.choice(units), name=f"压测{have + i}", employee_no=f"B{have + i:07d}",
                          post_level=rng.randint(1, 4)) for i in range(n))
        certs = []
        for agent in agents:
            if rng.random() >= 0.9:
                continue
            if rng.random() < 0.1:  # an older certificate, no longer current
                certs.append(Certificate(agent=agent, org_unit=agent.org_unit, level=1,
                                         issued_on=today - timedelta(900),
                                         valid_from=today - timedelta(900), valid_to=today - timedelta(200),
                                         is_current=False))
            state, start, end = _pick(rng)
            certs.append(Certificate(agent=agent, org_unit=agent.org_unit, level=rng.randint(1, 4),
                                     issued_on=today + timedelta(start), valid_from=today + timedelta(start),
                                     valid_to=today + timedelta(end), status=stored.get(state, "active"),
                                     status_reason="压测" if state in stored else ""))
        Certificate.objects.bulk_create(certs)
        have += n
    return time.perf_counter() - t0


def _pick(rng):
    r, acc = rng.random(), 0.0
    for state, share, (start, end) in STATES:
        acc += share
        if r < acc:
            return state, start, end
    return STATES[0][0], *STATES[0][2]


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def api_clients():
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    clients = {}
    for username in API_USERS:
        token, _ = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        clients[username] = client
    return clients


def sample_ids(rng, n, visible_to=None):
    from django.contrib.auth import get_user_model

    from governance.models import OutboundAgent
    from governance.selectors import scoped

    queryset = OutboundAgent.objects.all()
    if visible_to:
        queryset = scoped(queryset, get_user_model().objects.get(username=visible_to))
    ids = list(queryset.values_list("pk", flat=True))
    return [rng.choice(ids) for _ in range(n)]


def timed(dbs, call_for, n):
    """(wall µs, µs inside cursor.execute) per call and size; small and large alternate in blocks of BLOCK."""
    import gc

    out = {"small": [], "large": []}
    in_db = []

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_db.append(time.perf_counter() - t0)

    for block in range(0, n, BLOCK):
        for which in (("small", "large") if (block // BLOCK) % 2 else ("large", "small")):
            dbs.use(which)
            call = call_for(which)
            gc.collect()
            with dbs.connections["default"].execute_wrapper(wrapper):
                for i in range(block, min(n, block + BLOCK)):
                    in_db.clear()
                    t0 = time.perf_counter()
                    call(i)
                    out[which].append(((time.perf_counter() - t0) * 1e6, sum(in_db) * 1e6))
    dbs.use("large")
    return out


def stats(samples):
    """(median wall, p99 wall, median time in SQL) of (wall, sql) pairs."""
    walls = sorted(w for w, _ in samples)
    return (statistics.median(walls), walls[min(len(walls) - 1, int(len(walls) * 0.99))],
            statistics.median(d for _, d in samples))


def main():
    args = parse_args()
    url = prepare_database(args)
    setup_django(url, args.debug)
    from django.core.management import call_command
    from django.db import connection

    from governance.models import Certificate
    from governance.outbound import may_call
    from governance.outbound_demo import seed_outbound

    rng = random.Random(args.seed)
    db_name = connection.settings_dict["NAME"]
    small_name = f"{db_name}_small" if connection.vendor == "postgresql" else f"{db_name}.small"
    small, large = args.sizes
    print(f"database: {connection.vendor} {db_name}  sizes: {small:,} then {large:,} agents  "
          f"service calls: {args.calls:,}  API requests: {args.requests:,} per user and size")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    seed_outbound()
    print(f"migrate + seed_demo + seed_outbound: {time.perf_counter() - t:.1f} s")
    print(f"grow to {small:,} agents: {grow(small, rng):.1f} s")
    analyze()
    clients = api_clients()
    figures = {"small": {"certificates": Certificate.objects.count()}}
    ids = {"service": sample_ids(rng, args.calls),
           **{u: sample_ids(rng, args.requests, visible_to=u) for u in API_USERS}}
    service_q, api_q, _ = _queries(clients)
    figures["small"]["queries"] = (service_q, api_q)
    clone_database(small_name)

    print(f"grow to {large:,} agents: {grow(large, rng):.1f} s")
    analyze()
    figures["large"] = {"certificates": Certificate.objects.count()}
    ids_large = {"service": sample_ids(rng, args.calls),
                 **{u: sample_ids(rng, args.requests, visible_to=u) for u in API_USERS}}
    service_q, api_q, sql = _queries(clients)
    figures["large"]["queries"] = (service_q, api_q)
    plan = explain(sql)

    dbs = TwoDatabases(small_name)
    id_sets = {"small": ids, "large": ids_large}
    results = {"service": timed(dbs, lambda w: (lambda i: may_call(agent_id=id_sets[w]["service"][i])), args.calls)}
    for username, client in clients.items():
        def call_for(which, client=client, username=username):
            agent_ids = id_sets[which][username]
            return lambda i: _get_ok(client, f"/api/v1/agents/{agent_ids[i]}/may-call/")
        results[username] = timed(dbs, call_for, args.requests)
    dbs.close()
    report(args, figures, results, plan)
    drop_clone(small_name)
    if args.sqlite:
        connection.close()
        os.unlink(db_name)


def _probe_agents(username=None):
    """An agent with a current certificate and one without, visible to `username` (everyone if None)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef

    from governance.models import Certificate, OutboundAgent
    from governance.selectors import scoped

    queryset = OutboundAgent.objects.all()
    if username:
        queryset = scoped(queryset, get_user_model().objects.get(username=username))
    current = Exists(Certificate.objects.filter(agent=OuterRef("pk"), is_current=True))
    return (queryset.filter(current).values_list("pk", flat=True).first(),
            queryset.filter(~current).values_list("pk", flat=True).first())


def _count(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm per-process caches (content types)
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries), ctx.captured_queries[-1]["sql"]


def _queries(clients):
    """Queries per call: the service, and the API per user for an agent with / without a certificate."""
    from governance.outbound import may_call

    with_certificate, _ = _probe_agents()
    service, sql = _count(lambda: may_call(agent_id=with_certificate))
    api = {}
    for username, client in clients.items():
        hit, miss = _probe_agents(username)
        api[username] = tuple(_count(lambda pk=pk: _get_ok(client, f"/api/v1/agents/{pk}/may-call/"))[0]
                              for pk in (hit, miss))
    return service, api, sql


def _get_ok(client, path):
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response


def explain(sql):
    from django.db import connection

    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join("  " + " ".join(str(c) for c in row) for row in cursor.fetchall())


def report(args, figures, results, plan):
    small, large = args.sizes
    print(f"\n=== may-call ({'PostgreSQL' if not args.sqlite else 'SQLite'}; agents {small:,} → {large:,}, "
          f"certificates {figures['small']['certificates']:,} → {figures['large']['certificates']:,}) ===")
    print(f"{'what':<26}{'queries':>14}{'median':>9}{'p99':>8}{'in SQL':>8}{'median':>10}{'p99':>8}{'in SQL':>8}"
          f"{'ratio':>7}")
    print(f"{'':<26}{'both sizes':>14}{f'µs @{small:,}':>25}{f'µs @{large:,}':>26}{'(med)':>7}")
    rows = [("service may_call()", "service")] + [(f"API as {u}", u) for u in API_USERS]
    for label, key in rows:
        q_small = figures["small"]["queries"][0] if key == "service" else figures["small"]["queries"][1][key]
        q_large = figures["large"]["queries"][0] if key == "service" else figures["large"]["queries"][1][key]
        queries = (f"{q_small} / {q_large}" if key == "service"
                   else f"{q_small[0]}+{q_small[1] - q_small[0]} / {q_large[0]}+{q_large[1] - q_large[0]}")
        m1, p1, d1 = stats(results[key]["small"])
        m2, p2, d2 = stats(results[key]["large"])
        print(f"{label:<26}{queries:>14}{m1:>9.0f}{p1:>8.0f}{d1:>8.0f}{m2:>10.0f}{p2:>8.0f}{d2:>8.0f}{m2 / m1:>7.2f}")
    print(f"\nqueries: API \"a+b\" = a for an agent with a certificate, b more for one without (then the agent is "
          f"looked up to tell 'no certificate' from 404). in SQL: median time inside cursor.execute per call.\n"
          f"service calls: {args.calls:,} per size; API requests: {args.requests:,} per user and size (random "
          f"agents in the user's scope); sizes alternate every {BLOCK} calls.")
    print(f"\n=== plan of the service's query at {large:,} agents ===\n{plan}")


if __name__ == "__main__":
    main()
