"""The channel's whole life on one timeline (渠道生命周期): its entry, every request about it (新增, 变更,
暂停/恢复, 退出 …) and every attachment uploaded, newest first. A fixed number of queries whatever its age:
its processes in the user's scope, and its attachments."""
from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from governance.attachments.selectors import attachments_of
from governance.display import person
from governance.models import Channel

from .selectors import processes_of_subject


@dataclass
class Entry:
    """One line of the timeline: when, what (title and detail), a state badge and a link."""

    at: datetime
    category: str  # 流程 / 附件 / 录入
    title: str
    detail: str = ""
    state: str = ""
    state_label: str = ""
    url: str = ""
    ended: datetime | None = None


def _process_entry(process) -> Entry:
    ended = process.finished or (None if process.is_open else process.updated)
    return Entry(at=process.created, category="流程", title=f"{process.get_kind_display()} {process.number}",
                 detail=process.comment[:100], state=process.state, state_label=process.get_state_display(),
                 url=reverse("workflows:process_detail", args=[process.pk]), ended=ended)


def _attachment_entry(attachment) -> Entry:
    detail = person(attachment.uploaded_by) + (f"({attachment.acting_post})" if attachment.acting_post else "")
    if attachment.step:
        detail += f" · {attachment.step}"
    return Entry(at=attachment.uploaded_at, category="附件",
                 title=f"上传{attachment.get_kind_display()}:{attachment.original_name}", detail=detail,
                 url=reverse("governance:attachment_file", args=[attachment.pk]))


def channel_timeline(*, user, channel: Channel, processes=None) -> list[Entry]:
    """Newest first. `processes` may be passed when the caller has already read them (one query less)."""
    if processes is None:
        processes = processes_of_subject(user=user, subject=channel)
    entries = [_process_entry(p) for p in processes]
    entries += [_attachment_entry(a) for a in attachments_of(channel=channel, user=user)]
    entries.append(Entry(at=channel.created_at, category="录入", title="录入渠道",
                         detail=person(channel.created_by)))
    return sorted(entries, key=lambda e: e.at, reverse=True)
