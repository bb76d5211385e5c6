#!/usr/bin/env python
"""Throughput of the production mode (issue 10 item 2): onboardings driven end to end over the API.

Starts `scripts/prod.sh` on a dedicated PostgreSQL database (dropped and recreated; its name must contain
"bench"), then N API clients (threads, token auth, no think time) for S seconds: submitters create a channel
and start its onboarding; approvers poll their inbox and approve (渠道主管 → 分管领导 → 省市场经营部 →
支援中心 with a BOSS code). Reports task actions/s, p50/p95/p99 per request kind, errors, and a database
check that no step was lost or doubled. Then it preloads finished processes (SQL copies of a finished one,
not through the API) and runs again, printing the preloaded/empty ratio.

    .venv/bin/python bench/load.py                                        # 50 clients, 60 s, 100,000
    .venv/bin/python bench/load.py --seconds 10 --clients 10 --preload 10000   # a quick run
    .venv/bin/python bench/load.py --base-url http://127.0.0.1:8000 --database-url postgres://...  # a running one

It prints figures and exits 0 unless the database check fails. It is not a test.
"""
import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/channels_bench_load"
PASSWORD = "demo-pass-2026"
CITIES = {"ZZ": ("zz_manager", "ZZ-JS", ["zz_supervisor", "zz_leader", "zz_support"]),
          "LY": ("ly_manager", "LY-LL", ["ly_supervisor", "ly_leader", "ly_support"])}
APPROVERS = ["zz_supervisor", "zz_leader", "prov_marketing", "zz_support", "ly_supervisor", "ly_leader",
             "prov_marketing", "ly_support"]  # 省市场经营部 serves both cities: twice the clients
SUPPORT = {"zz_support", "ly_support"}


# ---------------------------------------------------------------- the server

