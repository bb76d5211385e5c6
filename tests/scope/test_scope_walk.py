"""Scope walk (issue 10 item 6): every URL pattern, page and API, as every demo user.

Each pattern of the URL resolver is listed in WALK with what it takes: an object of some kind (then a city user
asks for the other city's object, anyone asks for another user's own object: 404, and nothing changes), or
nothing (a list, a form: the other city's channels, requests and policies appear nowhere in it, not even under a
filter such as ?org_unit=<the other city>). A pattern missing from WALK fails the walk, so nothing added later
goes unwalked. An export run by a 郑州 user holds no 洛阳 channel.
"""
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from openpyxl import load_workbook
from viewflow.workflow.models import Task

from commission.models import CommissionPolicy
from governance.models import (Attachment, Certificate, Channel, Notification, OrgUnit, OutboundAgent,
                               OutboundDemand)
from reports.models import ExportJob
from tests import starts
from tests.conftest import login
from workflows.models import ApprovalProcess, CopyNotice, StockOpinion

USERS = ["zz_manager", "zz_supervisor", "zz_leader", "zz_support", "zz_outbound", "ly_manager", "ly_supervisor",
         "ly_leader", "ly_support", "ly_outbound", "prov_marketing", "prov_finance", "prov_support",
         "prov_outbound_qa", "auditor", "admin"]
GET, POST = "get", "post"
PUBLIC = None  # no object, no rows of anyone: the login and password pages, the schema, language switch
LIST = "list"  # no object: rows or choices of the caller's scope
# URL name → PUBLIC, LIST, or (kind of the <id> object, method). Kinds of a city's data: channel, attachment,
# agent, certificate, demand, process, task, policy; kinds of one person's data: notification, copy, export,
# opinion.
WALK = {
    "schema": PUBLIC, "api-docs": PUBLIC, "api-token": PUBLIC, "login": PUBLIC, "logout": PUBLIC,
    "password_change": PUBLIC, "password_change_done": PUBLIC, "password_reset": PUBLIC,
    "password_reset_done": PUBLIC, "password_reset_confirm": PUBLIC, "password_reset_complete": PUBLIC,
    "verify": PUBLIC, "notifications_read_all": PUBLIC,
    "api-me": LIST, "api-channels": LIST, "api-agents": LIST, "api-outbound-demands": LIST,
    "api-notifications": LIST, "api-processes": LIST, "api-tasks": LIST, "api-tasks-done": LIST,
    "api-tasks-bulk": LIST, "api-copies": LIST, "api-commission-policies": LIST, "api-volumes": LIST,
    "api-exports": LIST, "channel_list": LIST, "channel_new": LIST, "notifications": LIST,
    "notification_settings": LIST, "agent_list": LIST, "demand_list": LIST, "demand_new": LIST, "dashboard": LIST,
    "exports": LIST, "export_new": LIST, "inbox": LIST, "requests": LIST, "flows": LIST, "policy_list": LIST,
    "policy_new": LIST, "volumes": LIST, "done": LIST, "copies": LIST, "search": LIST, "opinions": LIST,
    "tasks_bulk": LIST,  # POST only; each foreign task comes back as "not found" in its own result row (tested)
    "api-channel": ("channel", GET), "api-channel-attachments": ("channel", GET),
    "api-attachment-file": ("attachment", GET), "api-agent": ("agent", GET), "api-agent-may-call": ("agent", GET),
    "api-certificate-suspend": ("certificate", POST), "api-certificate-revoke": ("certificate", POST),
    "api-certificate-lift": ("certificate", POST), "api-outbound-demand": ("demand", GET),
    "api-notification-read": ("notification", POST), "api-process": ("process", GET),
    "api-process-withdraw": ("process", POST), "api-process-cancel": ("process", POST),
    "api-process-remind": ("process", POST), "api-process-copy": ("process", POST),
    "api-process-start": ("channel", POST), "api-copy-read": ("copy", POST), "api-copy-object": ("copy", POST),
    "api-task-claim": ("task", POST), "api-task-unclaim": ("task", POST), "api-task-transfer": ("task", POST),
    "api-task-delegate": ("task", POST), "api-task-add-approver": ("task", POST), "api-task-action": ("task", POST),
    "api-commission-policy": ("policy", GET), "api-commission-estimate": ("policy", GET),
    "api-commission-versions": ("policy", GET), "api-commission-recheck": ("policy", GET),
    "api-process-document": ("process", GET), "api-export": ("export", GET), "api-export-file": ("export", GET),
    "channel_detail": ("channel", GET), "channel_edit": ("channel", GET), "attachment_upload": ("channel", POST),
    "attachment_file": ("attachment", GET), "notification_read": ("notification", POST),
    "agent_detail": ("agent", GET), "certificate_action": ("certificate", POST), "demand_detail": ("demand", GET),
    "document": ("process", GET), "export_download": ("export", GET), "task": ("task", GET),
    "task_claim": ("task", POST), "task_unclaim": ("task", POST), "start": ("channel", GET),
    "process_detail": ("process", GET), "process_withdraw": ("process", POST), "process_chart": ("process", GET),
    "policy_detail": ("policy", GET), "policy_edit": ("policy", GET), "policy_revise": ("policy", POST),
    "policy_versions": ("policy", GET), "policy_estimate": ("policy", GET),
    "api-task-checklist": ("task", POST), "api-task-evidence": ("task", POST), "checklist_record": ("task", POST),
    "checklist_evidence": ("task", POST), "task_transfer": ("task", POST), "task_delegate": ("task", POST),
    "task_add_approver": ("task", POST), "process_cancel": ("process", POST), "process_remind": ("process", POST),
    "process_copy": ("process", POST), "copy_read": ("copy", POST), "opinion_delete": ("opinion", POST),
}
FILL = {"kind": "onboarding", "action": "approve", "uidb64": "MQ", "token": "x-y"}  # non-<id> parameters
# A body every action accepts as such, so that a refusal can only come from the scope, not from the input.
VALID = {"comment": "请处理", "reason": "核查", "to": "admin", "position": "after", "action": "approve",
         "kind": "营业执照"}
