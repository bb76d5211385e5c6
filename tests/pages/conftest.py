"""Drive the browser pages with Django's test client, the way a person clicks through them."""
import re
from html import unescape

import pytest
from django.test import Client

from governance.models import OrgUnit
from governance.validators import credit_code_check_char
from tests.conftest import login

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)


def credit_code(first17: str = "91410100MA44P0001") -> str:
    return first17 + credit_code_check_char(first17)


def text(response) -> str:
    """The page as text without tags, for `in` checks."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def channel_data(unit_code="ZZ-JS", n=1, **overrides) -> dict:
    data = {
        "node_code": f"{unit_code}-P{n:04d}", "name": f"页面测试专营店{n}", "channel_type": "exclusive_store",
        "star_level": "3", "org_unit": str(OrgUnit.objects.get(code=unit_code).pk),
        "address": "郑州市金水区页面路1号", "longitude": "113.660000", "latitude": "34.790000",
        "opening_hours": "09:00-21:00", "floor_area": "80", "staff_count": "4",
        "operator_company": f"页面测试{n}商贸有限公司", "credit_code": credit_code(f"91410100MA44P{n:04d}"),
        "legal_representative": "李雷", "contact_mobile": "13912345678", "bank_name": "中国建设银行",
        "bank_account": f"6227000000{n:09d}", "deposit": "5000", "contract_number": f"HT-P{n}",
        "contract_start": "2026-01-01", "contract_end": "2027-12-31", "business_scope": "移动业务代办",
    }
    data.update(overrides)
    return data


class Pages:
    """pages("zz_manager") → a logged-in test Client; helpers find and act on tasks via the inbox page."""

    def __init__(self):
        self._clients = {}

    def __call__(self, username) -> Client:
        if username not in self._clients:
            self._clients[username] = login(Client(), username)
        return self._clients[username]

    def create_channel(self, username="zz_manager", **data) -> int:
        response = self(username).post("/channels/new/", channel_data(**data))
        assert response.status_code == 302, text(response)[:3000]
        return int(re.fullmatch(r"/channels/(\d+)/", response["Location"]).group(1))

    def submit(self, channel_id, username="zz_manager", comment="请审批") -> int:
        response = self(username).post(f"/processes/new/onboarding/{channel_id}/", {"comment": comment})
        assert response.status_code == 302, text(response)[:3000]
        return int(re.fullmatch(r"/processes/(\d+)/", response["Location"]).group(1))

    def task_id(self, username, number) -> int | None:
        """The task of process `number` in the user's inbox page, if any."""
        response = self(username).get("/")
        assert response.status_code == 200
        for row in ROW.findall(response.content.decode()):
            if number in row:
                match = re.search(r'href="/tasks/(\d+)/"', row)
                if match:
                    return int(match.group(1))
        return None

    def act(self, username, number, action="approve", expect=302, **fields):
        task_id = self.task_id(username, number)
        assert task_id, f"{username} has no task for {number}"
        response = self(username).post(f"/tasks/{task_id}/", {"action": action, **fields})
        assert response.status_code == expect, text(response)[:3000]
        return response


@pytest.fixture
def pages(demo):
    return Pages()


@pytest.fixture
def number():
    """number(process_id) → its 审批单号."""
    from workflows.models import ApprovalProcess

    return lambda pk: ApprovalProcess.objects.get(pk=pk).number
