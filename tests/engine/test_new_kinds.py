"""The commission-policy, certification and outbound-demand kinds run on the one engine, end to end, through
the API of CONTRACT.md."""
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from commission.models import CommissionPolicy
from commission.selectors import policy_rules_table
from commission.services import policy_create, policy_revise
from governance.models import Certificate, CertificateStatus, OutboundAgent, OutboundDemand, PostAssignment
from governance.outbound import may_call
from tests.reports.test_approval_form import pdf_text
from workflows.models import ApprovalProcess, CopyNotice

ZZ_POLICY = "郑州分公司社会渠道基本酬金政策"


def _revision(svc, username="zz_manager"):
    return policy_revise(policy=CommissionPolicy.objects.get(name=ZZ_POLICY, version=1), user=svc.user(username))


def _configuration(policy):
    return [row["rule"] for row in policy_rules_table(policy)]


def test_a_policy_runs_its_whole_route_and_replaces_the_old_version(drive, svc, tmp_path):
    revision = _revision(svc)
    started = drive.start("commission-policy", policy=revision.pk, comment="调整新入网酬金")
    assert [s["title"] for s in started["steps"]] == [
        "省市场经营部审批", "省财务部审批", "分公司业务支援中心录入系统配置", "渠道主管复核配置", "省业务支援中心抄送"]
    pid = started["id"]
    drive.act("prov_marketing", pid)
    drive.act("prov_finance", pid)
    assert CommissionPolicy.objects.get(pk=revision.pk).status == "approved"
    old = CommissionPolicy.objects.get(name=ZZ_POLICY, version=1)
    assert old.status == "superseded" and old.valid_to == revision.valid_from.replace(day=1) - date.resolution
    drive.act("zz_support", pid, configuration=_configuration(revision))
    task = drive.task("zz_supervisor", pid)
    assert task["recheck"] == {"matches": True, "differences": []}
    done = drive.act("zz_supervisor", pid, comment="一致")
    assert done["status"] == "completed" and done["recheck"]["matches"] is True
    assert CommissionPolicy.objects.get(pk=revision.pk).status == "archived"
    assert CopyNotice.objects.filter(process_id=pid, user__username="prov_support").exists()
    document = drive("prov_finance").get(f"/api/v1/processes/{pid}/document/")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    text = pdf_text(document.content, tmp_path)
    for row in policy_rules_table(revision):
        assert row["label"] in text  # the rules table
    assert "试算" in text and "合计" in text  # the estimate
    assert "系统配置与批准的政策一致" in text  # the re-check result


def test_a_configuration_mismatch_is_caught_at_the_recheck(drive, svc):
    revision = _revision(svc)
    pid = drive.start("commission-policy", policy=revision.pk)["id"]
    drive.act("prov_marketing", pid)
    drive.act("prov_finance", pid)
    wrong = _configuration(revision)
    wrong[0] = {**wrong[0], "amount": "99.00"}
    drive.act("zz_support", pid, configuration=wrong)
    task = drive.task("zz_supervisor", pid)
    assert task["recheck"]["matches"] is False and task["recheck"]["differences"]
    refused = drive.act("zz_supervisor", pid, expect=400)
    assert "configuration" in refused["errors"] and len(refused["errors"]["configuration"]) >= 2
    back = drive.act("zz_supervisor", pid, "return", comment="配置与政策不符", to_step=2)
    assert back["current_post"] == "分公司业务支援中心"
    drive.act("zz_support", pid, configuration=_configuration(revision))
    assert drive.act("zz_supervisor", pid)["status"] == "completed"


def test_who_configured_may_not_recheck(drive, svc):
    PostAssignment.objects.create(user=svc.user("zz_support"), post=svc.user("zz_supervisor").post_assignments
                                  .get().post, org_unit=svc.unit("ZZ"))
    revision = _revision(svc)
    pid = drive.start("commission-policy", policy=revision.pk)["id"]
    drive.act("prov_marketing", pid)
    drive.act("prov_finance", pid)
    drive.act("zz_support", pid, configuration=_configuration(revision))
    assert drive.task("zz_support", pid) is None and drive.task("zz_supervisor", pid) is not None


