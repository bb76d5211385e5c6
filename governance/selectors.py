"""Who may see what: the one scoping selector every page, API view and export goes through."""
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from guardian.models import UserObjectPermission

from . import posts
from .filters import ChannelFilter
from .models import Channel, OrgUnit, Post, PostAssignment, Substitution


def assignments_of(user) -> list[PostAssignment]:
    """The user's posts valid today, cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_valid_assignments", None)
    if cached is None:
        cached = list(PostAssignment.objects.valid_on().filter(user=user).select_related("post", "org_unit"))
        user._valid_assignments = cached
    return cached


def covered_assignments(user) -> list[PostAssignment]:
    """Posts the user covers today as someone's substitute (外出代理): the absentees' valid assignments."""
    if not user or not user.is_authenticated:
        return []
    cached = getattr(user, "_covered_assignments", None)
    if cached is None:
        today = timezone.localdate()
        absent = Substitution.objects.filter(substitute=user, starts__lte=today, ends__gte=today).values("user_id")
        cached = list(PostAssignment.objects.valid_on().filter(user_id__in=absent).select_related("post", "org_unit",
                                                                                                  "user"))
        user._covered_assignments = cached
    return cached


def substitute_of(user_id: int, day=None):
    """Who stands in for the user on `day` (their substitute while out of office), or None."""
    day = day or timezone.localdate()
    found = Substitution.objects.filter(user_id=user_id, starts__lte=day, ends__gte=day).select_related(
        "substitute").order_by("-starts").first()
    return found.substitute if found else None


def substitutes_of(users, day=None) -> dict:
    """user id → who stands in for them on `day`, for those out of office (one query)."""
    day = day or timezone.localdate()
    found = Substitution.objects.filter(user__in=[u.pk for u in users], starts__lte=day, ends__gte=day) \
        .select_related("substitute").order_by("starts")
    return {s.user_id: s.substitute for s in found}


def holds_post(user, post_code: str, unit: OrgUnit) -> bool:
    return any(a.post.code == post_code and a.org_unit_id == unit.pk for a in assignments_of(user))


def may_create_channel(user) -> bool:
    """Whether to offer 新增渠道 at all: a holder of a CHANNEL_CREATORS post somewhere, or a superuser.
    The service still checks the post against the channel's unit."""
    if not user or not user.is_authenticated:
        return False
    return user.is_superuser or any(a.post.code in posts.CHANNEL_CREATORS for a in assignments_of(user))


def can_act(user) -> bool:
    """Auditors and the like read everything and act on nothing."""
    posts = assignments_of(user)
    return user.is_authenticated and any(not a.post.read_only for a in posts)


def scope_paths(user) -> list[str] | None:
    """Paths of the subtrees the user sees; None means the whole tree."""
    if user.is_superuser:
        return None
    return sorted({a.org_unit.path for a in assignments_of(user)})


def scope_unit_ids(user) -> list[int] | None:
    """Ids of the units the user sees (one small query, cached per request); None means every unit."""
    cached = getattr(user, "_scope_unit_ids", False)
    if cached is not False:
        return cached
    paths = scope_paths(user)
    if paths is None or (any(p.count("/") == 1 for p in paths) and OrgUnit.objects.filter(parent=None).count() == 1):
        ids = None
    else:
        ids = list(units_in_scope(user).values_list("pk", flat=True))
    user._scope_unit_ids = ids
    return ids


def scope_q(user, *unit_fields: str) -> Q:
    """Filters by unit ids, not by a join on paths, so the planner can use each unit-field index."""
    ids = scope_unit_ids(user)
    if ids is None:
        return Q()
    q = Q(pk__in=[])
    for field in unit_fields:
        q |= Q(**{f"{field}_id__in": ids})
    return q


def _granted_ids(user, model) -> list[int]:
    """Per-object view grants (django-guardian), e.g. a delegate on one request; cached per request."""
    cache = user.__dict__.setdefault("_granted_ids", {})
    if model not in cache:
        content_type = ContentType.objects.get_for_model(model)
        cache[model] = [
            int(pk) for pk in UserObjectPermission.objects.filter(
                user_id=user.pk, content_type=content_type, permission__codename=f"view_{model._meta.model_name}"
            ).values_list("object_pk", flat=True)
        ]
    return cache[model]


