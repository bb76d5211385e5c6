"""Drafting, versions and the status moves the flow calls: who may, what is refused, the overlap rule
(naming the conflicting version), and a replaced version ending the day before its successor starts."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from commission.models import CommissionPolicy, PolicyStatus
from commission.services import (policy_approve, policy_archive, policy_reject, policy_return, policy_revise,
                                 policy_submit, policy_update, policy_withdraw)
from governance.errors import NotAllowed

from .conftest import approved, new_policy, person, reload

RULES = [{"kind": "per_unit", "business": "new_number", "amount": "44.00"}]


def message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


@pytest.mark.parametrize("username", ["zz_manager", "zz_supervisor", "admin"])
def test_a_citys_manager_or_supervisor_drafts_its_policies(demo, username):
    policy = new_policy(username, rules=RULES)
    assert (policy.status, policy.version, policy.replaces_id) == (PolicyStatus.DRAFT, 1, None)
    record = policy.history.get()
    assert (record.history_user.username, record.history_change_reason) == (username, "编制酬金政策")
    assert record.acting_post == {"zz_manager": "渠道经理", "zz_supervisor": "渠道主管", "admin": "系统管理员"}[username]


@pytest.mark.parametrize("username, unit, error", [
    ("zz_support", "ZZ", NotAllowed), ("zz_leader", "ZZ", NotAllowed), ("auditor", "ZZ", NotAllowed),
    ("prov_marketing", "ZZ", NotAllowed), ("ly_manager", "ZZ", ValidationError), ("zz_manager", "ZZ-JS", ValidationError),
])
def test_others_may_not_draft(demo, username, unit, error):
    with pytest.raises(error):
        new_policy(username, unit, rules=RULES)
    assert not CommissionPolicy.objects.exists()


def test_only_a_draft_or_returned_policy_is_edited(demo):
    policy = new_policy(rules=RULES)
    policy_update(policy=policy, user=person("zz_supervisor"), data={"name": "改名", "rules": [
        {"kind": "per_unit", "business": "handset", "amount": "30.00"}]})
    policy = reload(policy)
    assert policy.name == "改名" and list(policy.rules.values_list("business", flat=True)) == ["handset"]
    with pytest.raises(NotAllowed):
        policy_update(policy=policy, user=person("ly_manager"), data={"name": "x"})
    policy_submit(policy=policy, user=person("zz_manager"))
    with pytest.raises(ValidationError) as caught:
        policy_update(policy=policy, user=person("zz_manager"), data={"name": "审批中修改"})
    assert "只有草稿或已退回的政策可以修改" in message(caught)
    policy_return(policy=policy, user=person("prov_marketing"), reason="金额偏高")
    policy_update(policy=policy, user=person("zz_manager"), data={"name": "退回后修改"})
    assert reload(policy).name == "退回后修改"


def test_a_bad_edit_changes_nothing(demo):
    policy = new_policy(rules=RULES)
    with pytest.raises(ValidationError):
        policy_update(policy=policy, user=person("zz_manager"),
                      data={"name": "新名", "rules": [{"kind": "percent", "business": "top_up", "rate": "0.03"}]})
    policy = reload(policy)
    assert policy.name == "测试酬金政策" and policy.rules.get().amount == 44


def test_submit_needs_a_paying_rule(demo):
    policy = new_policy(rules=[{"kind": "star_coefficient", "coefficients": {str(s): "1.00" for s in range(1, 6)}}])
    with pytest.raises(ValidationError) as caught:
        policy_submit(policy=policy, user=person("zz_manager"))
    assert "至少需要一条计酬规则" in message(caught)
    assert reload(policy).status == PolicyStatus.DRAFT


def test_an_overlapping_policy_is_refused_at_submit_naming_the_approved_version(demo):
    first = approved(new_policy(rules=RULES, valid_from=date(2026, 1, 1), valid_to=date(2026, 12, 31)))
    clash = new_policy(rules=RULES, types=["agent_point", "own_hall"], valid_from=date(2026, 12, 1), name="冲突政策")
    with pytest.raises(ValidationError) as caught:
        policy_submit(policy=clash, user=person("zz_manager"))
    assert caught.value.message_dict["valid_from"] == [
        f"与已批准的版本 “测试酬金政策”第1版(#{first.pk},2026-01-01 至 2026-12-31) 的适用渠道类型和有效期重叠,"
        "请调整有效期,或以修订版本替代该版本。"]
    assert reload(clash).status == PolicyStatus.DRAFT
    # no shared channel type, another city, or after the end: all fine
    for policy in (new_policy(rules=RULES, types=["own_hall"]), new_policy("ly_manager", "LY", rules=RULES),
                   new_policy(rules=RULES, valid_from=date(2027, 1, 1))):
        assert policy_submit(policy=policy, user=person(f"{policy.org_unit.code.lower()}_manager")).status == "in_review"


def test_approval_checks_the_overlap_again(demo):
    one = new_policy(rules=RULES, name="甲")
    two = new_policy(rules=RULES, name="乙")
    for policy in (one, two):
        policy_submit(policy=policy, user=person("zz_manager"))  # neither overlaps an approved one yet
    policy_approve(policy=one, user=person("prov_finance"))
    with pytest.raises(ValidationError) as caught:
        policy_approve(policy=two, user=person("prov_finance"))
    assert f"“甲”第1版(#{one.pk}" in message(caught)
    assert reload(two).status == PolicyStatus.IN_REVIEW


def test_a_revision_replaces_the_approved_version_from_the_day_before_it_starts(demo):
    old = approved(new_policy(rules=RULES))
    revision = policy_revise(policy=old, user=person("zz_supervisor"), data={"valid_from": date(2026, 12, 1)})
    assert (revision.version, revision.replaces_id, revision.series, revision.status) == (2, old.pk, old.series, "draft")
    assert revision.rules.get().amount == 44  # copied, not shared
    assert revision.rules.get().pk != old.rules.get().pk
    with pytest.raises(ValidationError) as caught:
        policy_revise(policy=old, user=person("zz_manager"))
    assert f"已有未完成的修订版本 “测试酬金政策”第2版(#{revision.pk}" in message(caught)
    policy_submit(policy=revision, user=person("zz_manager"))
    assert reload(old).valid_to is None  # nothing changes before approval
    policy_approve(policy=revision, user=person("prov_finance"))
    old = reload(old)
    assert (old.status, old.valid_to) == (PolicyStatus.SUPERSEDED, date(2026, 11, 30))
    assert old.history.latest().history_change_reason == "被第2版替代,有效期至 2026-11-30"
    assert old.history.latest().history_user.username == "prov_finance"
    with pytest.raises(ValidationError):
        policy_revise(policy=old, user=person("zz_manager"))  # superseded: revise the new one instead


def test_a_revision_must_start_after_the_replaced_version(demo):
    old = approved(new_policy(rules=RULES, valid_from=date(2026, 6, 1)))
    revision = policy_revise(policy=old, user=person("zz_manager"), data={"valid_from": date(2026, 6, 1)})
    with pytest.raises(ValidationError) as caught:
        policy_submit(policy=revision, user=person("zz_manager"))
    assert "必须晚于被替代版本的生效日期(2026-06-01)" in message(caught)


@pytest.mark.parametrize("move, status", [(policy_return, "returned"), (policy_reject, "rejected"),
                                          (policy_withdraw, "draft")])
def test_moves_from_review_are_recorded(demo, move, status):
    policy = new_policy(rules=RULES)
    policy_submit(policy=policy, user=person("zz_manager"))
    move(policy=policy, user=person("prov_marketing"), reason="说明")
    record = reload(policy).history.latest()
    assert (record.status, record.history_user.username, record.acting_post, record.history_change_reason) == (
        status, "prov_marketing", "省市场经营部", "说明")


def test_the_transition_table_refuses_other_moves(demo):
    policy = new_policy(rules=RULES)
    for move in (policy_return, policy_reject, policy_withdraw):
        with pytest.raises(ValidationError) as caught:
            move(policy=policy)
        assert "政策状态为“草稿”,不能变为" in message(caught)
    with pytest.raises(ValidationError):
        policy_approve(policy=policy)
    with pytest.raises(ValidationError):
        policy_archive(policy=policy)
    policy_submit(policy=policy, user=person("zz_manager"))
    policy_reject(policy=policy)
    with pytest.raises(ValidationError):
        policy_submit(policy=policy, user=person("zz_manager"))  # rejected is the end: start a new one
    assert reload(policy).status == PolicyStatus.REJECTED
    assert set(CommissionPolicy.TRANSITIONS) == set(PolicyStatus)