def start_server(db_url: str, broker: str, port: int, workers: int) -> subprocess.Popen:
    admin = db_url.rsplit("/", 1)[0] + "/postgres"
    name = db_url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the database name must contain 'bench'")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=db_url, CELERY_BROKER_URL=broker, SEED_DEMO="1", BIND=f"127.0.0.1:{port}",
               WEB_WORKERS=str(workers), CELERY_QUEUE=f"bench-load-{port}", LOG_LEVEL="WARNING")
    log = open(ROOT / "bench" / "load-server.log", "wb")
    server = subprocess.Popen(["bash", "scripts/prod.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("scripts/prod.sh ended; see bench/load-server.log")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(1)
    sys.exit("the server did not answer within 15 minutes")


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# ---------------------------------------------------------------- the clients

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)  # kind → ms
        self.codes = defaultdict(lambda: defaultdict(int))  # kind → status → n
        self.errors = []

    def record(self, kind, ms, status):
        with self.lock:
            self.times[kind].append(ms)
            self.codes[kind][status] += 1
            if status >= 500 or status == 0 or status in (400, 401, 403):
                if len(self.errors) < 20:
                    self.errors.append((kind, status))


class Client:
    def __init__(self, base, token, stats):
        self.http = httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"}, timeout=30)
        self.stats = stats

    def call(self, kind, method, path, **kwargs):
        began = time.perf_counter()
        try:
            response = self.http.request(method, path, **kwargs)
            status = response.status_code
        except httpx.HTTPError:
            response, status = None, 0
        self.stats.record(kind, (time.perf_counter() - began) * 1000, status)
        return response


def tokens(base: str) -> dict:
    names = {u for u in APPROVERS} | {c[0] for c in CITIES.values()}
    out = {}
    for name in names:
        response = httpx.post(f"{base}/api/v1/auth/token/", json={"username": name, "password": PASSWORD}, timeout=30)
        response.raise_for_status()
        out[name] = response.json()["token"]
    return out


def submitter(client: Client, city: str, unit_id: int, stop: threading.Event, backlog, serial):
    while not stop.is_set():
        if backlog() > 400:  # keep the queues bounded: approvers catch up
            time.sleep(0.05)
            continue
        n = next(serial)
        body = {"node_code": f"{CITIES[city][1]}-L{n:06d}", "name": f"压测渠道{n}", "channel_type": "own_hall",
                "org_unit": unit_id, "address": "压测地址1号", "contact_mobile": "13912345678", "star_level": 2}
        response = client.call("create_channel", "POST", "/api/v1/channels/", json=body)
        if response is None or response.status_code != 201:
            continue
        client.call("start", "POST", "/api/v1/processes/onboarding/", json={"channel": response.json()["id"]})


def approver(client: Client, username: str, part: int, parts: int, stop: threading.Event, actions):
    while not stop.is_set():
        response = client.call("inbox", "GET", "/api/v1/tasks/", params={"page_size": 50})
        if response is None or response.status_code != 200:
            continue
        mine = [t for t in response.json()["results"] if t["id"] % parts == part][:10]
        if not mine:
            time.sleep(0.25)  # an empty inbox is asked again a little later
            continue
        for task in mine:
            if stop.is_set():
                break
            body = {"comment": "同意"}
            kind = "approve"
            if username in SUPPORT:
                body["boss_code"] = uuid.uuid4().hex[:16].upper()
                kind = "approve_last"
            done = client.call(kind, "POST", f"/api/v1/tasks/{task['id']}/approve/", json=body)
            if done is not None and done.status_code == 200:
                actions.append(1)


def run(base: str, clients: int, seconds: float, db_url: str) -> dict:
    toks = tokens(base)
    units = {}
    with psycopg.connect(db_url) as conn:
        for code in ("ZZ-JS", "LY-LL"):
            units[code] = conn.execute("SELECT id FROM governance_orgunit WHERE code = %s", [code]).fetchone()[0]
        marker = conn.execute("SELECT COALESCE(MAX(id), 0) FROM viewflow_process").fetchone()[0]
    stats, stop, actions = Stats(), threading.Event(), []
    n_submit = max(2, clients // 5)
    n_approve = max(len(APPROVERS), clients - n_submit)
    serial = itertools.count(int(time.time()) % 100000 * 10)

    def backlog():
        return _open(db_url, marker)

    backlog_cache = {"t": 0.0, "v": 0}

    def cached_backlog():
        now = time.monotonic()
        if now - backlog_cache["t"] > 1:
            backlog_cache.update(t=now, v=backlog())
        return backlog_cache["v"]

    threads = []
    cities = list(CITIES)
    for i in range(n_submit):
        city = cities[i % 2]
        client = Client(base, toks[CITIES[city][0]], stats)
        threads.append(threading.Thread(target=submitter, args=(client, city, units[CITIES[city][1]], stop,
                                                                cached_backlog, serial)))
    per_user = defaultdict(list)
    for i in range(n_approve):
        per_user[APPROVERS[i % len(APPROVERS)]].append(i)
    for username, slots in per_user.items():
        for part in range(len(slots)):
            client = Client(base, toks[username], stats)
            threads.append(threading.Thread(target=approver, args=(client, username, part, len(slots), stop, actions)))
    began, cpu_before = time.monotonic(), cpu_seconds()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(60)
    elapsed = time.monotonic() - began
    cpu_after = cpu_seconds()
    cpu = {k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after}
    return {"stats": stats, "actions": len(actions), "elapsed": elapsed, "marker": marker, "cpu": cpu}


# ---------------------------------------------------------------- where the CPU went (Linux /proc)

GROUPS = {"gunicorn": "gunicorn", "celery worker": "worker", "celery beat": "beat", "postgres": "postgres"}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict:
    """CPU seconds so far: the machine's busy time, and each group's live processes (user + system)."""
    out = defaultdict(float)
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    out["machine busy"] = (sum(fields) - fields[3] - fields[4]) / TICK  # all but idle and iowait
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = open(f"/proc/{entry}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
            stat = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(stat[11]) + int(stat[12])) / TICK
        if int(entry) == os.getpid():
            out["load clients"] += used
        for group, needle in GROUPS.items():
            if needle in cmdline and (group != "postgres" or cmdline.startswith("postgres")):
                out[group] += used
                break
    return out


def _processes(db_url) -> int:
    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT COUNT(*) FROM workflows_approvalprocess").fetchone()[0]


def _open(db_url, marker) -> int:
    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT COUNT(*) FROM workflows_approvalprocess WHERE process_ptr_id > %s "
                            "AND state = 'in_review'", [marker]).fetchone()[0]


# ---------------------------------------------------------------- the database check

CHECKS = {
    "completed process whose done approval tasks differ from its plan's steps": """
        SELECT p.process_ptr_id FROM workflows_approvalprocess p
        WHERE p.process_ptr_id > %(m)s AND p.state = 'completed' AND jsonb_array_length(p.plan) <>
            (SELECT COUNT(*) FROM viewflow_task t WHERE t.process_id = p.process_ptr_id
             AND t.flow_task_type = 'HUMAN' AND t.status = 'DONE')""",
    "completed process with an open task left": """
        SELECT DISTINCT t.process_id FROM viewflow_task t JOIN workflows_approvalprocess p
            ON p.process_ptr_id = t.process_id
        WHERE p.process_ptr_id > %(m)s AND p.state = 'completed' AND t.status IN ('NEW', 'ASSIGNED', 'STARTED')""",
    "step decided twice (two decision events for one step and visit)": """
        SELECT e.process_id FROM workflows_processevent e
        WHERE e.process_id > %(m)s AND e.step_index IS NOT NULL AND e.action NOT IN ('submit', 'resubmit')
            AND e.task_id IS NOT NULL
        GROUP BY e.process_id, e.step_index, e.visit HAVING COUNT(*) > 1""",
    "completed process with a step never decided": """
        SELECT p.process_ptr_id FROM workflows_approvalprocess p
        WHERE p.process_ptr_id > %(m)s AND p.state = 'completed' AND jsonb_array_length(p.plan) <>
            (SELECT COUNT(DISTINCT e.step_index) FROM workflows_processevent e WHERE e.process_id = p.process_ptr_id
             AND e.task_id IS NOT NULL AND e.step_index IS NOT NULL AND e.action NOT IN ('submit', 'resubmit'))""",
    "process in review without exactly one open approval task": """
        SELECT p.process_ptr_id FROM workflows_approvalprocess p
        WHERE p.process_ptr_id > %(m)s AND p.state = 'in_review' AND 1 <>
            (SELECT COUNT(*) FROM viewflow_task t WHERE t.process_id = p.process_ptr_id
             AND t.flow_task_type = 'HUMAN' AND t.status IN ('NEW', 'ASSIGNED', 'STARTED'))""",
    "channel of a completed onboarding not active": """
        SELECT p.process_ptr_id FROM workflows_approvalprocess p JOIN governance_channel c ON c.id = p.subject_id
        WHERE p.process_ptr_id > %(m)s AND p.kind = 'onboarding' AND p.state = 'completed'
            AND (c.status <> 'active' OR c.boss_code IS NULL OR c.boss_code = '')""",
}


def forms(db_url: str, marker: int) -> tuple[int, int]:
    """Approval forms of the run's completed processes: (rendered to PDF, waiting for a worker or a download)."""
    with psycopg.connect(db_url) as conn:
        return conn.execute("SELECT COUNT(*) FILTER (WHERE file <> ''), COUNT(*) FILTER (WHERE file = '') "
                            "FROM reports_archiveddocument WHERE process_id > %s", [marker]).fetchone()


def db_check(db_url: str, marker: int) -> tuple[dict, list[str]]:
    problems = []
    with psycopg.connect(db_url) as conn:
        states = dict(conn.execute("SELECT state, COUNT(*) FROM workflows_approvalprocess WHERE process_ptr_id > %s "
                                   "GROUP BY state", [marker]).fetchall())
        for what, sql in CHECKS.items():
            rows = conn.execute(sql, {"m": marker}).fetchall()
            if rows:
                problems.append(f"{what}: {len(rows)} (e.g. {[r[0] for r in rows[:5]]})")
    return states, problems


# ---------------------------------------------------------------- preloading finished processes

def _columns(conn, table) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table]).fetchall()]