MULTIPART = {"api-task-evidence"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PER_CITY = {"channel", "attachment", "agent", "certificate", "demand", "process", "task", "policy"}


def patterns(resolver=None, prefix=""):
    """(route, name, parameter names) of every pattern, admin's own excepted (superusers only, tested there)."""
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) != "admin/":
                yield from patterns(p, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern), p.name, list(p.pattern.converters)


def city_of(username) -> str | None:
    return {"zz": "ZZ", "ly": "LY"}.get(username[:2])


class World:
    """One object of every kind in each city, and some of one person's own."""

    def __init__(self):
        user = get_user_model().objects.get
        self.process = {"ZZ": starts.onboarding_start(user=user(username="zz_manager"),
                                                      channel_id=Channel.objects.get(node_code="ZZ-ZY-0002").pk),
                        "LY": starts.onboarding_start(user=user(username="ly_manager"),
                                                      channel_id=Channel.objects.get(node_code="LY-LL-0003").pk)}
        self.objects = {city: self._of_city(city) for city in ("ZZ", "LY")}
        ly_leader = user(username="ly_leader")
        self.own = {  # kind → (owner, id)
            "notification": self._first(Notification.objects.filter(recipient__username="ly_supervisor")),
            "copy": ("ly_leader", CopyNotice.objects.create(process=self.process["LY"], user=ly_leader).pk),
            "export": ("ly_manager", ExportJob.objects.create(requested_by=user(username="ly_manager"),
                                                             report="channels").pk),
            "opinion": ("ly_leader", StockOpinion.objects.create(user=ly_leader, text="请补充材料后再报").pk),
        }
        self.markers = {city: self._markers(city) for city in ("ZZ", "LY")}

    @staticmethod
    def _first(queryset):
        found = queryset.select_related("recipient").first()
        assert found is not None, queryset.query
        return found.recipient.username, found.pk

    def _of_city(self, city) -> dict:
        process = self.process[city]
        channel = Channel.objects.filter(org_unit__path__startswith=f"HA/{city}", status="active").first()
        attachment = Attachment.objects.create(
            channel=channel, kind="营业执照", original_name="x.png", file=ContentFile(b"\x89PNG", name="x.png"),
            content_type="image/png", size=4, sha256="0" * 64, uploaded_by=process.requester)
        agent = OutboundAgent.objects.filter(org_unit__path__startswith=f"HA/{city}").first()
        found = {
            "channel": Channel.objects.get(node_code={"ZZ": "ZZ-JS-0001", "LY": "LY-LL-0001"}[city]).pk,
            "attachment": attachment.pk, "agent": agent.pk, "process": process.pk,
            "certificate": Certificate.objects.filter(agent__org_unit__path__startswith=f"HA/{city}").first(),
            "demand": OutboundDemand.objects.filter(org_unit__path__startswith=f"HA/{city}").first(),
            "task": Task.objects.get(process=process, flow_task_type="HUMAN", status="NEW").pk,
            "policy": CommissionPolicy.objects.filter(org_unit__code=city).first().pk,
        }
        return {k: getattr(v, "pk", v) for k, v in found.items()}

    @staticmethod
    def _markers(city) -> list[str]:
        """Strings that only an object of `city` shows."""
        codes = list(Channel.objects.filter(org_unit__path__startswith=f"HA/{city}").values_list("node_code", flat=True))
        numbers = list(ApprovalProcess.objects.filter(org_unit__path__startswith=f"HA/{city}")
                       .values_list("number", flat=True))
        return codes + numbers + list(CommissionPolicy.objects.filter(org_unit__code=city).values_list("name", flat=True))

    def foreign(self, kind, username):
        """An object of `kind` that `username` must not reach, or None (a province user sees every city)."""
        if kind in PER_CITY:
            city = city_of(username)
            return self.objects[{"ZZ": "LY", "LY": "ZZ"}[city]][kind] if city else None
        owner, pk = self.own[kind]
        return pk if owner != username else None