def test_an_overlapping_policy_is_refused_at_start_naming_the_version(drive, svc):
    old = CommissionPolicy.objects.get(name=ZZ_POLICY, version=1)
    rival = policy_create(user=svc.user("zz_manager"), data={
        "org_unit": old.org_unit, "name": "重叠政策", "channel_types": list(old.channel_types),
        "valid_from": old.valid_from, "valid_to": None,
        "rules": [{"kind": "per_unit", "business": "new_number", "amount": "10.00"}]})
    refused = drive.start("commission-policy", expect=400, policy=rival.pk)
    assert "第1版" in refused["detail"] or old.name in refused["detail"]
    assert not ApprovalProcess.objects.filter(kind="commission-policy").exists()


def test_luoyang_sees_none_of_zhengzhou_policies_processes(drive, svc):
    pid = drive.start("commission-policy", policy=_revision(svc).pk)["id"]
    assert drive("ly_manager").get(f"/api/v1/processes/{pid}/").status_code == 404
    assert drive.start("commission-policy", "ly_manager", expect=404,
                       policy=CommissionPolicy.objects.get(name=ZZ_POLICY, version=1).pk)


def _uncertified(city="ZZ"):
    return OutboundAgent.objects.filter(org_unit__path__startswith=f"HA/{city}/", certificates__isnull=True,
                                        active=True).first()


def test_a_recertification_before_expiry_extends_the_same_certificate(drive):
    today = timezone.localdate()
    current = next(c for c in Certificate.objects.filter(is_current=True, org_unit__path__startswith="HA/ZZ/")
                   if c.status_on(today) == CertificateStatus.EXPIRING)
    started = drive.start("certification", "zz_outbound", agent=current.agent_id, level=current.level)
    assert started["result"]["recertification"] is True
    pid = started["id"]
    drive.act("prov_outbound_qa", pid, course_level=current.level)
    drive.act("prov_outbound_qa", pid, score=99)
    drive.act("zz_outbound", pid, qa_result="pass")
    drive.act("prov_outbound_qa", pid, qa_result="pass")
    drive.act("prov_outbound_qa", pid)
    extended = Certificate.objects.get(agent=current.agent_id, is_current=True)
    assert extended.pk == current.pk and extended.valid_to > current.valid_to
    assert extended.status_on(today) == CertificateStatus.VALID
    assert Certificate.objects.filter(agent=current.agent_id).count() == 1


def test_a_full_certification_grants_the_certificate(drive, tmp_path):
    agent = _uncertified()
    assert may_call(agent_id=agent.pk)[0] is False
    pid = drive.start("certification", "zz_outbound", agent=agent.pk, level=2)["id"]
    assert drive.act("prov_outbound_qa", pid, expect=400, course_level=3)["errors"]["course_level"]
    drive.act("prov_outbound_qa", pid, course_level=2)
    drive.act("prov_outbound_qa", pid, score=88)
    drive.act("zz_outbound", pid, qa_result="pass")  # 一级质检 by the city's own outbound ops
    drive.act("prov_outbound_qa", pid, qa_result="pass")
    done = drive.act("prov_outbound_qa", pid)
    assert done["status"] == "completed" and done["result"]["score"] == 88
    certificate = Certificate.objects.get(agent=agent, is_current=True)
    assert certificate.level == 2 and may_call(agent_id=agent.pk)[0] is True
    document = drive("prov_outbound_qa").get(f"/api/v1/processes/{pid}/document/")
    assert document.status_code == 200
    text = pdf_text(document.content, tmp_path)
    for shown in (agent.name, "培训", "考试", "88", "一级质检", "二级质检", "证书"):
        assert shown in text


@pytest.mark.parametrize("step, field, value", [("exam", "score", 30), ("qa", "qa_result", "fail")])
def test_a_failed_exam_or_qa_ends_the_application_as_rejected(drive, step, field, value):
    agent = _uncertified()
    pid = drive.start("certification", "zz_outbound", agent=agent.pk, level=1)["id"]
    drive.act("prov_outbound_qa", pid, course_level=1)
    if step == "qa":
        drive.act("prov_outbound_qa", pid, score=95)
        done = drive.act("zz_outbound", pid, qa_result=value, comment="录音话术不规范")
    else:
        done = drive.act("prov_outbound_qa", pid, **{field: value})
    assert done["status"] == "rejected"
    assert "未通过" in done["history"][-1]["comment"] or "不合格" in done["history"][-1]["comment"]
    assert not Certificate.objects.filter(agent=agent).exists()