def preload(db_url: str, n: int, batch: int = 20000) -> float:
    """n copies of the newest completed onboarding (process, its tasks and their links, its events), in SQL."""
    began = time.monotonic()
    with psycopg.connect(db_url) as conn:
        row = conn.execute("SELECT process_ptr_id FROM workflows_approvalprocess WHERE state = 'completed' "
                           "ORDER BY process_ptr_id DESC LIMIT 1").fetchone()
        if row is None:
            sys.exit("no completed process to copy: the first run completed none")
        template = row[0]
        done = 0
        while done < n:
            size = min(batch, n - done)
            _copy_batch(conn, template, size)
            conn.commit()
            done += size
        conn.autocommit = True  # a database that size is vacuumed in steady state: not autovacuum's catch-up in the run
        conn.execute("VACUUM (ANALYZE)")
    return time.monotonic() - began


def _copy_batch(conn, template: int, size: int) -> None:
    tag = uuid.uuid4().hex[:6]
    conn.execute("CREATE TEMP TABLE m ON COMMIT DROP AS SELECT g, nextval(pg_get_serial_sequence('viewflow_process', "
                 "'id')) AS pid FROM generate_series(1, %s) g", [size])
    cols = [c for c in _columns(conn, "viewflow_process") if c != "id"]
    conn.execute(f"INSERT INTO viewflow_process (id, {', '.join(cols)}) SELECT m.pid, {', '.join('p.' + c for c in cols)} "
                 f"FROM m, viewflow_process p WHERE p.id = %s", [template])
    cols = [c for c in _columns(conn, "workflows_approvalprocess") if c not in ("process_ptr_id", "number")]
    conn.execute(f"INSERT INTO workflows_approvalprocess (process_ptr_id, number, {', '.join(cols)}) "
                 f"SELECT m.pid, 'PL{tag}' || m.g, {', '.join('p.' + c for c in cols)} "
                 f"FROM m, workflows_approvalprocess p WHERE p.process_ptr_id = %s", [template])
    conn.execute("CREATE TEMP TABLE mt ON COMMIT DROP AS SELECT m.g, m.pid, t.id AS old, "
                 "nextval(pg_get_serial_sequence('viewflow_task', 'id')) AS new "
                 "FROM m, viewflow_task t WHERE t.process_id = %s", [template])
    cols = [c for c in _columns(conn, "viewflow_task") if c not in ("id", "process_id")]
    conn.execute(f"INSERT INTO viewflow_task (id, process_id, {', '.join(cols)}) "
                 f"SELECT mt.new, mt.pid, {', '.join('t.' + c for c in cols)} FROM mt JOIN viewflow_task t ON t.id = mt.old")
    conn.execute("INSERT INTO viewflow_task_previous (from_task_id, to_task_id) SELECT a.new, b.new "
                 "FROM viewflow_task_previous l JOIN mt a ON a.old = l.from_task_id JOIN mt b ON b.old = l.to_task_id "
                 "AND b.g = a.g")
    cols = [c for c in _columns(conn, "workflows_processevent") if c not in ("id", "process_id", "task_id")]
    conn.execute(f"INSERT INTO workflows_processevent (process_id, task_id, {', '.join(cols)}) "
                 f"SELECT m.pid, mt.new, {', '.join('e.' + c for c in cols)} FROM m JOIN workflows_processevent e "
                 f"ON e.process_id = %s LEFT JOIN mt ON mt.old = e.task_id AND mt.g = m.g", [template])


