"""Channel registry over /api/v1/channels/: create drafts, validation, direct edits, scope, filters."""
import pytest

from governance.models import Channel
from tests.api.conftest import error_messages, is_chinese
from tests.conftest import processes_of


def test_create_draft_ignores_read_only_fields(drive):
    body = drive.channel_body("ZZ-JS", status="active", boss_code="FAKE000001", created_at="2020-01-01T00:00:00Z")
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft"
    assert created["boss_code"] is None
    channel = Channel.objects.get(pk=created["id"])
    assert channel.status == Channel.Status.DRAFT
    assert channel.boss_code is None
    assert channel.created_by.username == "zz_manager"
    assert channel.org_unit.code == "ZZ-JS"


def test_create_social_channel(drive):
    created = drive.create_channel(social=True)
    channel = Channel.objects.get(pk=created["id"])
    assert channel.is_social and channel.deposit == 5000


@pytest.mark.parametrize("overrides, field", [
    ({"credit_code": "91410100MA44C1234X"}, "credit_code"),        # wrong check character (W is right)
    ({"contact_mobile": "1380371000"}, "contact_mobile"),          # 10 digits
    ({"contact_mobile": "23803710000"}, "contact_mobile"),         # does not start with 1
    ({"contract_start": "2026-06-01", "contract_end": "2026-05-31"}, "contract_end"),
    ({"deposit": "-1.00"}, "deposit"),
    ({"node_code": "LY-LL-9999"}, "node_code"),                    # ZZ-JS channel with a Luoyang node code
    ({"bank_name": "", "bank_account": ""}, "bank_account"),       # social channel without bank details
])
def test_invalid_channel_is_refused_in_chinese_and_nothing_created(drive, overrides, field):
    before = Channel.objects.count()
    body = drive.channel_body("ZZ-JS", social=True, **overrides)
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400, response.json()
    messages = error_messages(response, field)
    assert messages, response.json()
    assert all(is_chinese(m) for m in messages), messages
    assert is_chinese(response.json()["detail"])
    assert Channel.objects.count() == before


def test_credit_code_check_digit_message(drive):
    body = drive.channel_body("ZZ-JS", social=True, credit_code="91410100MA44C1234X")
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert "校验位" in error_messages(response, "credit_code")[0]


def test_social_channel_missing_bank_fields_names_each_field(drive):
    body = drive.channel_body("ZZ-JS", social=True, bank_name="", bank_account="")
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"bank_name", "bank_account"} <= set(errors)


def test_own_channel_needs_no_bank_fields(drive):
    created = drive.create_channel(credit_code="", bank_name="", bank_account="")
    assert created["status"] == "draft"


def test_cannot_create_outside_own_scope(drive):
    body = drive.channel_body("LY-LL")
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "org_unit")[0])
    assert not Channel.objects.filter(node_code=body["node_code"]).exists()


def test_duplicate_node_code_is_refused(drive):
    body = drive.channel_body("ZZ-JS", node_code="ZZ-JS-0001")
    response = drive("zz_manager").post("/api/v1/channels/", body, format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "node_code")[0])


# ---------------------------------------------------------------- direct edits

def active(node_code="ZZ-JS-0001") -> Channel:
    return Channel.objects.get(node_code=node_code)


def test_patch_non_core_field_on_active_channel_is_recorded(drive):
    channel = active()
    old = channel.opening_hours
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "08:00-22:00"},
                                         format="json")
    assert response.status_code == 200, response.json()
    channel.refresh_from_db()
    assert channel.opening_hours == "08:00-22:00"
    history = drive.channel(channel.pk)["history"]
    last = history[-1]
    assert last["user"] == "zz_manager"
    assert last["post"] == "渠道经理"
    assert last["at"]
    assert {"field": "opening_hours", "old": old, "new": "08:00-22:00"} in last["changes"]


def test_patch_by_support_centre_records_its_post(drive):
    channel = active()
    response = drive("zz_support").patch(f"/api/v1/channels/{channel.pk}/", {"staff_count": 9}, format="json")
    assert response.status_code == 200, response.json()
    last = drive.channel(channel.pk)["history"][-1]
    assert (last["user"], last["post"]) == ("zz_support", "分公司业务支援中心")
    assert {"field": "staff_count", "old": "5", "new": "9"} in last["changes"]


