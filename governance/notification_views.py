"""Pages of in-app notifications: the list (mark one or all read) and each person's choices."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.paging import CappedPaginator as Paginator

from .notifications import (notification_mark_read, notifications_mark_all_read, notifications_of,
                            preferences_of, preferences_set)

PAGE_SIZE = 20


@login_required
def notification_list(request):
    unread = request.GET.get("unread") == "1"
    page = Paginator(notifications_of(user=request.user, unread=unread), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/notifications.html", {"page": page, "unread_only": unread})


@login_required
@require_POST
def notification_read(request, pk):
    notification = notification_mark_read(user=request.user, notification_id=pk)
    if notification.link and request.POST.get("open"):
        return redirect(notification.link)
    return redirect("governance:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect("governance:notifications")


class PreferencesForm(forms.Form):
    """One pair of boxes (站内 / 邮件) per event."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"{row['event']}:in_app"] = forms.BooleanField(label=f"{row['label']}(站内)", required=False,
                                                                       initial=row["in_app"])
            self.fields[f"{row['event']}:email"] = forms.BooleanField(label=f"{row['label']}(邮件)", required=False,
                                                                      initial=row["email"])

    def choices(self) -> dict:
        return {row["event"]: (self.cleaned_data[f"{row['event']}:in_app"], self.cleaned_data[f"{row['event']}:email"])
                for row in self.rows}


@login_required
def notification_settings(request):
    rows = preferences_of(user=request.user)
    form = PreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        preferences_set(user=request.user, choices=form.choices())
        messages.success(request, "通知设置已保存。")
        return redirect("governance:notification_settings")
    pairs = [(row, form[f"{row['event']}:in_app"], form[f"{row['event']}:email"]) for row in rows]
    return render(request, "governance/notification_settings.html", {"form": form, "pairs": pairs,
                                                                       "has_email": bool(request.user.email)})
