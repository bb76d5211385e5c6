"""Field validators for channel data; messages are defined once, in Chinese."""
import re

from django.core.exceptions import ValidationError

# GB 32100-2015 统一社会信用代码: 18 characters, the last a check character.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
BOSS_CODE_RE = re.compile(r"^[A-Za-z0-9]{6,20}$")
BANK_ACCOUNT_RE = re.compile(r"^[0-9]{8,34}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARSET for c in code):
        raise ValidationError("统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)。", code="credit_code")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确,请核对。", code="credit_code_check")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError("联系手机号应为以1开头的11位数字。", code="mobile")


def validate_boss_code(value: str) -> None:
    if not BOSS_CODE_RE.match(value or ""):
        raise ValidationError("BOSS渠道编码应为6-20位字母或数字。", code="boss_code")


def validate_bank_account(value: str) -> None:
    """8-34 digits exactly as stored: spaces and dashes are refused, never silently stripped."""
    if value and any(c.isspace() for c in value):
        raise ValidationError("银行账号不能包含空格,请连续填写8-34位数字。", code="bank_account_space")
    if not BANK_ACCOUNT_RE.match(value or ""):
        raise ValidationError("银行账号应为8-34位数字。", code="bank_account")