@pytest.mark.parametrize("field, value", [
    ("name", "改名后的自营厅"), ("address", "新地址1号"), ("star_level", 5), ("business_scope", "只卖卡"),
])
def test_patch_core_field_on_active_channel_points_to_change_process(drive, field, value):
    channel = active()
    before = getattr(channel, field)
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {field: value}, format="json")
    assert response.status_code == 400, response.json()
    message = error_messages(response, field)[0]
    assert "核心信息变更" in message
    channel.refresh_from_db()
    assert getattr(channel, field) == before


def test_patch_core_field_with_its_current_value_is_harmless(drive):
    channel = active()
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/",
                                         {"name": channel.name, "opening_hours": "10:00-20:00"}, format="json")
    assert response.status_code == 200, response.json()


def test_patch_core_field_on_draft_is_allowed(drive):
    created = drive.create_channel()
    response = drive("zz_manager").patch(f"/api/v1/channels/{created['id']}/", {"name": "草稿改名"}, format="json")
    assert response.status_code == 200
    assert Channel.objects.get(pk=created["id"]).name == "草稿改名"


def test_patch_is_validated(drive):
    channel = active()
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"contact_mobile": "12345"},
                                         format="json")
    assert response.status_code == 400
    assert is_chinese(error_messages(response, "contact_mobile")[0])
    channel.refresh_from_db()
    assert channel.contact_mobile == "13803710000"


@pytest.mark.parametrize("node_code", ["LY-LL-5555", "ZZ-ZY-5555", "JS5555"])
def test_patch_node_code_must_keep_the_unit_prefix(drive, node_code):
    channel = active()
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"node_code": node_code}, format="json")
    assert response.status_code == 400, response.json()
    assert "ZZ-JS-" in error_messages(response, "node_code")[0]
    assert Channel.objects.get(pk=channel.pk).node_code == "ZZ-JS-0001"


def test_patch_node_code_within_the_unit_is_a_direct_edit(drive):
    channel = active()
    response = drive("zz_manager").patch(f"/api/v1/channels/{channel.pk}/", {"node_code": "ZZ-JS-0001A"},
                                         format="json")
    assert response.status_code == 200, response.json()
    assert Channel.objects.get(pk=channel.pk).node_code == "ZZ-JS-0001A"


def test_put_and_delete_are_not_offered(drive):
    channel = active()
    client = drive("zz_manager")
    assert client.delete(f"/api/v1/channels/{channel.pk}/").status_code == 405
    assert client.put(f"/api/v1/channels/{channel.pk}/", {}, format="json").status_code == 405
    assert Channel.objects.filter(pk=channel.pk).exists()


# ---------------------------------------------------------------- scope

def test_luoyang_user_cannot_see_or_edit_zhengzhou_channel(drive):
    channel = active()
    client = drive("ly_manager")
    assert client.get(f"/api/v1/channels/{channel.pk}/").status_code == 404
    response = client.patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "00:00-24:00"}, format="json")
    assert response.status_code == 404
    assert is_chinese(response.json()["detail"])
    channel.refresh_from_db()
    assert channel.opening_hours == "09:00-21:00"
    listed = client.get("/api/v1/channels/", {"page_size": 200}).json()["results"]
    assert listed
    assert all(c["node_code"].startswith("LY-") for c in listed)
    assert channel.pk not in {c["id"] for c in listed}
    # not even through a search
    assert client.get("/api/v1/channels/", {"q": channel.name}).json()["count"] == 0


def test_city_user_sees_county_channels(drive):
    listed = drive("zz_manager").get("/api/v1/channels/", {"page_size": 200}).json()["results"]
    assert {c["node_code"] for c in listed} == set(
        Channel.objects.filter(org_unit__code__startswith="ZZ").values_list("node_code", flat=True))


