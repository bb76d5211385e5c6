"""The certificates export holds exactly the agent list's rows for the same filters and user."""
import pytest

from reports.exports import CERTIFICATE_COLUMNS
from tests.conftest import login
from tests.reports.test_exports import export, header, list_rows  # noqa: F401 (the export fixture)

from .conftest import MOVES, certificate, person


@pytest.mark.parametrize("username, filters", [
    ("zz_outbound", {}),
    ("zz_outbound", {"expiring_soon": "true"}),
    ("zz_outbound", {"status": "none"}),
    ("ly_manager", {}),
    ("auditor", {"status": "valid"}),
    ("auditor", {"level": "2"}),
    ("auditor", {"q": "ZZ"}),
])
def test_export_rows_equal_the_list_rows(outbound, api, export, username, filters):
    listed = list_rows(api(username), "/api/v1/agents/", **filters)
    rows = export(username, "certificates", filters)
    assert rows[0] == header(CERTIFICATE_COLUMNS)
    assert [r[0] for r in rows[1:]] == [a["id"] for a in listed]
    assert len(rows) - 1 == len(listed) > 0


def test_export_row_content(outbound, export):
    MOVES["suspend"](certificate=certificate("ZZ0001"), user=person("prov_outbound_qa"), reason="录音违规")
    rows = export("zz_outbound", "certificates", {"q": "ZZ000"})
    by_no = {r[1]: dict(zip(header(CERTIFICATE_COLUMNS), r)) for r in rows[1:]}
    assert by_no["ZZ0001"]["证书状态"] == "已暂停" and by_no["ZZ0001"]["暂停/吊销原因"] == "录音违规"
    assert by_no["ZZ0002"]["证书状态"] == "临期" and by_no["ZZ0002"]["所属单位编码"] == "ZZ"
    assert by_no["ZZ0005"]["证书状态"] == "无证书" and by_no["ZZ0005"]["证书编号"] is None
    assert "LY0001" not in by_no


def test_bad_filters_are_a_400(outbound, api):
    response = api("zz_outbound").post("/api/v1/exports/", {"report": "certificates", "filters": {"status": "x"}},
                                       format="json")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_export_page_offers_the_list_filters(outbound, client):
    login(client, "zz_outbound")
    page = client.get("/exports/new/?report=certificates&expiring_soon=true").content.decode()
    assert 'name="expiring_soon"' in page and 'name="status"' in page and "外呼资格证书" in page
    assert "洛阳分公司" not in page  # the unit picker offers the user's units only
