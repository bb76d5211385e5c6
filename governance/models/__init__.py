"""Models of governance: the org tree and posts, and the channel registry."""
from .attachments import Attachment
from .calendar import CalendarDay
from .channels import CORE_FIELDS, FINANCE_FIELDS, SOCIAL_CHANNEL_TYPES, STAR_LEVELS, Channel, ChannelType, star_label
from .notifications import EVENTS, Notification, NotificationPreference
from .org import OrgUnit, Post, PostAssignment, PostAssignmentQuerySet, Substitution
from .tokens import ApiToken
from .outbound import (
    Certificate, CertificateEvent, CertificateReminder, CertificateStatus, CourseLevel, ExamLevel, OutboundAgent,
    OutboundDemand, OutboundSettings, PostLevel,
)

__all__ = [
    "Attachment", "CalendarDay", "Substitution",
    "CORE_FIELDS", "FINANCE_FIELDS", "SOCIAL_CHANNEL_TYPES", "STAR_LEVELS", "Channel", "ChannelType", "star_label",
    "OrgUnit", "Post", "PostAssignment", "PostAssignmentQuerySet",
    "EVENTS", "Notification", "NotificationPreference", "ApiToken",
    "Certificate", "CertificateEvent", "CertificateReminder", "CertificateStatus", "CourseLevel", "ExamLevel",
    "OutboundAgent", "OutboundDemand", "OutboundSettings", "PostLevel",
]