def test_auditor_sees_everything_but_cannot_write(drive):
    client = drive("auditor")
    assert client.get("/api/v1/channels/").json()["count"] == Channel.objects.count()
    channel = active()
    assert client.get(f"/api/v1/channels/{channel.pk}/").status_code == 200

    before = Channel.objects.count()
    response = client.post("/api/v1/channels/", drive.channel_body("ZZ-JS"), format="json")
    assert response.status_code == 403
    assert is_chinese(response.json()["detail"])
    assert Channel.objects.count() == before

    response = client.patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "00:00-24:00"}, format="json")
    assert response.status_code == 403
    channel.refresh_from_db()
    assert channel.opening_hours == "09:00-21:00"

    draft = Channel.objects.get(node_code="ZZ-ZY-0002")
    response = client.post("/api/v1/processes/onboarding/", {"channel": draft.pk}, format="json")
    assert response.status_code == 403
    assert not processes_of(draft).exists()
    response = client.post("/api/v1/processes/exit/", {"channel": channel.pk, "reason": "violation"}, format="json")
    assert response.status_code == 403
    assert not processes_of(channel).exists()


def test_province_approver_cannot_edit_channels(drive):
    channel = active()
    response = drive("prov_marketing").patch(f"/api/v1/channels/{channel.pk}/", {"opening_hours": "x"},
                                             format="json")
    assert response.status_code == 403


# ---------------------------------------------------------------- list

def test_list_filters(drive):
    client = drive("auditor")
    drafts = client.get("/api/v1/channels/", {"status": "draft"}).json()
    assert drafts["count"] == Channel.objects.filter(status="draft").count() == 2
    assert {c["status"] for c in drafts["results"]} == {"draft"}

    halls = client.get("/api/v1/channels/", {"channel_type": "own_hall"}).json()
    assert {c["node_code"] for c in halls["results"]} == {"ZZ-JS-0001", "LY-LL-0001"}

    found = client.get("/api/v1/channels/", {"q": "专营店"}).json()
    assert {c["node_code"] for c in found["results"]} == {"ZZ-JS-0002", "LY-LL-0002"}
    by_node = client.get("/api/v1/channels/", {"q": "ZZ-ZY"}).json()
    assert {c["node_code"] for c in by_node["results"]} == {"ZZ-ZY-0001", "ZZ-ZY-0002"}
    by_boss = client.get("/api/v1/channels/", {"q": "LY00010002"}).json()
    assert [c["node_code"] for c in by_boss["results"]] == ["LY-LL-0002"]

    combined = client.get("/api/v1/channels/", {"status": "active", "channel_type": "agent_point"}).json()
    assert [c["node_code"] for c in combined["results"]] == ["ZZ-ZY-0001"]


def test_list_rejects_unknown_filter_values(drive):
    response = drive("auditor").get("/api/v1/channels/", {"status": "nonsense"})
    assert response.status_code == 400


def test_list_pagination(drive):
    client = drive("auditor")
    total = Channel.objects.count()
    first = client.get("/api/v1/channels/", {"page_size": 3}).json()
    assert first["count"] == total
    assert len(first["results"]) == 3
    assert first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == min(3, total - 3)
    seen = [c["id"] for c in first["results"] + second["results"]]
    assert len(seen) == len(set(seen))
    # newest first
    assert seen == sorted(seen, reverse=True)
    last_page = client.get("/api/v1/channels/", {"page_size": 3, "page": (total + 2) // 3}).json()
    assert last_page["next"] is None
    assert client.get("/api/v1/channels/", {"page_size": 3, "page": 99}).status_code == 404


def test_unit_filter_includes_the_units_below_on_api_and_page(api, client, demo):
    from governance.models import Channel, OrgUnit
    from tests.conftest import login

    zz = OrgUnit.objects.get(code="ZZ")
    expected = set(Channel.objects.filter(org_unit__path__startswith=zz.path).values_list("name", flat=True))
    body = api("zz_manager").get(f"/api/v1/channels/?org_unit={zz.pk}").json()
    assert {c["name"] for c in body["results"]} == expected and len(expected) == 4
    page = login(client, "zz_manager").get(f"/channels/?org_unit={zz.pk}").content.decode()
    assert all(name in page for name in expected)