def test_only_the_city_outbound_ops_applies_and_luoyang_sees_no_zhengzhou_agent(drive):
    agent = _uncertified()
    assert drive.start("certification", "zz_manager", expect=403, agent=agent.pk, level=1)
    assert drive.start("certification", "ly_outbound", expect=404, agent=agent.pk, level=1)


def test_a_demand_the_city_cannot_serve_goes_to_the_province(drive):
    filed = drive("zz_outbound").post("/api/v1/outbound-demands/", {
        "campaign": "宽带续约外呼", "calls": 900000, "start": "2027-01-04", "end": "2027-01-08"}, format="json")
    assert filed.status_code == 201 and filed.json()["served_by"] == "province"
    process = ApprovalProcess.objects.get(kind="outbound-demand")
    assert process.requester.username == "zz_outbound" and process.current_post.code == "province_support"
    task = drive.task("prov_support", process.pk)
    assert task is not None
    done = drive.act_on("prov_support", task["id"], calls=500)
    assert done["status"] == "completed" and done["capacity_used"] == 500
    demand = OutboundDemand.objects.get(pk=process.subject_id)
    assert demand.city.code == "ZZ" and demand.capacity_used == 500
    assert Decimal(done["settlement"]["amount"]) == 500 * demand.settlement_unit_price > 0


def _approved_revision(drive, svc):
    revision = _revision(svc)
    pid = drive.start("commission-policy", policy=revision.pk)["id"]
    drive.act("prov_marketing", pid)
    drive.act("prov_finance", pid)
    return revision, pid


def test_a_policy_returned_after_approval_reopens_and_its_old_version_stands_again(drive, svc):
    """退回 at the configuration step: the approval is undone until the policy is approved again."""
    old = CommissionPolicy.objects.get(name=ZZ_POLICY, version=1)
    before = (old.status, old.valid_to)
    revision, pid = _approved_revision(drive, svc)
    back = drive.act("zz_support", pid, "return", comment="系统不支持该阶梯,请调整")
    assert back["status"] == "returned"
    revision.refresh_from_db()
    old.refresh_from_db()
    assert revision.status == "returned" and (old.status, old.valid_to) == before
    edited = drive("zz_manager").patch(f"/api/v1/commission-policies/{revision.pk}/",
                                       {"rules": [{"kind": "per_unit", "business": "new_number", "amount": "40.00"}]},
                                       format="json")
    assert edited.status_code == 200
    again = drive.act("zz_manager", pid, comment="已调整")  # 修改后重新提交
    assert again["current_post"] == "省市场经营部"  # the changed policy is approved again from the start
    drive.act("prov_marketing", pid)
    drive.act("prov_finance", pid)
    drive.act("zz_support", pid, configuration=_configuration(revision))
    assert drive.act("zz_supervisor", pid)["status"] == "completed"
    old.refresh_from_db()
    assert old.status == "superseded"


def test_a_policy_cancelled_before_its_recheck_goes_back_to_draft(drive, svc):
    old = CommissionPolicy.objects.get(name=ZZ_POLICY, version=1)
    status = old.status
    revision, pid = _approved_revision(drive, svc)
    response = drive("zz_manager").post(f"/api/v1/processes/{pid}/cancel/", {"comment": "政策暂缓执行"}, format="json")
    assert response.status_code == 200, response.content
    revision.refresh_from_db()
    old.refresh_from_db()
    assert revision.status == "draft" and old.status == status and old.valid_to is None


def test_a_policy_under_approval_cannot_be_edited(drive, svc):
    revision, pid = _approved_revision(drive, svc)
    response = drive("zz_manager").patch(f"/api/v1/commission-policies/{revision.pk}/", {"name": "偷改"},
                                         format="json")
    assert response.status_code in (400, 409)
    revision.refresh_from_db()
    assert revision.name != "偷改"
