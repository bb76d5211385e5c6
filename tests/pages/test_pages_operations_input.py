"""Bad input on the new pages: never a 500, a Chinese message, nothing changed; unknown ids are absent."""
import pytest

from tests.api.conftest import drive  # noqa: F401 (fixture)
from workflows.models import ApprovalProcess, CopyNotice, ProcessEvent, StockOpinion

from .conftest import CHINESE, text

GARBAGE = ["", " ", "0", "-1", "99999999999999999999", "x" * 3000, "<script>", "' OR 1=1 --", "１２", "\u0000"]


@pytest.mark.parametrize("value", GARBAGE)
def test_list_filters_never_fail(pages, value):
    client = pages("auditor")
    for url in ("/", "/done/", "/copies/", "/processes/", "/opinions/"):
        params = {name: value for name in ("tab", "kind", "org_unit", "date_from", "date_to", "sort", "state",
                                           "requester", "created_from", "created_to", "unread", "page")}
        response = client.get(url, params)
        assert response.status_code in (200, 400), (url, value, response.status_code)
        assert CHINESE.search(text(response))


@pytest.mark.parametrize("value", GARBAGE)
def test_operation_posts_never_fail_and_change_nothing(drive, pages, value):  # noqa: F811
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)["id"]
    before = (ApprovalProcess.objects.get(pk=pid).version, ProcessEvent.objects.count(), CopyNotice.objects.count())
    client = pages("zz_supervisor")
    body = {"to": value, "comment": value if value.strip() else "", "position": value, "posts": value}
    for url in (f"/tasks/{task}/transfer/", f"/tasks/{task}/delegate/", f"/tasks/{task}/add-approver/",
                f"/processes/{pid}/copy/"):
        response = client.post(url, body)
        assert response.status_code in (400, 403, 404, 409), (url, value, response.status_code)
    response = client.post(f"/tasks/{task}/", {"action": "return", "to_step": value, "comment": "x"})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert (ApprovalProcess.objects.get(pk=pid).version, ProcessEvent.objects.count(),
                CopyNotice.objects.count()) == before
    for url in (f"/copies/{value or 0}/read/", f"/opinions/{value or 0}/delete/", f"/processes/{value or 0}/remind/"):
        assert client.post(url).status_code == 404, url
    assert client.post("/opinions/", {"text": value}).status_code in (302, 400)
    assert StockOpinion.objects.filter(user__username="zz_supervisor").count() <= 1


def test_operations_need_post_and_sign_in(client, drive):  # noqa: F811
    pid = drive.submit_new()["id"]
    task = drive.task("zz_supervisor", pid)["id"]
    for url in (f"/tasks/{task}/transfer/", f"/processes/{pid}/cancel/", f"/processes/{pid}/remind/"):
        assert client.post(url, {"comment": "x"}).status_code == 302  # to the login page
    assert ApprovalProcess.objects.get(pk=pid).state == "in_review"
