"""Odd values give a clear Chinese 400, never a failed job or a 500: a 50,000-character search term (too
complex a LIKE pattern for SQLite), and export dates outside 2000-01-01 … 2100-12-31."""
import pytest

from governance.filters import SEARCH_MAX_CHARS
from reports.models import ExportJob
from tests.api.conftest import is_chinese
from tests.conftest import login
from tests.pages.conftest import text

HUGE = "店" * 50_000


@pytest.mark.parametrize("term", [HUGE, "店" * (SEARCH_MAX_CHARS + 1)])
def test_api_search_too_long_is_a_400(api, term):
    response = api("zz_manager").get("/api/v1/channels/", {"q": term})
    assert response.status_code == 400
    assert is_chinese(response.json()["detail"]) and "q" in response.json()["errors"]


def test_api_search_at_the_limit_works(api):
    response = api("zz_manager").get("/api/v1/channels/", {"q": "店" * SEARCH_MAX_CHARS})
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("term, message", [(HUGE, "查询参数过长"), ("店" * (SEARCH_MAX_CHARS + 1), "不超过 100 字符")])
def test_page_search_too_long_is_a_400_without_rows(pages, term, message):
    response = pages("zz_manager").get("/channels/", {"q": term})
    assert response.status_code == 400 and message in text(response)
    assert "ZZ-JS-0001" not in text(response)  # no unfiltered list under the message
    assert "ZZ-JS-0001" in text(pages("zz_manager").get("/channels/"))  # the row the refusal does not list


def test_admin_search_too_long_is_a_400(client, demo):
    login(client, "admin")
    response = client.get("/admin/governance/channel/", {"q": HUGE})
    assert response.status_code == 400 and "过长" in text(response)


def test_channel_export_search_too_long_is_a_400(api):
    response = api("zz_manager").post("/api/v1/exports/", {"report": "channels", "filters": {"q": HUGE}},
                                      format="json")
    assert response.status_code == 400 and "q" in response.json()["errors"]
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_export_dates_out_of_range_are_a_400(api, day, field):
    response = api("auditor").post("/api/v1/exports/", {"report": "audit-log", "filters": {field: day}},
                                   format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == ["日期应在 2000-01-01 至 2100-12-31 之间。"]
    assert not ExportJob.objects.exists()


def test_export_dates_at_the_bounds_run(api, run_export):
    response, job, rows = run_export(api("auditor"), "audit-log", {"date_from": "2000-01-01", "date_to": "2100-12-31"})
    assert response.status_code == 202 and job["status"] == "done" and len(rows) > 1


def test_export_page_refuses_out_of_range_dates(client, demo):
    login(client, "auditor")
    response = client.post("/exports/new/", {"report": "audit-log", "date_to": "9999-12-31"})
    assert response.status_code == 400 and "日期应在 2000-01-01 至 2100-12-31 之间" in text(response)
    assert not ExportJob.objects.exists()
