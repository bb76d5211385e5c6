"""The change process holds core fields to the same rules as the channel form: a bank account with spaces, a
negative deposit or a star level outside 1-5星 is refused with a Chinese message; a change without money
fields does not visit 省财务部."""
import pytest

from governance.models import Channel
from tests.api.conftest import error_messages, is_chinese
from tests.conftest import processes_of


def store():
    return Channel.objects.get(node_code="ZZ-JS-0002")


@pytest.mark.parametrize("field,value", [("bank_account", "6222 0202 0011 2233"), ("bank_account", "6222-0202-0011"),
                                         ("deposit", "-1"), ("deposit", "abc"), ("star_level", 6),
                                         ("star_level", 0)])
def test_bad_core_values_are_refused_in_the_change(drive, field, value):
    channel = store()
    response = drive("zz_manager").post("/api/v1/processes/change/", {
        "channel": channel.pk, "changes": {field: value}, "effective_date": "2026-01-01"}, format="json")
    assert response.status_code == 400, response.json()
    assert is_chinese(error_messages(response, field)[0])
    assert not processes_of(channel).exists()


def test_a_change_without_money_fields_skips_province_finance(drive):
    started = drive.start("change", channel=store().pk, changes={"star_level": 4, "contract_number": "HT-新"},
                          effective_date="2026-01-01")
    assert [s["post"] for s in started["steps"]] == ["渠道主管", "分管领导", "省市场经营部"]
    rows = {r["field"]: r for r in started["changes"] if r["changed"]}
    assert rows["star_level"]["old"] == "3星" and rows["star_level"]["new"] == "4星"
