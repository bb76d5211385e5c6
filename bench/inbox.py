#!/usr/bin/env python
"""Inbox and channel-list scaling benchmark (it prints figures; it is not a test).

Seeds 1,000 and then 100,000 channels, with open approval tasks spread over the org tree,
and reports for the inbox (/api/v1/tasks/) and the channel list (/api/v1/channels/):
queries per request (must be the same at both sizes) and the median latency ratio
100k/1k (goal <= 1.5).

    .venv/bin/python bench/inbox.py                 # PostgreSQL (drops and recreates channels_bench)
    .venv/bin/python bench/inbox.py --sqlite        # a temporary SQLite file
    .venv/bin/python bench/inbox.py --sizes 1000,20000 --requests 15

The database comes from --database-url or BENCH_DATABASE_URL (never from DATABASE_URL, so a
developer's database is not dropped by accident), default
postgres://postgres@127.0.0.1:5432/channels_bench. Its name must contain "bench" unless --force.

Seeding: seed_demo, then a wider tree (18 cities x 6 counties x 3 营服中心) with the four city posts
held in every city; channels are bulk-inserted; for --open-fraction of them an onboarding process
with its viewflow task chain is bulk-inserted (Process via bulk_create, the ApprovalProcess child
rows via a multi-row INSERT of the child table, Task rows and their `previous` links via
bulk_create). A few processes are started through the real services first, and the bulk rows are
compared column by column against them; one bulk task is then approved through the real service
(rolled back) to show the flow can carry on from bulk rows.
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/channels_bench"

CITIES = [  # code, name, weight (share of channels)
    ("ZZ", "郑州", 0.15), ("LY", "洛阳", 0.08), ("KF", "开封", 0.05), ("PDS", "平顶山", 0.05),
    ("AY", "安阳", 0.05), ("HB", "鹤壁", 0.03), ("XX", "新乡", 0.05), ("JZ", "焦作", 0.04),
    ("PY", "濮阳", 0.04), ("XC", "许昌", 0.05), ("LH", "漯河", 0.03), ("SMX", "三门峡", 0.03),
    ("NY", "南阳", 0.07), ("SQ", "商丘", 0.06), ("XY", "信阳", 0.06), ("ZK", "周口", 0.06),
    ("ZMD", "驻马店", 0.06), ("JY", "济源", 0.04),
]
NAMED_COUNTIES = {
    "ZZ": [("ZZ-JS", "金水区"), ("ZZ-ZY", "中原区"), ("ZZ-EQ", "二七区"), ("ZZ-GC", "管城区"),
           ("ZZ-HJ", "惠济区"), ("ZZ-ZD", "郑东新区")],
    "LY": [("LY-LL", "洛龙区"), ("LY-XG", "西工区"), ("LY-LC", "老城区"), ("LY-JX", "涧西区"),
           ("LY-CH", "瀍河区"), ("LY-YS", "偃师区")],
}
COUNTIES_PER_CITY, CENTRES_PER_COUNTY = 6, 3
CITY_POSTS = [("manager", "channel_manager"), ("supervisor", "channel_supervisor"),
              ("leader", "branch_leader"), ("support", "city_support")]
TYPE_WEIGHTS = {"agent_point": 35, "exclusive_store": 20, "account_manager": 15, "self_service_terminal": 10,
                "own_hall": 8, "outbound_team": 5, "self_service_hall": 3, "flagship_store": 2, "e_channel": 2}
# Where open onboarding processes stand (index into the plan); copy steps are skipped like the flow does.
STEP_WEIGHTS = {0: 50, 1: 25, 2: 15, 3: 10}
CLAIMED_SHARE = 0.10  # open tasks already claimed (签收) by the post holder
OTHER_STATUS = [("active", 85), ("draft", 5), ("suspended", 5), ("closed", 5)]
BENCH_USERS = ("zz_supervisor", "prov_marketing")
HTML_PAGES = ("/", "/channels/")
GOAL = 1.5


# ------------------------------------------------------------------ set-up

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    p.add_argument("--sqlite", action="store_true", help="use a temporary SQLite file instead of PostgreSQL")
    p.add_argument("--force", action="store_true", help="allow dropping a database whose name lacks 'bench'")
    p.add_argument("--sizes", default="1000,100000", help="channel totals of the two phases")
    p.add_argument("--open-fraction", type=float, default=0.10, help="share of new channels with an open process")
    p.add_argument("--small-open-fraction", type=float, default=0.60,
                   help="the same share in the small world: a backlog big enough that the measured users' first "
                        "inbox page is full at both sizes, so the ratio compares equal pages")
    p.add_argument("--requests", type=int, default=30, help="timed requests per endpoint and user")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--debug", action="store_true", help="run with DEBUG=1 (default DEBUG=0, like production)")
    p.add_argument("--keep", action="store_true", help="keep the SQLite file")
    args = p.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if len(args.sizes) != 2 or args.sizes[0] >= args.sizes[1]:
        p.error("--sizes takes two increasing totals, e.g. 1000,100000")
    return args


def prepare_database(args) -> str:
    if args.sqlite:
        fd, path = tempfile.mkstemp(prefix="channels_bench_", suffix=".sqlite3")
        os.close(fd)
        os.unlink(path)
        return f"sqlite:///{path}"
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    url = args.database_url
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    dbname = conninfo_to_dict(url).get("dbname")
    if not dbname:
        sys.exit(f"no database name in {args.database_url}")
    if "bench" not in dbname and not args.force:
        sys.exit(f"refusing to drop database {dbname!r}: its name lacks 'bench' (use --force)")
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return args.database_url


def setup_django(url, debug):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1" if debug else "0"
    os.environ.pop("CELERY_BROKER_URL", None)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here  # timers etc. run eagerly; not used by these endpoints
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    # Only the bench users' passwords are hashed; force_login is used for the requests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Timer:
    def __init__(self):
        self.laps = []

    def lap(self, label, fn, *a, **kw):
        t0 = time.perf_counter()
        out = fn(*a, **kw)
        self.laps.append((label, time.perf_counter() - t0))
        return out


# ------------------------------------------------------------------ the world

def credit_code(rng, city_index):
    from governance.validators import credit_code_check_char

    first17 = f"9141{city_index:02d}00" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return first17 + credit_code_check_char(first17)


class World:
    """The org tree, the post holders and the seeded channels/processes; grows in phases."""

    def __init__(self, rng, open_fraction):
        self.rng = rng
        self.open_fraction = open_fraction
        self.unit_seq = Counter()  # per-unit node_code counter
        self.boss_seq = 50_000_000
        self.process_shapes = Counter()

    # ---- tree and holders

    def build_tree(self):
        from governance.models import OrgUnit

        units = {u.code: u for u in OrgUnit.objects.all()}
        province = units["HA"]
        self.city_units, self.leaf_units = {}, {}
        for city_code, city_name, _ in CITIES:
            city = units.get(city_code)
            if city is None:
                city = OrgUnit(code=city_code, name=f"{city_name}分公司", tier=OrgUnit.Tier.CITY, parent=province)
                city.save()
            self.city_units[city_code] = city
            named = NAMED_COUNTIES.get(city_code, [])
            counties = []
            for i in range(COUNTIES_PER_CITY):
                code, name = named[i] if i < len(named) else (f"{city_code}-Q{i + 1}", f"{city_name}第{i + 1}区县")
                county = units.get(code)
                if county is None:
                    county = OrgUnit(code=code, name=name, tier=OrgUnit.Tier.COUNTY, parent=city)
                    county.save()
                counties.append(county)
            leaves = []
            for county in counties:
                leaves.append(county)
                for j in range(CENTRES_PER_COUNTY):
                    centre = OrgUnit(code=f"{county.code}-Y{j + 1}", name=f"{county.name}第{j + 1}营服中心",
                                     tier=OrgUnit.Tier.CENTRE, parent=county)
                    centre.save()
                    leaves.append(centre)
            self.leaf_units[city_code] = leaves
        self.province = province
        self.units_by_id = {u.pk: u for u in OrgUnit.objects.all()}

    def build_holders(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from workflows.management.commands.seed_demo import PASSWORD
        from governance.models import Post, PostAssignment

        User = get_user_model()
        self.posts = {p.code: p for p in Post.objects.all()}
        existing = set(User.objects.values_list("username", flat=True))
        password = make_password(PASSWORD)
        new_users = [User(username=f"{c.lower()}_{suffix}", first_name=f"{name}{self.posts[post].name}",
                          password=password)
                     for c, name, _ in CITIES for suffix, post in CITY_POSTS
                     if f"{c.lower()}_{suffix}" not in existing]
        User.objects.bulk_create(new_users)
        users = {u.username: u for u in User.objects.all()}
        PostAssignment.objects.bulk_create([
            PostAssignment(user=users[u.username], post=self.posts[post],
                           org_unit=self.city_units[u.username.split("_")[0].upper()], valid_from=date(2026, 1, 1))
            for u in new_users for suffix, post in CITY_POSTS if u.username.endswith(f"_{suffix}")
        ])
        self.users = users
        # (post code, unit id) -> holder user id, for owners of done and claimed tasks
        self.holder = {}
        for a in PostAssignment.objects.valid_on().select_related("post").order_by("pk"):
            self.holder.setdefault((a.post.code, a.org_unit_id), a.user_id)
        self.ancestors = {}
        for uid, unit in self.units_by_id.items():
            chain, u = [], unit
            while u is not None:
                chain.append(u.pk)
                u = self.units_by_id.get(u.parent_id)
            self.ancestors[uid] = chain

    def routes(self):
        from governance.models import Channel
        from workflows.engine.plan import build_plan, route_for, route_snapshot
        from workflows.kinds.base import PlanContext
        from workflows.registry import kind_for

        onboarding = kind_for("onboarding")
        self.route_by_type, self.plan_by_type, self.snapshot_by_type = {}, {}, {}
        for channel_type in TYPE_WEIGHTS:
            probe = Channel(org_unit=self.province, channel_type=channel_type)
            route = route_for(onboarding, category=channel_type, tier="county")
            snapshot = route_snapshot(route, category=channel_type, tier="county")
            self.route_by_type[channel_type] = route
            self.snapshot_by_type[channel_type] = snapshot
            self.plan_by_type[channel_type] = build_plan(snapshot["steps"],
                                                         PlanContext(onboarding, probe, {}, self.province))

    def holder_unit(self, post_code, unit_id):
        """Like routes.resolve_unit: the unit or its nearest ancestor where someone holds the post."""
        for uid in self.ancestors[unit_id]:
            if (post_code, uid) in self.holder:
                return uid
        raise RuntimeError(f"nobody holds {post_code} above unit {unit_id}")

    # ---- channels

    def make_channels(self, n, *, status_of=None, city_only=None):
        """n unsaved channels spread over the tree (or one city's units); returns (channels, open_flags)."""
        from governance.models import SOCIAL_CHANNEL_TYPES, Channel, ChannelType

        rng = self.rng
        city_codes = [c for c, _, _ in CITIES]
        city_weights = [w for _, _, w in CITIES]
        types, type_weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
        statuses, status_weights = zip(*OTHER_STATUS)
        labels = dict(ChannelType.choices)
        channels, opened = [], []
        for _ in range(n):
            ci = city_codes.index(city_only) if city_only else rng.choices(range(len(city_codes)), city_weights)[0]
            city = city_codes[ci]
            unit = rng.choice(self.leaf_units[city])
            channel_type = rng.choices(types, type_weights)[0]
            self.unit_seq[unit.code] += 1
            seq = self.unit_seq[unit.code]
            is_open = status_of is None and rng.random() < self.open_fraction
            status = status_of or ("pending" if is_open else rng.choices(statuses, status_weights)[0])
            boss_code = None
            if status in ("active", "suspended", "closed"):
                self.boss_seq += 1
                boss_code = f"{city}{self.boss_seq:08d}"
            social = channel_type in SOCIAL_CHANNEL_TYPES
            name = f"{unit.name}{labels[channel_type]}{seq}号"
            channels.append(Channel(
                node_code=f"{unit.code}-{seq:05d}", name=name, channel_type=channel_type,
                star_level=rng.randint(1, 5), org_unit=unit, boss_code=boss_code, status=status,
                address=f"河南省{self.city_units[city].name[:-3]}市{unit.name}建设路{seq}号",
                longitude=Decimal(f"{rng.uniform(110.4, 116.6):.6f}"), latitude=Decimal(f"{rng.uniform(31.4, 36.3):.6f}"),
                opening_hours="09:00-21:00", floor_area=Decimal(rng.randint(20, 400)), staff_count=rng.randint(1, 12),
                operator_company=f"{name}商贸有限公司" if social else "",
                credit_code=credit_code(rng, ci) if social else "",
                legal_representative="张伟" if social else "", bank_name="中国工商银行" if social else "",
                bank_account=f"6222{rng.randrange(10**15):015d}" if social else "",
                deposit=Decimal(rng.choice([5000, 10000, 20000])) if social else Decimal(0),
                contract_number=f"HT-{unit.code}-{seq:05d}" if social else "",
                contract_start=date(2026, 1, 1) if social else None, contract_end=date(2028, 12, 31) if social else None,
                business_scope="移动业务代办、终端销售",
                contact_mobile=f"13{rng.randint(5, 9)}{rng.randrange(10**8):08d}",
                created_by_id=self.users[f"{city.lower()}_manager"].pk,
            ))
            opened.append(is_open)
        return channels, opened

    def insert_channels(self, channels, validate_sample=100):
        from governance.models import Channel

        for channel in channels[:validate_sample]:  # the generated values pass the model's own validation
            channel.full_clean(validate_unique=False, validate_constraints=False)
        Channel.objects.bulk_create(channels, batch_size=2000)

    # ---- processes

    def insert_processes(self, channels, forced_shapes=()):
        """Open onboarding processes for `channels` (already saved, status pending), with their task chains."""
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection
        from django.utils import timezone
        from viewflow.workflow.models import Process, Task
        from viewflow.workflow.status import PROCESS, STATUS

        from governance.backends import post_permission
        from governance.models import Channel, OrgUnit
        from workflows.engine.plan import step_title
        from workflows.flows import ApprovalFlow as OnboardingFlow
        from workflows.models import ApprovalProcess, CopyNotice, ProcessEvent

        rng = self.rng
        unit_ct = ContentType.objects.get_for_model(OrgUnit)
        channel_ct = ContentType.objects.get_for_model(Channel)
        post_names = {code: p.name for code, p in self.posts.items()}
        now = timezone.now()
        forced = list(forced_shapes)

        plans, shapes, procs = [], [], []
        for channel in channels:
            template = self.plan_by_type[channel.channel_type]
            plan = [dict(step, unit=channel.org_unit_id) for step in template]
            choices = [i for i in STEP_WEIGHTS if i < len(plan) and plan[i]["step"] != "copy"]
            if forced and self.units_by_id[channel.org_unit_id].path.startswith(forced[0][0]) \
                    and self.route_by_type[channel.channel_type].filing == "approval":
                _, step_index, claimed = forced.pop(0)
            else:
                step_index = rng.choices(choices, [STEP_WEIGHTS[i] for i in choices])[0]
                claimed = rng.random() < CLAIMED_SHARE
            plans.append(plan)
            shapes.append((step_index, claimed))
            created = now - timedelta(days=rng.uniform(0.5, 30))
            procs.append(Process(flow_class=OnboardingFlow, status=PROCESS.NEW, created=created))
        Process.objects.bulk_create(procs, batch_size=2000)

        children, tasks, links, events, copies = [], [], [], [], []
        for channel, plan, (step_index, claimed), proc in zip(channels, plans, shapes, procs):
            self.process_shapes[(step_index, claimed)] += 1
            unit_id = channel.org_unit_id
            requester_id = channel.created_by_id
            t = proc.created
            chain = []  # (Task, ) in creation order; links go later -> earlier

            def task(node, type_, status, *, started=True, owner_id=None, perm=None, obj_pk=None):
                nonlocal t
                t += timedelta(seconds=rng.uniform(0.001, 0.01) if type_ != "HUMAN" else rng.uniform(600, 86400))
                done = status == STATUS.DONE
                row = Task(flow_task=node, flow_task_type=type_, status=status, created=t,
                           started=t if (started and (done or type_ != "HUMAN")) else None,
                           finished=t if done else None, owner_id=owner_id, owner_permission=perm,
                           owner_permission_obj_pk=obj_pk, owner_permission_content_type_id=unit_ct.pk if perm else None)
                chain.append(row)
                return row

            task(OnboardingFlow.start, "START", STATUS.DONE)
            task(OnboardingFlow.route, "FUNCTION", STATUS.DONE)
            task(OnboardingFlow.has_step, "EXCLUSIVE_GATEWAY", STATUS.DONE, started=False)
            proc_events = [dict(action=ProcessEvent.Action.SUBMIT, actor_id=requester_id,
                                post=post_names["channel_manager"], post_code="channel_manager", step="", task=None,
                                org_unit_id=self.holder_unit("channel_manager", unit_id), step_index=None, signs=False)]
            approvals = 0
            for i, step in enumerate(plan[:step_index]):
                holder_unit = self.holder_unit(step["post"], unit_id)
                if step["step"] == "copy":  # done inside the route function, no task
                    copies.append(CopyNotice(process_id=proc.pk, post=self.posts[step["post"]], org_unit_id=holder_unit))
                    proc_events.append(dict(action=ProcessEvent.Action.COPY, actor_id=None,
                                            post=post_names[step["post"]], post_code=step["post"],
                                            org_unit_id=holder_unit, step=f"{post_names[step['post']]}抄送", task=None,
                                            step_index=i, signs=False))
                    continue
                owner = self.holder[(step["post"], holder_unit)]
                review = task(OnboardingFlow.review, "HUMAN", STATUS.DONE, owner_id=owner,
                              perm=post_permission(step["post"]), obj_pk=str(holder_unit))
                proc_events.append(dict(action=ProcessEvent.Action.APPROVE, actor_id=owner,
                                        post=post_names[step["post"]], post_code=step["post"], org_unit_id=holder_unit,
                                        step=step_title(step, post_names), task=review, step_index=i,
                                        signs=bool(step["exclusive"])))
                approvals += 1  # the step routes and picks the next node itself: review follows review
            step = plan[step_index]
            current_unit = self.holder_unit(step["post"], unit_id)
            owner = self.holder[(step["post"], current_unit)] if claimed else None
            review = task(OnboardingFlow.review, "HUMAN", STATUS.ASSIGNED if claimed else STATUS.NEW,
                          owner_id=owner, perm=post_permission(step["post"]), obj_pk=str(current_unit))
            if claimed:
                proc_events.append(dict(action=ProcessEvent.Action.CLAIM, actor_id=owner, post=post_names[step["post"]],
                                        post_code=step["post"], org_unit_id=current_unit,
                                        step=step_title(step, post_names), task=review, step_index=step_index,
                                        signs=False))
            tasks.append(chain)
            events.append(proc_events)
            children.append(ApprovalProcess(
                process_ptr_id=proc.pk, kind="onboarding",
                number=f"XZ{proc.created.astimezone(timezone.get_current_timezone()):%Y%m%d}{proc.pk:06d}",
                state=ApprovalProcess.State.IN_REVIEW, org_unit_id=unit_id, receiving_unit=None,
                subject_type_id=channel_ct.pk, subject_id=channel.pk, title=channel.name,
                requester_id=requester_id, requester_post=self.posts["channel_manager"],
                filing=self.route_by_type[channel.channel_type].filing,
                route_snapshot=dict(self.snapshot_by_type[channel.channel_type],
                                    tier=self.units_by_id[unit_id].tier), plan=plan, step_index=step_index,
                current_post=self.posts[step["post"]], current_unit_id=current_unit,
                excludes_requester=not step["requester_may_act"], excludes_signers=bool(step["exclusive"]),
                decision="approve" if approvals else "", payload={}, comment="", version=approvals,
            ))

        fields = ApprovalProcess._meta.local_concrete_fields
        batch = max(1, min(1000, connection.ops.bulk_batch_size(fields, children)))
        for i in range(0, len(children), batch):  # bulk_create refuses multi-table inheritance
            ApprovalProcess._base_manager._insert(children[i:i + batch], fields=fields, using="default")

        for proc, chain in zip(procs, tasks):
            for row in chain:
                row.process_id = proc.pk
        flat = [row for chain in tasks for row in chain]
        Task.objects.bulk_create(flat, batch_size=2000)
        Through = Task.previous.through
        for chain in tasks:
            links.extend(Through(from_task_id=later.pk, to_task_id=earlier.pk) for earlier, later in zip(chain, chain[1:]))
        Through.objects.bulk_create(links, batch_size=5000)
        rows = []
        for proc, proc_events in zip(procs, events):
            at = proc.created
            for e in proc_events:
                at += timedelta(seconds=1)
                review = e.pop("task")
                rows.append(ProcessEvent(process_id=proc.pk, task_id=review.pk if review else None, at=at, **e))
        ProcessEvent.objects.bulk_create(rows, batch_size=2000)
        CopyNotice.objects.bulk_create(copies, batch_size=2000)
        return len(procs), len(flat)


def grow(world, target, timer, phase, real_flow=False):
    """Add channels (and open processes) until there are `target` channels."""
    from django.db import transaction

    from governance.models import Channel

    with transaction.atomic():
        missing = target - Channel.objects.count()
        reserved = []
        if real_flow:  # draft channels in ZZ for processes started through the real services
            reserved, _ = world.make_channels(3, status_of="draft", city_only="ZZ")
            for ch in reserved:
                ch.channel_type = "own_hall"
                ch.operator_company = ch.credit_code = ch.legal_representative = ch.bank_name = ""
                ch.bank_account = ch.contract_number = ""
                ch.contract_start = ch.contract_end = None
                ch.deposit = Decimal(0)
            missing -= len(reserved)
        channels, opened = timer.lap(f"{phase}: build {missing + len(reserved):,} channel objects",
                                     world.make_channels, missing)
        timer.lap(f"{phase}: bulk-insert channels", world.insert_channels, reserved + channels)
        open_channels = [c for c, o in zip(channels, opened) if o]
        forced = [("HA/ZZ/", 0, False), ("HA/ZZ/", 0, True), ("HA/ZZ/", 1, False)] if real_flow else []
        n_proc, n_task = timer.lap(f"{phase}: bulk-insert processes, tasks, links, events",
                                   world.insert_processes, open_channels, forced)
    return reserved, n_proc, n_task


def analyze(timer, phase):
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            timer.lap(f"{phase}: VACUUM ANALYZE", cur.execute, "VACUUM ANALYZE")
        else:
            timer.lap(f"{phase}: ANALYZE", cur.execute, "ANALYZE")


# ------------------------------------------------------------------ real processes and comparison

def start_real_processes(world, reserved):
    """Three processes through the services: left new, claimed, approved once (all in ZZ)."""
    from django.contrib.auth import get_user_model

    from workflows import services
    from workflows.selectors import inbox_for_user

    User = get_user_model()
    manager, supervisor = User.objects.get(username="zz_manager"), User.objects.get(username="zz_supervisor")
    procs = [services.process_start(kind="onboarding", user=manager, data={"channel": c.pk}) for c in reserved]
    task_of = {t.process_id: t for t in inbox_for_user(user=supervisor)}
    services.task_claim(task_id=task_of[procs[1].pk].pk, user=supervisor)
    services.task_act(task_id=task_of[procs[2].pk].pk, user=supervisor, action="approve", comment="")
    return {(0, False): procs[0].pk, (0, True): procs[1].pk, (1, False): procs[2].pk}


def process_shape(pk):
    """A process as comparable data: its columns and task chain, ids/times/names made relative."""
    from django.forms.models import model_to_dict
    from viewflow.workflow.models import Process, Task

    from workflows.models import ApprovalProcess, CopyNotice, ProcessEvent

    p = ApprovalProcess.objects.get(pk=pk)
    base = model_to_dict(Process.objects.get(pk=pk))
    child = {f.attname: getattr(p, f.attname) for f in ApprovalProcess._meta.local_concrete_fields}
    rel = {p.org_unit_id: "<unit>", p.subject.created_by_id: "<creator>"}
    out = {"process." + k: v for k, v in base.items() if k not in ("id", "created")}
    for k, v in child.items():
        if k in ("process_ptr_id", "number", "subject_id", "title", "updated", "comment"):
            continue
        out["approval." + k] = rel.get(v, v) if k in ("org_unit_id", "requester_id") else v
    out["approval.plan"] = [dict(s, unit=rel.get(s["unit"], s["unit"])) for s in p.plan]
    # the route itself depends on the channel's type and unit tier; its steps must be the same
    out["approval.route_snapshot"] = {k: p.route_snapshot[k] for k in ("steps", "filing", "objection_days")}
    out["number format"] = bool(re.fullmatch(rf"XZ\d{{8}}{p.pk:06d}", p.number))
    tasks = list(Task.objects.filter(process_id=pk).order_by("pk"))
    index = {t.pk: i for i, t in enumerate(tasks)}
    skip = {"id", "process", "created", "assigned", "started", "finished", "previous"}
    for i, t in enumerate(tasks):
        d = model_to_dict(t)
        for k, v in d.items():
            if k not in skip:
                out[f"task[{i}].{k}"] = str(v) if k == "flow_task" else v
        for k in ("assigned", "started", "finished"):
            out[f"task[{i}].{k} set"] = getattr(t, k) is not None
        out[f"task[{i}].previous"] = sorted(index.get(x.pk) for x in t.previous.all())
    for i, e in enumerate(ProcessEvent.objects.filter(process_id=pk).order_by("at", "id")):
        out[f"event[{i}]"] = (e.action, e.actor_id, e.post, e.post_code, e.org_unit_id, e.step, e.step_index, e.signs,
                              index.get(e.task_id))
    out["copies"] = CopyNotice.objects.filter(process_id=pk).count()
    return out


def compare_with_real(real):
    from viewflow.workflow.models import Task

    from workflows.models import ApprovalProcess

    print("\nBulk rows vs rows written by the real services (same shape: ZZ, 报批 route):")
    all_ok = True
    for (step_index, claimed), real_pk in real.items():
        bulk = (ApprovalProcess.objects.filter(org_unit__path__startswith="HA/ZZ/", step_index=step_index,
                                               filing="approval").exclude(pk__in=real.values()).order_by("pk"))
        bulk = [pk for pk in bulk.values_list("pk", flat=True)[:50]
                if Task.objects.filter(process_id=pk, status="ASSIGNED").exists() == claimed]
        label = f"step {step_index}{', claimed' if claimed else ''}"
        if not bulk:
            print(f"  {label:<18} no bulk process of this shape to compare")
            all_ok = False
            continue
        a, b = process_shape(real_pk), process_shape(bulk[0])
        diffs = [(k, a.get(k, "<missing>"), b.get(k, "<missing>")) for k in sorted(set(a) | set(b))
                 if a.get(k, "<missing>") != b.get(k, "<missing>")]
        all_ok &= not diffs
        n_tasks = sum(1 for k in a if k.endswith(".flow_task"))
        print(f"  {label:<18} real #{real_pk} vs bulk #{bulk[0]}: {len(a)} columns over process, "
              f"{n_tasks} tasks, links, events: {'identical' if not diffs else f'{len(diffs)} differ'}")
        for k, x, y in diffs:
            print(f"      {k}: real={x!r} bulk={y!r}")
    return all_ok


def approve_bulk_task_rolled_back():
    """A bulk task goes through the real approve service (then rolled back)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from viewflow.workflow.models import Task

    from workflows import services
    from workflows.selectors import inbox_for_user

    sup = get_user_model().objects.get(username="zz_supervisor")

    class Rollback(Exception):
        pass

    task = inbox_for_user(user=sup).filter(status="NEW").order_by("pk").first()
    try:
        with transaction.atomic():
            process = services.task_act(task_id=task.pk, user=sup, action="approve", comment="")
            nxt = Task.objects.filter(process_id=process.pk, flow_task_type="HUMAN", status="NEW").get()
            result = (f"approved bulk task #{task.pk}: process now at step {process.step_index} "
                      f"({process.current_post.code} @ {process.current_unit.code}), "
                      f"new task {nxt.owner_permission} obj {nxt.owner_permission_obj_pk}; rolled back")
            raise Rollback
    except Rollback:
        pass
    print("  " + result)


# ------------------------------------------------------------------ measuring

def login_clients():
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = {}
    for username in BENCH_USERS:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))  # session row lands in this DB
        clients[username] = client
    return clients


def probe(clients, eps):
    """One captured request per (endpoint, user): status, queries, rows on the page, total count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    results, captured = {}, {}
    for username, client in clients.items():
        for name, url, users in eps:
            if username not in users:
                continue
            key = (name, username)
            try:
                resolve(url.split("?")[0])
            except Resolver404:
                results[key] = {"skip": f"{url} has no URL pattern (page not built yet)"}
                continue
            try:
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(url)
            except Exception as exc:  # the app is being edited concurrently; report, don't die
                results[key] = {"skip": f"{type(exc).__name__}: {exc}"[:160]}
                continue
            captured[key] = [q["sql"] for q in ctx.captured_queries]  # a lazy view: copy it now
            if response.status_code != 200:
                results[key] = {"skip": f"HTTP {response.status_code}"}
                continue
            rows = count = None
            if response.get("Content-Type", "").startswith("application/json"):
                body = response.json()
                rows, count = len(body.get("results", [])), body.get("count")
            else:  # an HTML page: table rows as a rough measure of how full it is
                rows = response.content.decode().count("<tr")
            results[key] = {"queries": len(captured[key]), "rows": rows, "count": count, "url": url}
    return results, captured


class TwoDatabases:
    """The small (cloned) and the large database as two open connections, swapped in as 'default'."""

    def __init__(self, small_name):
        import copy

        from django.db import connections

        self.connections = connections
        self.large = connections["default"]
        settings = copy.deepcopy(self.large.settings_dict)
        settings["NAME"] = small_name
        self.small = self.large.__class__(settings, "default")

    def use(self, which):
        self.connections["default"] = self.small if which == "small" else self.large

    def close(self):
        self.small.close()
        self.use("large")


def timed_pairs(dbs, clients_small, clients_large, keys, n, warmup):
    """Median wall and DB time per request, small and large alternating request by request."""
    import gc

    db_ms = []

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_ms.append((time.perf_counter() - t0) * 1000)

    out = {}
    for key, url in keys:
        _, username = key
        samples = {"small": ([], []), "large": ([], [])}
        for i in range(warmup + n):
            for which in (("small", "large") if i % 2 else ("large", "small")):
                dbs.use(which)
                client = (clients_small if which == "small" else clients_large)[username]
                gc.collect()
                db_ms.clear()
                with dbs.connections["default"].execute_wrapper(wrapper):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    wall = (time.perf_counter() - t0) * 1000
                assert response.status_code == 200, (url, which, response.status_code)
                if i >= warmup:
                    samples[which][0].append(wall)
                    samples[which][1].append(sum(db_ms))
        out[key] = {w: (statistics.median(t), statistics.median(d)) for w, (t, d) in samples.items()}
    dbs.use("large")
    return out


def shape(sql):
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def print_table(sizes, r1, r2, q1, q2, timing):
    k1, k2 = f"{sizes[0] // 1000}k", f"{sizes[1] // 1000}k"
    head = (f"{'endpoint':<20}{'user':<15}{'rows/count@' + k1:>16}{'rows/count@' + k2:>18}"
            f"{'q@' + k1:>6}{'q@' + k2:>7}{'same':>5}{'ms@' + k1:>8}{'ms@' + k2:>9}{'ratio':>7}{'<=1.5':>6}"
            f"{'db ms@' + k1:>10}{'db ms@' + k2:>11}")
    print(head)
    print("-" * len(head))
    problems = []
    for key in r1:
        name, user = key
        a, b = r1[key], r2.get(key, {"skip": "not measured"})
        if "skip" in a or "skip" in b:
            print(f"{name:<20}{user:<15}  skipped: {a.get('skip') or b.get('skip')}")
            continue
        same = a["queries"] == b["queries"]
        (ms1, db1), (ms2, db2) = timing[key]["small"], timing[key]["large"]
        ratio = ms2 / ms1
        rc = lambda x: f"{x['rows']} <tr>" if x["count"] is None else f"{x['rows']}/{x['count']}"
        print(f"{name:<20}{user:<15}{rc(a):>16}{rc(b):>18}{a['queries']:>6}{b['queries']:>7}"
              f"{'yes' if same else 'NO':>5}{ms1:>8.1f}{ms2:>9.1f}{ratio:>7.2f}{'yes' if ratio <= GOAL else 'NO':>6}"
              f"{db1:>10.1f}{db2:>11.1f}")
        if not same:
            extra = Counter(map(shape, q2[key])) - Counter(map(shape, q1[key]))
            fewer = Counter(map(shape, q1[key])) - Counter(map(shape, q2[key]))
            problems.append((key, extra, fewer))
    for (name, user), extra, fewer in problems:
        print(f"\nquery count differs for {name} / {user}:")
        for sql, n in extra.items():
            print(f"  +{n} at {k2}: {sql[:300]}")
        for sql, n in fewer.items():
            print(f"  -{n} at {k2}: {sql[:300]}")


def explain(captured, key, tables):
    from django.db import connection

    sqls = [s for s in captured.get(key, []) if any(f'"{t}"' in s for t in tables)]
    with connection.cursor() as cur:
        for sql in sqls:
            short = re.sub(r"^SELECT .+? FROM ", "SELECT ... FROM ", sql, count=1)
            print(f"\n-- {short[:1500]}{' ...' if len(short) > 1500 else ''}")
            if connection.vendor == "postgresql":
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            else:
                cur.execute("EXPLAIN QUERY PLAN " + sql)
            for row in cur.fetchall():
                print("   ", " | ".join(str(c) for c in row))


def inventory(world):
    from viewflow.workflow.models import Task

    from governance.models import Channel, OrgUnit
    from workflows.models import ApprovalProcess

    open_tasks = Task.objects.filter(flow_task_type="HUMAN", status__in=["NEW", "ASSIGNED"])
    zz = world.city_units["ZZ"].pk
    return {
        "org units": OrgUnit.objects.count(), "channels": Channel.objects.count(),
        "channels in ZZ": Channel.objects.filter(org_unit__path__startswith="HA/ZZ/").count(),
        "processes": ApprovalProcess.objects.count(), "tasks": Task.objects.count(),
        "open human tasks": open_tasks.count(),
        "zz_supervisor queue": open_tasks.filter(owner_permission="post:channel_supervisor",
                                                 owner_permission_obj_pk=str(zz)).count(),
        "prov_marketing queue": open_tasks.filter(owner_permission="post:province_marketing",
                                                  owner_permission_obj_pk=str(world.province.pk)).count(),
    }


# ------------------------------------------------------------------ main

def clone_database(small_name):
    """Copy the current (small) database so it can be measured side by side with the grown one."""
    import shutil

    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(**admin_params(connection), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{small_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{small_name}" TEMPLATE "{name}"')
    else:
        shutil.copyfile(name, small_name)


def admin_params(connection):
    params = connection.get_connection_params()
    params = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
    return {**params, "dbname": "postgres"}


def drop_clone(small_name):
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(**admin_params(connection), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{small_name}" WITH (FORCE)')
    elif os.path.exists(small_name):
        os.unlink(small_name)


def main():
    args = parse_args()
    t_start = time.perf_counter()
    url = prepare_database(args)
    setup_django(url, args.debug)

    from django.core.management import call_command
    from django.db import connection

    db_name = connection.settings_dict["NAME"]
    small_name = f"{db_name}_small" if connection.vendor == "postgresql" else f"{db_name}.small"
    print(f"database: {connection.vendor} {db_name}  sizes: {args.sizes}  open fraction: {args.small_open_fraction:.0%} then {args.open_fraction:.0%}"
          f"  requests: {args.requests} (+{args.warmup} warm-up) per size")
    timer = Timer()
    timer.lap("migrate", call_command, "migrate", verbosity=0)
    timer.lap("seed_demo", call_command, "seed_demo", stdout=open(os.devnull, "w"))
    world = World(random.Random(args.seed), args.small_open_fraction)
    timer.lap("tree (18 cities x 6 counties x 3 centres) and post holders",
              lambda: (world.build_tree(), world.build_holders(), world.routes()))
    k1, k2 = (f"{n // 1000}k" for n in args.sizes)

    # ---- phase 1: small
    reserved, _, _ = grow(world, args.sizes[0], timer, k1, real_flow=True)
    real = timer.lap(f"{k1}: 3 processes through the real services", start_real_processes, world, reserved)
    analyze(timer, k1)
    print(f"\n[{k1}] " + ", ".join(f"{k}: {v:,}" for k, v in inventory(world).items()))
    compare_with_real(real)
    approve_bulk_task_rolled_back()

    clients_small = login_clients()
    eps = [("inbox", "/api/v1/tasks/", BENCH_USERS), ("channels", "/api/v1/channels/", BENCH_USERS)]
    eps += [(f"page {path}", path, BENCH_USERS) for path in HTML_PAGES]
    r1, q1 = probe(clients_small, eps)
    # The default first page holds fewer rows at the small size; this row serialises the same count at both.
    for username in BENCH_USERS:
        rows = r1.get(("inbox", username), {}).get("rows") or 1
        eps.insert(1, (f"inbox page_size={rows}", f"/api/v1/tasks/?page_size={rows}", (username,)))
    r1, q1 = probe(clients_small, eps)
    timer.lap(f"{k1}: clone database for side-by-side timing", clone_database, small_name)

    # ---- phase 2: large
    world.open_fraction = args.open_fraction
    grow(world, args.sizes[1], timer, k2)
    analyze(timer, k2)
    print(f"\n[{k2}] " + ", ".join(f"{k}: {v:,}" for k, v in inventory(world).items()))
    clients_large = login_clients()
    r2, q2 = probe(clients_large, eps)

    dbs = TwoDatabases(small_name)
    keys = [(key, r1[key]["url"]) for key in r1 if "skip" not in r1[key] and "skip" not in r2.get(key, {"skip": 1})]
    timing = timer.lap("timed requests (both sizes, interleaved)", timed_pairs, dbs, clients_small, clients_large,
                       keys, args.requests, args.warmup)
    dbs.close()

    print(f"\n=== Results ({connection.vendor}; median of {args.requests} requests per size after {args.warmup} "
          f"warm-up, {k1} and {k2} requests interleaved) ===")
    print_table(args.sizes, r1, r2, q1, q2, timing)
    print("rows/count: rows on the page / total 'count' (HTML pages: number of <tr> in the page). "
          "db ms: time inside cursor.execute per request (SQLite defers work to fetch, so it reads low there). "
          f"'inbox page_size=K' asks for as many rows as the user's inbox had at {k1}, so both sizes "
          "serialise the same rows (the default first page grows from K to 50 rows).")

    print("\n=== Seeding and run times ===")
    for label, secs in timer.laps:
        print(f"  {label:<58}{secs:>8.1f} s")
    print(f"  {'total (so far)':<58}{time.perf_counter() - t_start:>8.1f} s")
    print("  open process shapes (step index, claimed): "
          + ", ".join(f"{k}: {v}" for k, v in sorted(world.process_shapes.items())))

    print(f"\n=== Query plans at {k2} ===")
    for username in BENCH_USERS:
        print(f"\n##### inbox /api/v1/tasks/ as {username}")
        explain(q2, ("inbox", username), ("viewflow_task",))
        print(f"\n##### channel list /api/v1/channels/ as {username}")
        explain(q2, ("channels", username), ("governance_channel",))

    drop_clone(small_name)
    if args.sqlite and not args.keep:
        connection.close()
        os.unlink(db_name)


if __name__ == "__main__":
    main()
