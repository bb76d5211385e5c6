"""常用意见: services and the selector for a person's stock opinions (their own only)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from .models import MAX_OPINIONS, StockOpinion

BUILT_IN = ["同意。", "资料齐全,同意。", "请补充材料后重新提交。", "不符合准入条件,不同意。"]


def own_opinions(*, user) -> QuerySet:
    """The person's own stock opinions (nobody sees another's)."""
    return StockOpinion.objects.filter(user=user)


def opinions_of(*, user) -> list[str]:
    """The texts offered in the opinion box: the person's own, then the built-in ones they lack."""
    own = list(own_opinions(user=user).values_list("text", flat=True))
    return own + [t for t in BUILT_IN if t not in own]


@transaction.atomic
def opinion_add(*, user, text: str) -> StockOpinion:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写意见内容。"})
    if len(text) > 200:
        raise ValidationError({"text": "意见最多 200 个字。"})
    if own_opinions(user=user).filter(text=text).exists():
        raise ValidationError({"text": "已有相同的常用意见。"})
    if own_opinions(user=user).count() >= MAX_OPINIONS:
        raise ValidationError({"text": f"常用意见最多 {MAX_OPINIONS} 条,请先删除不用的。"})
    opinion = StockOpinion(user=user, text=text)
    opinion.full_clean()
    opinion.save()
    return opinion


def opinion_delete(*, user, opinion_id) -> None:
    """Someone else's opinion does not exist for this user (404)."""
    deleted, _ = own_opinions(user=user).filter(pk=opinion_id).delete()
    if not deleted:
        raise Http404("常用意见不存在。")
