"""The channel form's sections and field rules, 新增渠道 offered only to those who may enter channels,
and star levels read "N星" on every page."""
import pytest
from lxml import html

from governance.models import Channel

from .conftest import channel_data, text

SECTIONS = {
    "基本信息": {"node_code", "name", "channel_type", "star_level", "org_unit", "contact_mobile"},
    "经营者": {"operator_company", "credit_code", "legal_representative", "business_scope"},
    "银行与合同": {"bank_name", "bank_account", "deposit", "contract_number", "contract_start", "contract_end"},
    "位置": {"address", "longitude", "latitude", "opening_hours", "floor_area", "staff_count"},
}


def tree(response):
    return html.fromstring(response.content.decode())


def inputs(node):
    return [el for el in node.iter("input", "select", "textarea")
            if el.get("type") not in ("hidden", "submit") and el.get("name")]


def test_new_channel_form_is_in_four_sections_with_a_label_on_every_input(pages):
    page = tree(pages("zz_manager").get("/channels/new/"))
    form = page.xpath("//main//form")[0]
    found = {}
    for fieldset in form.iter("fieldset"):
        legend = fieldset.find("legend").text_content().strip()
        found[legend] = {el.get("name") for el in inputs(fieldset)}
    assert {k: v for k, v in found.items() if k in SECTIONS} == SECTIONS
    assert found["证照附件(可选)"] == {"business_licence", "contract", "account_permit"}
    for el in inputs(form):
        assert form.xpath(f'.//label[@for="{el.get("id")}"]'), el.get("name")
    assert form.get("enctype") == "multipart/form-data"


def test_star_level_is_a_select_of_one_to_five_stars(pages):
    page = tree(pages("zz_manager").get("/channels/new/"))
    select = page.xpath('//select[@name="star_level"]')[0]
    assert [o.text_content() for o in select.iter("option")] == ["1星", "2星", "3星", "4星", "5星"]
    assert not page.xpath('//input[@name="star_level"]')


def test_messages_stay_beside_their_fields(pages):
    before = Channel.objects.count()
    bad = channel_data(n=31, contact_mobile="12345", bank_account="6227 0000 1234 5678", star_level="0")
    response = pages("zz_manager").post("/channels/new/", bad)
    assert response.status_code == 400 and Channel.objects.count() == before
    page = tree(response)
    for name, message in [("contact_mobile", "联系手机号应为以1开头的11位数字"), ("bank_account", "空格"),
                          ("star_level", "星级应为1星至5星")]:
        box = page.xpath(f'//*[@name="{name}"]/ancestor::div[contains(@class, "field")][1]')[0]
        assert "has-error" in box.get("class")
        assert message in box.xpath('.//ul[@class="errorlist"]')[0].text_content(), name
    # and nowhere else: no error list at the top of the form
    assert not page.xpath('//ul[contains(@class, "nonfield")]')


@pytest.mark.parametrize("username", ["auditor", "zz_supervisor", "zz_leader", "ly_supervisor", "prov_finance"])
def test_new_channel_is_not_offered_and_refused_at_once(pages, username):
    client = pages(username)
    assert "新增渠道" not in text(client.get("/channels/"))
    assert "新增渠道" not in text(client.get("/"))
    response = client.get("/channels/new/")
    assert response.status_code == 403
    assert "无权操作" in text(response) and "渠道经理" in text(response)
    assert 'name="node_code"' not in response.content.decode()
    before = Channel.objects.count()
    assert client.post("/channels/new/", channel_data(n=32)).status_code == 403
    assert Channel.objects.count() == before


@pytest.mark.parametrize("username", ["zz_manager", "ly_manager", "admin"])
def test_new_channel_is_offered_to_managers_and_admin(pages, username):
    listing = pages(username).get("/channels/")
    assert 'href="/channels/new/"' in listing.content.decode()
    assert pages(username).get("/channels/new/").status_code == 200


def test_edit_page_locks_deposit_and_contract_of_an_active_channel(pages):
    channel = Channel.objects.get(node_code="ZZ-JS-0002")
    page = tree(pages("zz_manager").get(f"/channels/{channel.pk}/edit/"))
    for name in ("deposit", "contract_number", "contract_start", "contract_end"):
        assert page.xpath(f'//*[@name="{name}"]')[0].get("disabled") is not None, name
    data = channel_data(n=33, node_code=channel.node_code, deposit="1", contract_number="HT-CUT",
                        contract_end="2026-02-01", staff_count="7")
    response = pages("zz_manager").post(f"/channels/{channel.pk}/edit/", data)
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.deposit == 20000 and channel.contract_number == "HT-ZZ-JS-0002"
    assert str(channel.contract_end) == "2028-12-31" and channel.staff_count == 7


def test_star_level_reads_n_stars_on_list_detail_and_history(pages):
    channel = Channel.objects.get(node_code="ZZ-JS-0001")
    listing = tree(pages("zz_manager").get("/channels/", {"q": "ZZ-JS-0001"}))
    assert listing.xpath("//tbody/tr/td[5]")[0].text_content().strip() == "3星"
    draft_id = pages.create_channel(n=34, star_level="2")
    pages("zz_manager").post(f"/channels/{draft_id}/edit/", channel_data(n=34, star_level="5"))
    detail = text(pages("zz_manager").get(f"/channels/{draft_id}/"))
    assert "星级 核心 5星" in detail
    assert "星级:2星 → 5星" in detail
    assert "星级 核心 3星" in text(pages("zz_manager").get(f"/channels/{channel.pk}/"))
