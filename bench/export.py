#!/usr/bin/env python
"""Excel export benchmark: an export of 100,000 channels (it prints figures; it is not a test).

Seeds seed_demo plus 100,000 channels spread over 18 cities (bench/inbox.py's World: same tree,
post holders and channel generator, no processes), then runs channel exports through the real
service and Celery task (eager), each in a fresh Python process so that one run's memory does not
show in the next. Per run it prints rows, seconds, rows/s, the peak resident memory the export added
to its process (RSS high-water mark minus the RSS before the export) and the file size; the traced
runs also print tracemalloc's peak of Python allocations (tracing slows Python down about 6 times,
so those runs are smaller, and their time is not a throughput figure). Every file is read back:
one header row, then exactly the ids of the channel list (governance.selectors.channel_list) in
the list's order.

    .venv/bin/python bench/export.py                    # PostgreSQL (drops and recreates channels_bench_export)
    .venv/bin/python bench/export.py --sqlite           # a temporary SQLite file
    .venv/bin/python bench/export.py --channels 20000   # a quick run
    .venv/bin/python bench/export.py --trace-all        # also trace the 100k export (about 3 more minutes)

The database comes from --database-url or BENCH_EXPORT_DATABASE_URL (never from DATABASE_URL),
default postgres://postgres@127.0.0.1:5432/channels_bench_export; its name must contain "bench"
unless --force. Files go to a temporary MEDIA_ROOT that is removed at the end.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import inbox  # noqa: E402  (bench/inbox.py: database set-up and the seeding World)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/channels_bench_export"
# (user, filters, traced): the whole province and one city untraced, for throughput; one city's agent
# points and the whole city traced (both over several chunks), whose equal peaks show that memory does
# not grow with the number of rows.
RUNS = [("auditor", {}, False), ("zz_manager", {}, False),
        ("zz_manager", {"channel_type": "agent_point"}, True), ("zz_manager", {}, True)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_EXPORT_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    p.add_argument("--force", action="store_true", help="allow dropping a database whose name lacks 'bench'")
    p.add_argument("--channels", type=int, default=100_000, help="channels in the database (demo ones included)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--trace-all", action="store_true", help="also run the province-wide export traced")
    p.add_argument("--debug", action="store_true")
    p.add_argument("--one", help=argparse.SUPPRESS)  # internal: run one export in this process, print JSON
    return p.parse_args()


def seed(n_channels, rng_seed):
    from django.core.management import call_command
    from django.db import connection, transaction

    from governance.models import Channel

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    world = inbox.World(random.Random(rng_seed), open_fraction=0.0)
    world.build_tree()
    world.build_holders()
    with transaction.atomic():
        channels, _ = world.make_channels(n_channels - Channel.objects.count())
        world.insert_channels(channels)
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _status_kib(field: str) -> int:
    """VmRSS (resident now) or VmHWM (its high-water mark) of this process, in KiB. Not ru_maxrss: that one
    keeps the parent's high-water mark across fork and exec."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def one(spec: str) -> None:
    """Child process: one export, then its figures as one JSON line."""
    from django.contrib.auth import get_user_model
    from openpyxl import load_workbook

    from governance.selectors import channel_list
    from reports.models import ExportJob
    from reports.services import export_request

    username, filters, traced = json.loads(spec)
    user = get_user_model().objects.get(username=username)
    channel_list(user=user).exists()  # connect and warm the caches before the baseline
    rss_before = _status_kib("VmRSS")
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    job = export_request(user=user, report="channels", filters=filters)  # autocommit: the eager task runs here
    seconds = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else None
    tracemalloc.stop()
    rss_peak = _status_kib("VmHWM")
    job = ExportJob.objects.get(pk=job.pk)
    ok = job.status == ExportJob.Status.DONE
    same = False
    if ok:
        expected = list(channel_list(user=user, filters=filters).values_list("pk", flat=True))
        with job.file.open("rb") as handle:
            workbook = load_workbook(handle, read_only=True)
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            header = next(rows)
            same = header[0] == "渠道编号" and [row[0] for row in rows] == expected
            workbook.close()
    print(json.dumps({"status": job.status, "error": job.error, "rows": job.row_count, "seconds": seconds,
                      "traced_peak": traced_peak, "rss_added_kib": max(0, rss_peak - rss_before),
                      "file_bytes": job.file.size if ok else 0, "same_as_list": same}))


def run_child(url, media, username, filters, traced) -> dict:
    env = dict(os.environ, BENCH_EXPORT_DATABASE_URL=url, MEDIA_ROOT=media)
    spec = json.dumps([username, filters, traced])
    out = subprocess.run([sys.executable, __file__, "--database-url", url, "--one", spec], env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    args = parse_args()
    if args.one:
        inbox.setup_django(args.database_url, args.debug)
        one(args.one)
        return
    t_start = time.perf_counter()
    url = inbox.prepare_database(args)
    media = tempfile.mkdtemp(prefix="bench_export_media_")
    os.environ["MEDIA_ROOT"] = media
    inbox.setup_django(url, args.debug)
    from django.db import connection

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}  channels: {args.channels:,}")
    t0 = time.perf_counter()
    seed(args.channels, args.seed)
    connection.close()
    print(f"seeded in {time.perf_counter() - t0:.1f} s\n")

    runs = RUNS + ([("auditor", {}, True)] if args.trace_all else [])
    print(f"{'user':<12}{'filters':<26}{'traced':<8}{'rows':>9}{'s':>8}{'rows/s':>9}{'+RSS MiB':>10}"
          f"{'tracemalloc':>13}{'file MiB':>10}  rows = list")
    for username, filters, traced in runs:
        r = run_child(url, media, username, filters, traced)
        label = ",".join(f"{k}={v}" for k, v in filters.items()) or "—"
        if r["status"] != "done":
            print(f"{username:<12}{label:<26}{'yes' if traced else 'no':<8} FAILED: {r['error']}")
            continue
        peak = f"{r['traced_peak'] / 2**20:.1f} MiB" if traced else "—"
        rate = "—" if traced else f"{r['rows'] / r['seconds']:,.0f}"
        print(f"{username:<12}{label:<26}{'yes' if traced else 'no':<8}{r['rows']:>9,}{r['seconds']:>8.1f}{rate:>9}"
              f"{r['rss_added_kib'] / 1024:>10.1f}{peak:>13}{r['file_bytes'] / 2**20:>10.1f}  "
              f"{'yes' if r['same_as_list'] else 'NO'}")
    print("\nrows/s: rows per second of the whole export request (filter check, count, streaming query, write-only "
          "workbook, saving the file), untraced runs only. +RSS: resident memory the export added to a fresh "
          "process (high-water mark minus the RSS before it). tracemalloc: peak of Python allocations during "
          "the export. rows = list: the file's ids are exactly channel_list's, in order, after one header row.")
    print(f"total {time.perf_counter() - t_start:.1f} s")
    shutil.rmtree(media, ignore_errors=True)
    if args.sqlite:
        os.unlink(connection.settings_dict["NAME"])


if __name__ == "__main__":
    main()
