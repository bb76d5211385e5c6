"""Commission policies and outbound certifications are started from their own pages (the policy page, the
agent page), and their tasks are done on the task page like any other request."""
from decimal import Decimal

from django.contrib.auth.models import User

from commission.forms import rule_initial
from commission.models import CommissionPolicy
from commission.selectors import rules_for
from commission.services import policy_revise
from governance.models import Certificate, OutboundAgent
from workflows.models import ApprovalProcess

from .conftest import text
from tests.conftest import processes_of

ZZ_POLICY = "郑州分公司社会渠道基本酬金政策"


def _draft():
    return policy_revise(policy=CommissionPolicy.objects.get(name=ZZ_POLICY, version=1),
                         user=User.objects.get(username="zz_manager"))


def test_a_draft_policy_is_submitted_from_its_page_and_approvers_see_the_estimate(pages, number):
    policy = _draft()
    start = f"/processes/new/commission-policy/{policy.pk}/"
    page = pages("zz_manager").get(f"/commission/{policy.pk}/").content.decode()
    assert f'href="{start}"' in page and "提交审批" in page
    assert start not in pages("zz_support").get(f"/commission/{policy.pk}/").content.decode()  # not a requester
    form = pages("zz_manager").get(start)
    assert form.status_code == 200 and policy.name in text(form)

    response = pages("zz_manager").post(start, {"comment": "调整新入网酬金"})
    assert response.status_code == 302, text(response)[:2000]
    process = ApprovalProcess.objects.get(pk=int(response["Location"].split("/")[2]))
    assert process.kind == "commission-policy" and process.subject_id == policy.pk
    after = pages("zz_manager").get(f"/commission/{policy.pk}/").content.decode()
    assert process.number in after and f'href="{start}"' not in after  # busy: nothing more to start

    task = pages("prov_marketing").get(f"/tasks/{pages.task_id('prov_marketing', number(process.pk))}/")
    assert task.status_code == 200 and "试算" in text(task) and "合计(元)" in text(task)
    assert pages("ly_manager").get(start).status_code == 404  # another city's policy does not exist


def test_an_agent_is_put_forward_for_certification_from_the_agent_page(pages, number):
    agent = OutboundAgent.objects.filter(org_unit__path__startswith="HA/ZZ/", certificates__isnull=True,
                                         active=True).first()
    start = f"/processes/new/certification/{agent.pk}/"
    assert f'href="{start}"' in pages("zz_outbound").get(f"/outbound/agents/{agent.pk}/").content.decode()
    bad = pages("zz_outbound").post(start, {"level": "9"})
    assert bad.status_code == 400 and not processes_of(agent)
    response = pages("zz_outbound").post(start, {"level": "1", "comment": "新员工"})
    assert response.status_code == 302, text(response)[:2000]
    process = ApprovalProcess.objects.get(pk=int(response["Location"].split("/")[2]))
    no = number(process.pk)

    pages.act("prov_outbound_qa", no, course_level="1")
    failed_exam = pages.act("prov_outbound_qa", no, score="12")
    process.refresh_from_db()
    assert failed_exam.status_code == 302 and process.state == "rejected"
    assert "低于" in process.events.order_by("-pk").values_list("comment", flat=True).first()
    assert not Certificate.objects.filter(agent=agent).exists()
    assert pages("ly_outbound").get(start).status_code == 404


def _rules_post(rules: list[dict], rows: int) -> dict:
    """The configure step's rules table as a browser posts it: `rules` filled in, the other rows empty."""
    data = {"rules-TOTAL_FORMS": str(rows), "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "50"}
    for n, rule in enumerate(rules):
        for name, value in rule_initial(rule).items():
            data[f"rules-{n}-{name}"] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def test_the_configuration_is_entered_in_a_rules_table_and_rechecked_on_the_page(pages, number):
    policy = _draft()
    response = pages("zz_manager").post(f"/processes/new/commission-policy/{policy.pk}/", {"comment": ""})
    no = number(int(response["Location"].split("/")[2]))
    pages.act("prov_marketing", no)
    pages.act("prov_finance", no)

    rules = rules_for(policy)
    task_url = f"/tasks/{pages.task_id('zz_support', no)}/"
    form = pages("zz_support").get(task_url).content.decode()
    assert f'name="rules-TOTAL_FORMS" value="{len(rules) + 1}"' in form
    assert 'value="40.00"' not in form  # entered on its own, never copied from the policy

    empty = pages("zz_support").post(task_url, {"action": "approve", **_rules_post([], len(rules) + 1)})
    assert empty.status_code == 400 and "请录入系统配置的规则" in text(empty)
    wrong = [dict(rules[0], amount=Decimal("44.00")), *rules[1:]]
    assert pages.act("zz_support", no, **_rules_post(wrong, len(rules) + 1)).status_code == 302

    recheck = pages("zz_supervisor").get(f"/tasks/{pages.task_id('zz_supervisor', no)}/")
    assert "尚不一致" in text(recheck) and "44.00" in text(recheck)
    refused = pages.act("zz_supervisor", no, expect=400)
    assert "不一致" in text(refused)
    assert CommissionPolicy.objects.get(pk=policy.pk).status == "approved"
