"""viewflow ships an empty zh_Hans catalogue; the project's locale/zh_Hans one must translate its strings."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _reset_translation_caches():
    trans_real._translations.clear()
    trans_real._default = None


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """*.mo is gitignored: compile it when a fresh checkout has only the .po."""
    if not (CATALOGUE / "django.mo").exists():
        call_command("compilemessages", locale=["zh_Hans"], ignore_patterns=[".venv"], verbosity=0)
        _reset_translation_caches()
    assert (CATALOGUE / "django.mo").exists()
    yield


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def test_status_labels_are_chinese(zh):
    from viewflow.workflow.status import PROCESS, STATUS

    assert {member: str(member.label) for member in STATUS} == {
        STATUS.ASSIGNED: "已签收",
        STATUS.CANCELED: "已取消",
        STATUS.DONE: "已完成",
        STATUS.ERROR: "出错",
        STATUS.NEW: "待处理",
        STATUS.REVIVED: "已恢复",
        STATUS.SCHEDULED: "已计划",
        STATUS.STARTED: "处理中",
    }
    assert [str(member.label) for member in PROCESS] == ["已取消", "已完成", "待处理"]


def test_other_viewflow_strings_are_chinese(zh):
    from viewflow.workflow.models import Process, Task

    assert [translation.gettext(s) for s in ("Inbox", "Queue", "Archive")] == ["待办", "待签收", "已办"]
    assert [translation.gettext(s) for s in ("Assign", "Unassign")] == ["签收", "取消签收"]
    assert str(Process._meta.get_field("flow_class").verbose_name) == "流程定义"
    assert str(Task._meta.get_field("flow_task").verbose_name) == "任务"
    # context-free "New" (a form title) is distinct from pgettext("STATUS", "New")
    assert translation.gettext("New") != translation.pgettext("STATUS", "New") == "待处理"


def test_placeholders_survive_translation(zh):
    assert translation.gettext("Task {task} has been assigned.").format(task="#7") == "任务 #7 已签收。"
    assert translation.gettext("%(user)s have no rights to access this page") % {"user": "张三"} == "张三 无权访问此页面"


def test_english_is_untouched():
    from viewflow.workflow.status import STATUS

    with translation.override("en"):
        assert str(STATUS.NEW.label) == "New"