# ---------------------------------------------------------------- report

def pct(values, q) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(title: str, result: dict, states: dict, problems: list[str]) -> None:
    stats, elapsed = result["stats"], result["elapsed"]
    print(f"\n=== {title} ===")
    print(f"duration {elapsed:.1f} s; task actions {result['actions']} = {result['actions'] / elapsed:.1f}/s")
    print(f"{'request':<15}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for kind in ("create_channel", "start", "inbox", "approve", "approve_last"):
        times = stats.times.get(kind, [])
        codes = ", ".join(f"{k}×{v}" for k, v in sorted(stats.codes[kind].items()))
        print(f"{kind:<15}{len(times):>7}{pct(times, 50):>9.0f}{pct(times, 95):>9.0f}{pct(times, 99):>9.0f}  {codes}")
    errors = sum(v for codes in stats.codes.values() for k, v in codes.items() if k >= 500 or k == 0)
    print(f"errors (5xx or no answer): {errors}; first refusals: {stats.errors[:5]}")
    cpu = result["cpu"]
    per_request = cpu["machine busy"] * 1000 / max(sum(len(t) for t in stats.times.values()), 1)
    print(f"CPU seconds during the run: " + ", ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items()))
          + f"; machine busy per request {per_request:.0f} ms")
    print(f"processes checked, by state: {states}")
    print("database check: " + ("no step lost or doubled" if not problems else "PROBLEMS\n  " + "\n  ".join(problems)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--preload", type=int, default=100_000)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/5"))
    parser.add_argument("--base-url", help="a server already running on --database-url (nothing is dropped)")
    args = parser.parse_args()

    server = None
    base = args.base_url
    if base is None:
        print(f"starting scripts/prod.sh on {args.database_url} (log: bench/load-server.log) ...", flush=True)
        server = start_server(args.database_url, args.broker, args.port, args.web_workers)
        base = f"http://127.0.0.1:{args.port}"
    failed = False
    try:
        first = run(base, args.clients, args.seconds, args.database_url)
        states, problems = db_check(args.database_url, first["marker"])
        report(f"empty database, {args.clients} clients", first, states, problems)
        print("approval forms of the run: {} rendered, {} waiting (rendered on first download)".format(
            *forms(args.database_url, first["marker"])))
        print(f"processes in the database: {_processes(args.database_url)}")
        failed |= bool(problems)
        if args.preload:
            took = preload(args.database_url, args.preload)
            print(f"\npreloaded {args.preload} finished processes in {took:.0f} s", flush=True)
            second = run(base, args.clients, args.seconds, args.database_url)
            states, problems = db_check(args.database_url, first["marker"])  # both runs (and the copies)
            report(f"with {args.preload} more finished processes", second, states, problems)
            print("approval forms of the run: {} rendered, {} waiting (rendered on first download)".format(
                *forms(args.database_url, second["marker"])))
            print(f"processes in the database: {_processes(args.database_url)}")
            failed |= bool(problems)
            a, b = first["stats"].times["approve"], second["stats"].times["approve"]
            rate = (first["actions"] / first["elapsed"]) / max(second["actions"] / second["elapsed"], 1e-9)
            print(f"\nratio {args.preload}/empty: approval p50 ×{pct(b, 50) / max(pct(a, 50), 1e-9):.2f}, "
                  f"p95 ×{pct(b, 95) / max(pct(a, 95), 1e-9):.2f}; actions/s empty/preloaded ×{rate:.2f}")
    finally:
        if server is not None:
            stop_server(server)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
