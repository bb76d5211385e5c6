"""Models of governance: the org tree and posts, and the channel registry."""
from .attachments import Attachment
from .channels import CORE_FIELDS, FINANCE_FIELDS, SOCIAL_CHANNEL_TYPES, STAR_LEVELS, Channel, ChannelType, star_label
from .org import OrgUnit, Post, PostAssignment, PostAssignmentQuerySet

__all__ = [
    "Attachment",
    "CORE_FIELDS", "FINANCE_FIELDS", "SOCIAL_CHANNEL_TYPES", "STAR_LEVELS", "Channel", "ChannelType", "star_label",
    "OrgUnit", "Post", "PostAssignment", "PostAssignmentQuerySet",
]
