"""Field rules of the channel over the API: deposit and contract are core, bank accounts are digits,
star levels read "N星", and only a 渠道经理 (or the admin) enters channels."""
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.models import Channel
from tests.api.conftest import error_messages, is_chinese


def store() -> Channel:
    return Channel.objects.get(node_code="ZZ-JS-0002")  # 花园路指定专营店: social, active, deposit 20,000


@pytest.mark.parametrize("field, value", [
    ("deposit", "1.00"), ("contract_number", "HT-CUT-1"), ("contract_start", "2025-01-01"),
    ("contract_end", "2026-02-01"),
])
def test_deposit_and_contract_are_core_on_an_active_channel(drive, field, value):
    channel = store()
    before = getattr(channel, field)
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {field: value}, format="json")
    assert response.status_code == 400, response.json()
    assert "核心信息变更" in error_messages(response, field)[0]
    channel.refresh_from_db()
    assert getattr(channel, field) == before
    assert channel.history.count() == 1  # nothing recorded: nothing changed


def test_deposit_and_contract_are_editable_on_a_draft(drive):
    created = drive.create_channel(social=True)
    response = drive("zz_manager").patch(f"/api/v1/channels/{created['id']}/",
                                         {"deposit": "8000.00", "contract_number": "HT-DRAFT-1"}, format="json")
    assert response.status_code == 200, response.json()
    channel = Channel.objects.get(pk=created["id"])
    assert (channel.deposit, channel.contract_number) == (Decimal("8000.00"), "HT-DRAFT-1")


def test_deposit_change_goes_through_province_finance(drive):
    channel = store()
    started = drive.start("change", channel=channel.pk, changes={"deposit": "10000.00"},
                          effective_date=str(timezone.localdate()))
    assert [s["post"] for s in started["steps"]] == ["渠道主管", "分管领导", "省市场经营部", "省财务部"]
    for username in ["zz_supervisor", "zz_leader", "prov_marketing"]:
        drive.act(username, started["id"])
    channel.refresh_from_db()
    assert channel.deposit == Decimal("20000.00")  # not before finance has approved
    assert drive.act("prov_finance", started["id"])["status"] == "completed"
    channel.refresh_from_db()
    assert channel.deposit == Decimal("10000.00")


@pytest.mark.parametrize("account, fragment", [("6222 0202 0011 2233", "空格"), ("62220202-0011", "8-34位")])
def test_bank_account_with_spaces_is_refused(drive, account, fragment):
    before = Channel.objects.count()
    body = drive.channel_body("ZZ-JS", social=True, bank_account=account)
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400
    assert fragment in error_messages(response, "bank_account")[0]
    assert Channel.objects.count() == before


def test_star_level_display_reads_n_stars(drive):
    created = drive.create_channel(star_level=4)
    assert (created["star_level"], created["star_level_display"]) == (4, "4星")
    listed = drive("zz_manager").get("/api/v1/channels/", {"q": created["node_code"]}).json()["results"]
    assert listed[0]["star_level_display"] == "4星"


@pytest.mark.parametrize("star_level", [0, 6, "4星", -1])
def test_star_level_outside_one_to_five_is_refused(drive, star_level):
    response = drive("zz_manager").post("/api/v1/channels/", drive.channel_body(star_level=star_level),
                                        format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "star_level")[0])


@pytest.mark.parametrize("username", ["zz_supervisor", "zz_leader", "auditor", "prov_marketing", "zz_support"])
def test_only_a_channel_manager_enters_channels(drive, username):
    before = Channel.objects.count()
    response = drive(username).post("/api/v1/channels/", drive.channel_body("ZZ-JS"), format="json")
    assert response.status_code == 403
    assert "渠道经理" in response.json()["detail"]
    assert Channel.objects.count() == before


@pytest.mark.parametrize("username", ["zz_manager", "admin"])
def test_manager_and_admin_enter_channels(drive, username):
    assert drive.create_channel(username)["status"] == "draft"
