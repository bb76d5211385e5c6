"""Models of governance: the org tree and posts, and the channel registry."""
from .channels import CORE_FIELDS, FINANCE_FIELDS, SOCIAL_CHANNEL_TYPES, Channel, ChannelType
from .notifications import Notification
from .org import OrgUnit, Post, PostAssignment, PostAssignmentQuerySet
from .outbound import (
    Certificate, CertificateEvent, CertificateReminder, CertificateStatus, CourseLevel, ExamLevel, OutboundAgent,
    OutboundDemand, OutboundSettings, PostLevel,
)

__all__ = [
    "CORE_FIELDS", "FINANCE_FIELDS", "SOCIAL_CHANNEL_TYPES", "Channel", "ChannelType",
    "OrgUnit", "Post", "PostAssignment", "PostAssignmentQuerySet",
    "Notification",
    "Certificate", "CertificateEvent", "CertificateReminder", "CertificateStatus", "CourseLevel", "ExamLevel",
    "OutboundAgent", "OutboundDemand", "OutboundSettings", "PostLevel",
]
