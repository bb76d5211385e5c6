"""Helpers for driving the API the way an outside client does: tokens, JSON bodies, the inbox."""
import itertools
import re

import pytest

from governance.models import OrgUnit
from governance.validators import credit_code_check_char

CHINESE = re.compile(r"[\u4e00-\u9fff]")
_serial = itertools.count(1)


def credit_code(first17: str = "91410100MA44K0001") -> str:
    return first17 + credit_code_check_char(first17)


def is_chinese(text) -> bool:
    return bool(CHINESE.search(str(text)))


def error_messages(response, field) -> list[str]:
    body = response.json()
    assert "detail" in body and "errors" in body, body
    return [str(m) for m in body["errors"].get(field, [])]


class Driver:
    """Thin wrapper over APIClients: create channels, start processes, find and act on tasks."""

    def __init__(self, api):
        self._api = api
        self._clients = {}

    def fresh(self, username):
        """A client with a token issued now (after the clock was moved: tokens expire)."""
        return self._api(username)

    def __call__(self, username):
        if username not in self._clients:
            self._clients[username] = self._api(username)
        return self._clients[username]

    @staticmethod
    def unit_id(code: str) -> int:
        return OrgUnit.objects.get(code=code).pk

    def channel_body(self, unit="ZZ-JS", *, social=False, **overrides) -> dict:
        n = next(_serial)
        body = {
            "node_code": f"{unit}-T{n:04d}", "name": f"测试渠道{n}", "channel_type": "own_hall",
            "org_unit": self.unit_id(unit), "address": "郑州市金水区测试路1号", "contact_mobile": "13912345678",
            "star_level": 2,
        }
        if social:
            body.update({
                "channel_type": "exclusive_store", "operator_company": f"测试商贸{n}有限公司",
                "credit_code": credit_code(f"91410100MA44K{n:04d}"), "legal_representative": "李雷",
                "bank_name": "中国建设银行", "bank_account": f"62270000{n:011d}", "deposit": "5000.00",
                "contract_number": f"HT-T{n}", "contract_start": "2026-01-01", "contract_end": "2027-12-31",
            })
        body.update(overrides)
        return body

    def create_channel(self, username="zz_manager", unit="ZZ-JS", **kwargs) -> dict:
        response = self(username).post("/api/v1/channels/", self.channel_body(unit, **kwargs), format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    def start(self, kind, username="zz_manager", expect=201, **body):
        response = self(username).post(f"/api/v1/processes/{kind}/", body, format="json")
        assert response.status_code == expect, (response.status_code, response.json())
        return response.json()

    def submit_new(self, username="zz_manager", unit="ZZ-JS", **kwargs) -> dict:
        channel = self.create_channel(username, unit, **kwargs)
        return self.start("onboarding", username, channel=channel["id"])

    def inbox(self, username) -> list[dict]:
        response = self(username).get("/api/v1/tasks/", {"page_size": 200})
        assert response.status_code == 200
        return response.json()["results"]

    def task(self, username, process_id) -> dict | None:
        tasks = [t for t in self.inbox(username) if t["process"] == process_id]
        assert len(tasks) <= 1, tasks
        return tasks[0] if tasks else None

    def act(self, username, process_id, action="approve", expect=200, **body):
        task = self.task(username, process_id)
        assert task is not None, f"{username} has no task for process {process_id}: {self.inbox(username)}"
        return self.act_on(username, task["id"], action, expect, **body)

    def act_on(self, username, task_id, action="approve", expect=200, **body):
        response = self(username).post(f"/api/v1/tasks/{task_id}/{action}/", body, format="json")
        assert response.status_code == expect, (response.status_code, response.json())
        return response.json()

    def process(self, process_id, username="zz_manager", expect=200) -> dict:
        response = self(username).get(f"/api/v1/processes/{process_id}/")
        assert response.status_code == expect, response.json()
        return response.json()

    def channel(self, channel_id, username="zz_manager", expect=200) -> dict:
        response = self(username).get(f"/api/v1/channels/{channel_id}/")
        assert response.status_code == expect, response.json()
        return response.json()


@pytest.fixture
def drive(api):
    return Driver(api)
