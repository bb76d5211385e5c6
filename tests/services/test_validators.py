"""Field validators and the channel's own checks; every message is Chinese."""
import re

import pytest
from django.core.exceptions import ValidationError

from governance.models import Channel, star_label
from governance.validators import (credit_code_check_char, validate_bank_account, validate_boss_code,
                                   validate_credit_code, validate_mobile)

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("code", [
    "91410100MA44C1234W", "91410100317000222T", "91410300MA47X5678N", "92410105MA40A00019",
    "91350100M000100Y43",  # a published example
])
def test_valid_credit_codes(code):
    validate_credit_code(code)


@pytest.mark.parametrize("code, fragment", [
    ("91410100MA44C1234X", "校验位"),   # wrong check character
    ("91410100MA44C1234", "18位"),      # too short
    ("91410100MA44C1234WW", "18位"),    # too long
    ("91410100MA44I1234W", "18位"),     # I is not in the alphabet
    ("91410100MA44O1234W", "18位"),     # nor O
    ("", "18位"),
])
def test_invalid_credit_codes(code, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert fragment in exc.value.messages[0]


def test_check_char_matches_the_standard():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_check_char("91410100MA44C1234") == "W"


@pytest.mark.parametrize("mobile, ok", [
    ("13803710000", True), ("19912345678", True), ("15000000000", True),
    ("12803710000", False), ("1380371000", False), ("138037100001", False), ("1380371000a", False),
    ("", False), ("+8613803710000", False),
])
def test_mobile(mobile, ok):
    if ok:
        validate_mobile(mobile)
    else:
        with pytest.raises(ValidationError) as exc:
            validate_mobile(mobile)
        assert CHINESE.search(exc.value.messages[0])


@pytest.mark.parametrize("code, ok", [
    ("ABC123", True), ("zz00010001", True), ("A" * 20, True),
    ("ABC12", False), ("A" * 21, False), ("ZZ-00010", False), ("ZZ 00010", False), ("编码000001", False), ("", False),
])
def test_boss_code(code, ok):
    if ok:
        validate_boss_code(code)
    else:
        with pytest.raises(ValidationError) as exc:
            validate_boss_code(code)
        assert "6-20" in exc.value.messages[0]


def channel(svc, **overrides):
    base = Channel.objects.get(node_code="ZZ-JS-0002")
    base.pk = None
    base.boss_code = None
    base.node_code = "ZZ-JS-8888"
    base.status = Channel.Status.DRAFT
    for field, value in overrides.items():
        setattr(base, field, value)
    return base


def test_a_well_formed_channel_passes(svc):
    channel(svc).full_clean()


@pytest.mark.parametrize("overrides, field", [
    ({"node_code": "ZZ-ZY-8888"}, "node_code"),
    ({"node_code": "ZZJS8888"}, "node_code"),
    ({"contract_end": __import__("datetime").date(2025, 12, 31)}, "contract_end"),
    ({"operator_company": ""}, "operator_company"),
    ({"credit_code": ""}, "credit_code"),
    ({"bank_name": ""}, "bank_name"),
    ({"bank_account": ""}, "bank_account"),
    ({"deposit": -1}, "deposit"),
    ({"star_level": 6}, "star_level"),
    ({"star_level": 0}, "star_level"),
    ({"latitude": 91}, "latitude"),
    ({"contact_mobile": "123"}, "contact_mobile"),
])
def test_channel_checks(svc, overrides, field):
    with pytest.raises(ValidationError) as exc:
        channel(svc, **overrides).full_clean()
    assert field in exc.value.message_dict
    assert CHINESE.search(exc.value.message_dict[field][0]), exc.value.message_dict[field]


def test_own_channel_needs_no_money_fields(svc):
    channel(svc, channel_type="own_hall", operator_company="", credit_code="", bank_name="", bank_account="",
            deposit=0).full_clean()


def test_status_moves_only_along_transitions(svc):
    from governance.services import channel_set_status

    closed = channel(svc, status=Channel.Status.CLOSED)
    closed.save()
    with pytest.raises(ValidationError) as exc:
        channel_set_status(channel=closed, status=Channel.Status.ACTIVE, user=svc.user("admin"), post_name="",
                           reason="")
    assert "已关闭" in exc.value.messages[0]
    assert Channel.TRANSITIONS[Channel.Status.CLOSED] == set()


@pytest.mark.parametrize("account", ["12345678", "6222020200112233445", "1" * 34])
def test_bank_account_digits(account):
    validate_bank_account(account)


@pytest.mark.parametrize("account, fragment", [
    ("6222 0202 0011 2233 445", "空格"),   # spaces are refused, not stripped
    ("6222020200112233445 ", "空格"),
    ("6222\u30000202", "空格"),            # an ideographic space too
    ("1234567", "8-34位"),
    ("1" * 35, "8-34位"),
    ("6222-0202-0011", "8-34位"),
    ("６２２２０２０２００", "8-34位"),     # full-width digits are not digits here
])
def test_bank_account_refused(account, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_bank_account(account)
    assert fragment in exc.value.messages[0]


def test_channel_refuses_a_bank_account_with_spaces(svc):
    with pytest.raises(ValidationError) as exc:
        channel(svc, bank_account="6222 0202 0011 2233").full_clean()
    assert "空格" in exc.value.message_dict["bank_account"][0]


def test_star_level_is_one_of_five_stars_and_reads_n_stars(svc):
    assert star_label(4) == "4星" and star_label(None) == ""
    assert channel(svc, star_level=4).get_star_level_display() == "4星"
    with pytest.raises(ValidationError) as exc:
        channel(svc, star_level=0).full_clean()
    assert exc.value.message_dict["star_level"] == ["星级应为1星至5星。"]
