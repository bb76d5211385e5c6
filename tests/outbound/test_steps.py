"""Checks the certification flow's steps call: who may apply, training course level, exam pass mark."""
import pytest
from django.core.exceptions import ValidationError

from governance.errors import NotAllowed
from governance.models import ExamLevel
from governance.outbound import certification_check, exam_passes, training_record

from .conftest import LY_AGENT, UNCERTIFIED, agent, in_state, person


@pytest.mark.parametrize("level, course_level, ok", [(1, 1, True), (2, 2, True), (2, 1, False), (4, 3, False)])
def test_training_course_level_must_match(outbound, level, course_level, ok):
    if ok:
        required = training_record(application_agent=agent(UNCERTIFIED), level=level, course_level=course_level)
        assert required.level == level
        return
    with pytest.raises(ValidationError) as caught:
        training_record(application_agent=agent(UNCERTIFIED), level=level, course_level=course_level)
    assert "course_level" in caught.value.message_dict
    assert "陈静" in caught.value.message_dict["course_level"][0]


def test_course_level_follows_the_data(outbound):
    ExamLevel.objects.filter(level=2).update(course_level=3)
    assert training_record(application_agent=agent(UNCERTIFIED), level=2, course_level=3).course_level == 3
    with pytest.raises(ValidationError):
        training_record(application_agent=agent(UNCERTIFIED), level=2, course_level=2)


@pytest.mark.parametrize("level, score, passes", [(1, 60, True), (1, 59, False), (2, 70, True), (2, 69, False),
                                                  (4, 80, True), (4, 100, True), (3, 0, False)])
def test_exam_pass_marks_from_the_data(outbound, level, score, passes):
    assert exam_passes(level=level, score=score) is passes


def test_a_changed_pass_mark_changes_the_outcome(outbound):
    assert exam_passes(level=1, score=65) is True
    ExamLevel.objects.filter(level=1).update(pass_mark=70)
    assert exam_passes(level=1, score=65) is False


@pytest.mark.parametrize("score", [-1, 101, "80", 80.5, None, True])
def test_exam_score_must_be_0_to_100(outbound, score):
    with pytest.raises(ValidationError) as caught:
        exam_passes(level=1, score=score)
    assert "score" in caught.value.message_dict


@pytest.mark.parametrize("level", [0, 5, "2", None])
def test_unknown_levels(outbound, level):
    with pytest.raises(ValidationError) as caught:
        exam_passes(level=level, score=90)
    assert "level" in caught.value.message_dict


def test_a_level_without_data_is_refused(outbound):
    ExamLevel.objects.filter(level=3).delete()
    with pytest.raises(ValidationError) as caught:
        exam_passes(level=3, score=90)
    assert "尚未配置" in caught.value.message_dict["level"][0]


def test_who_may_apply(outbound):
    certification_check(user=person("zz_outbound"), agent=agent(UNCERTIFIED), level=1)
    certification_check(user=person("ly_outbound"), agent=agent(LY_AGENT), level=2)
    for username, employee_no in [("zz_outbound", LY_AGENT), ("zz_manager", UNCERTIFIED),
                                  ("auditor", UNCERTIFIED), ("prov_outbound_qa", UNCERTIFIED)]:
        with pytest.raises(NotAllowed):
            certification_check(user=person(username), agent=agent(employee_no), level=1)


def test_no_application_for_a_suspended_or_inactive_agent(outbound):
    suspended = in_state("suspended")
    with pytest.raises(ValidationError):
        certification_check(user=person("zz_outbound"), agent=suspended.agent, level=1)
    idle = agent(UNCERTIFIED)
    idle.active = False
    idle.save()
    with pytest.raises(ValidationError):
        certification_check(user=person("zz_outbound"), agent=idle, level=1)