def scoped(queryset: QuerySet, user, *unit_fields: str, also: dict[str, Q] | None = None) -> QuerySet:
    """Objects of `queryset` whose unit (any of `unit_fields`) lies in the user's subtrees, plus per-object
    grants. `also` maps a further unit field to the condition under which it counts too (a transfer's
    receiving unit sees the request only while it is open)."""
    if not user or not user.is_authenticated:
        return queryset.none()
    unit_fields = unit_fields or ("org_unit",)
    q = scope_q(user, *unit_fields)
    if not q:
        return queryset
    for field, condition in (also or {}).items():
        q |= scope_q(user, field) & condition
    granted = _granted_ids(user, queryset.model)
    return queryset.filter(q | Q(pk__in=granted) if granted else q)


def get_scoped_or_404(queryset: QuerySet, user, *unit_fields: str, **lookup):
    try:
        return scoped(queryset, user, *unit_fields).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("对象不存在或不在您的数据范围内。")


def units_in_scope(user) -> QuerySet:
    paths = scope_paths(user)
    if paths is None:
        return OrgUnit.objects.all()
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return OrgUnit.objects.filter(q)


POST_NAMES_KEY = "governance:post-names"
POST_NAMES_TTL = 60  # s; a save or delete of a Post clears it at once (governance.signals)


def post_names() -> dict[str, str]:
    """Post code → Chinese name, for titles of steps and queues; cached (one approval asked three times)."""
    names = cache.get(POST_NAMES_KEY)
    if names is None:
        names = dict(Post.objects.values_list("code", "name"))
        cache.set(POST_NAMES_KEY, names, POST_NAMES_TTL)
    return names


def nearest_holder_unit(unit: OrgUnit, post_code: str) -> OrgUnit | None:
    """The unit itself or its nearest ancestor where someone validly holds the post."""
    holders = (
        PostAssignment.objects.valid_on()
        .filter(post__code=post_code, org_unit__path__in=unit.ancestor_paths)
        .select_related("org_unit")
        .order_by("-org_unit__depth")
    )
    first = holders.first()
    return first.org_unit if first else None


class PostHolders:
    """Who validly holds which of `posts` in the given units or above them, read in one query: what
    nearest_holder_unit answers for one unit and post, for a whole plan at once."""

    def __init__(self, units, posts):
        paths = {path for unit in units for path in unit.ancestor_paths}
        self.rows = list(PostAssignment.objects.valid_on().filter(post__code__in=set(posts), org_unit__path__in=paths)
                         .values_list("post__code", "org_unit_id", "org_unit__path", "org_unit__depth", "user_id"))

    def _above(self, unit: OrgUnit, post_code: str) -> list[tuple]:
        paths = set(unit.ancestor_paths)
        return [row for row in self.rows if row[0] == post_code and row[2] in paths]

    def nearest_unit_id(self, unit: OrgUnit, post_code: str) -> int | None:
        """The unit itself or its nearest ancestor where someone holds the post (nearest_holder_unit)."""
        rows = self._above(unit, post_code)
        return max(rows, key=lambda row: row[3])[1] if rows else None

    def users(self, unit: OrgUnit, post_code: str) -> set[int]:
        return {row[4] for row in self._above(unit, post_code)}


def filtered(filterset_class, queryset: QuerySet, filters) -> QuerySet:
    """`queryset` narrowed by a django-filter FilterSet; invalid values raise ValidationError with the
    form's messages (Chinese), which the API maps to 400. Unknown keys are ignored, as in a query string."""
    if filters is None:
        return queryset
    filterset = filterset_class(data=filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors.as_data())
    return filterset.qs


def channel_list(*, user, filters=None) -> QuerySet:
    """渠道清单: the channels the user may see, newest first, narrowed by the API's ChannelFilter.

    GET /api/v1/channels/ and the channels export both call this, so they hold the same rows."""
    queryset = scoped(Channel.objects.select_related("org_unit"), user).order_by("-id")
    return filtered(ChannelFilter, queryset, filters)
