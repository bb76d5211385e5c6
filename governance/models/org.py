"""Org tree (组织), posts (岗位) and who holds which post where (任职)."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords


class OrgUnit(models.Model):
    """An org unit; `path` is a materialised path ("HA/ZZ/ZZ-JS/") so a subtree is one prefix query."""

    class Tier(models.TextChoices):
        PROVINCE = "province", "省公司"
        CITY = "city", "地市分公司"
        COUNTY = "county", "区县分公司"
        CENTRE = "centre", "营服中心"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    tier = models.CharField("层级", max_length=16, choices=Tier.choices)
    parent = models.ForeignKey("self", verbose_name="上级单位", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("深度", default=0, editable=False)

    history = HistoricalRecords()  # every change of the tree is in the audit log: who, when, before → after

    class Meta:
        verbose_name = verbose_name_plural = "组织单位"
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.pk and self.parent_id and self.parent.path.startswith(self.path_before_save() or "\0"):
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位。"})

    def path_before_save(self) -> str | None:
        return OrgUnit.objects.filter(pk=self.pk).values_list("path", flat=True).first() if self.pk else None

    @transaction.atomic
    def save(self, *args, **kwargs):
        old_path = self.path_before_save()
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        self.depth = self.path.count("/") - 1
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            self._move_subtree(old_path)

    def _move_subtree(self, old_path: str):
        """A unit moved or recoded: its descendants' paths follow it."""
        moved = list(OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
        for unit in moved:
            unit.path = self.path + unit.path[len(old_path):]
            unit.depth = unit.path.count("/") - 1
        OrgUnit.objects.bulk_update(moved, ["path", "depth"])

    @property
    def ancestor_paths(self) -> list[str]:
        """Own path first, then each ancestor's, nearest first."""
        parts = self.path.strip("/").split("/")
        return ["/".join(parts[:i]) + "/" for i in range(len(parts), 0, -1)]

    def ancestors(self, include_self=True):
        paths = self.ancestor_paths if include_self else self.ancestor_paths[1:]
        return OrgUnit.objects.filter(path__in=paths).order_by("-depth")

    def descendants(self, include_self=True):
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def is_within(self, other: "OrgUnit") -> bool:
        return self.path.startswith(other.path)


class Post(models.Model):
    """A post (岗位) such as 渠道主管; approvers are found by post and unit, never by name."""

    code = models.SlugField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32)
    read_only = models.BooleanField("只读岗位", default=False, help_text="如审计:可查看与导出,不能审批。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "岗位"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class PostAssignmentQuerySet(models.QuerySet):
    def valid_on(self, day=None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))


class PostAssignment(models.Model):
    """A user holds a post in a unit, from one date to another (任职)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="post_assignments")
    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.PROTECT, related_name="assignments")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="组织单位", on_delete=models.PROTECT,
                                 related_name="post_assignments")
    valid_from = models.DateField("生效日期", default=timezone.localdate)
    valid_to = models.DateField("失效日期", null=True, blank=True)

    objects = PostAssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "任职"
        indexes = [models.Index(fields=["post", "org_unit"])]

    def __str__(self):
        return f"{self.user} · {self.org_unit} · {self.post}"

    def clean(self):
        if self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "失效日期不能早于生效日期。"})


class Substitution(models.Model):
    """Out of office (外出/休假): from one date to another, new tasks of `user` go to `substitute`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="外出人员", on_delete=models.PROTECT,
                             related_name="substitutions")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="代理人", on_delete=models.PROTECT,
                                   related_name="substituting")
    starts = models.DateField("开始日期")
    ends = models.DateField("结束日期")
    note = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "外出代理"
        indexes = [models.Index(fields=["substitute", "starts", "ends"]), models.Index(fields=["user", "ends"])]

    def __str__(self):
        return f"{self.user} → {self.substitute}({self.starts:%Y-%m-%d}–{self.ends:%Y-%m-%d})"

    def clean(self):
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": "结束日期不能早于开始日期。"})
        if self.user_id and self.user_id == self.substitute_id:
            raise ValidationError({"substitute": "代理人不能是本人。"})