def url_of(route: str, params: list[str], pk) -> str:
    for name in params:
        value = pk if name in ("pk", "task_id", "subject_id") else FILL[name]
        route = route.replace(f"<{_converter(route, name)}:{name}>", str(value)).replace(f"<{name}>", str(value))
    return "/" + route


def _converter(route, name) -> str:
    start = route.index(f":{name}>")
    return route[route.rindex("<", 0, start) + 1:start]


@pytest.fixture
def world(demo):
    return World()


def test_every_url_pattern_is_walked():
    names = {name for _route, name, _params in patterns()}
    assert names - set(WALK) == set(), "URL patterns the scope walk does not know: add them to WALK"
    assert set(WALK) - names == set(), "WALK names patterns that no longer exist"


@pytest.mark.parametrize("username", USERS)
def test_scope_walk(username, world, api, client):
    api_client = api(username)
    login(client, username)
    city = city_of(username)
    hidden = world.markers[{"ZZ": "LY", "LY": "ZZ"}[city]] if city else []
    before = _state()
    for route, name, params in patterns():
        how = WALK[name]
        is_api = route.startswith("api/")
        http = api_client if is_api else client
        if how is LIST:
            _walk_list(http, "/" + route, hidden, city)
        elif how is not PUBLIC:
            kind, method = how
            pk = world.foreign(kind, username)
            if pk is None:
                continue
            url = url_of(route, params, pk)
            body = {"channel": pk, **VALID} if name == "api-process-start" else VALID
            if name in MULTIPART:  # an upload: a real file, so only the scope can refuse it
                body = {**VALID, "file": ContentFile(PNG, name="evidence.png")}
            encoding = {"format": "multipart" if name in MULTIPART else "json"} if is_api else {}
            response = http.post(url, body, **encoding) if method == POST else http.get(url)
            assert response.status_code == 404, (username, name, url, response.status_code)
    assert _state() == before, "a refused request changed something"


def _walk_list(http, url, hidden, city):
    """The list (or form) as it is, and narrowed to the other city: nothing of the other city either way, and
    a filter never widens what the list holds (lists that do not know the filter ignore it)."""
    responses = [http.get(url)]
    if city:
        other = OrgUnit.objects.get(code={"ZZ": "LY", "LY": "ZZ"}[city])
        responses.append(http.get(url, {"org_unit": other.pk, "unit": other.code, "search": other.code}))
    for response in responses:
        assert response.status_code < 500, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        leaked = [m for m in hidden if m in text]
        assert not leaked, (url, leaked[:5])
    counts = [_count(r) for r in responses]
    if len(counts) == 2 and None not in counts:
        assert counts[1] <= counts[0], (url, counts)


def _count(response):
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/json"):
        return None
    data = response.json()
    return data.get("count") if isinstance(data, dict) else None


def _state() -> tuple:
    """What a refused request could have changed."""
    return (list(ApprovalProcess.objects.order_by("pk").values_list("pk", "state", "version")),
            list(Task.objects.order_by("pk").values_list("pk", "status", "owner_id")),
            list(Certificate.objects.order_by("pk").values_list("pk", "status")),
            list(CopyNotice.objects.order_by("pk").values_list("pk", "read_at")),
            list(Notification.objects.order_by("pk").values_list("pk", "read_at")),
            Attachment.objects.count(), StockOpinion.objects.count())


def test_an_export_of_a_zhengzhou_user_holds_no_luoyang_channel(api, django_capture_on_commit_callbacks):
    zz = api("zz_manager")
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (eagerly) once the request commits
        response = zz.post("/api/v1/exports/", {"report": "channels", "filters": {}}, format="json")
    assert response.status_code == 202, response.json()
    job = zz.get(f"/api/v1/exports/{response.json()['id']}/").json()
    assert job["status"] == "done", job
    file = zz.get(f"/api/v1/exports/{job['id']}/file/")
    sheet = load_workbook(io.BytesIO(b"".join(file.streaming_content) if file.streaming else file.content)).active
    cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert any(v.startswith("ZZ-") for v in cells)
    ly_codes = set(Channel.objects.filter(org_unit__path__startswith="HA/LY").values_list("node_code", flat=True))
    assert not cells & ly_codes
    # narrowed to the other city: refused or empty, never the other city's rows
    with django_capture_on_commit_callbacks(execute=True):
        narrowed = zz.post("/api/v1/exports/", {"report": "channels", "filters": {"org_unit": OrgUnit.objects.get(
            code="LY").pk}}, format="json")
    assert narrowed.status_code in (202, 400), narrowed.json()
    if narrowed.status_code == 202:
        file = zz.get(f"/api/v1/exports/{narrowed.json()['id']}/file/")
        assert file.status_code in (200, 404)
        if file.status_code == 200:
            sheet = load_workbook(io.BytesIO(b"".join(file.streaming_content) if file.streaming else file.content))
            assert sheet.active.max_row == 1  # the header only
