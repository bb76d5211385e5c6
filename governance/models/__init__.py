"""Models of governance: the org tree and posts, and the channel registry."""
from .channels import CORE_FIELDS, FINANCE_FIELDS, SOCIAL_CHANNEL_TYPES, Channel, ChannelType
from .org import OrgUnit, Post, PostAssignment, PostAssignmentQuerySet
from .tokens import ApiToken

__all__ = [
    "CORE_FIELDS", "FINANCE_FIELDS", "SOCIAL_CHANNEL_TYPES", "Channel", "ChannelType",
    "OrgUnit", "Post", "PostAssignment", "PostAssignmentQuerySet", "ApiToken",
]
