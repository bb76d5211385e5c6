"""外呼资格认证 (outbound certification): the city's 外呼运营 applies for an agent at a level; training completed
(its course level must match), the exam score (each level's pass mark is data), a recorded-call quality check by
the city (一级) and by the province (二级), then the province grants the certificate with its validity. A failed
exam or QA ends the application as rejected with the reason; a recertification before expiry extends the
certificate."""
from datetime import timedelta

from django import forms
from django.utils import timezone
from rest_framework import serializers

from governance import posts
from governance.models import Certificate, CourseLevel, OutboundAgent, PostLevel
from governance.outbound import certificate_grant, certification_check, exam_level, exam_passes, training_record
from governance.outbound_selectors import agent_list

from ..forms import RequestForm
from ..registry import register_kind
from .base import Column, CommentInput, ProcessKind, Rejection, Request, StepContext, StepKind

VALIDITY = timedelta(days=730)  # a certificate's default validity: two years
QA_RESULTS = [("pass", "合格"), ("fail", "不合格")]


class CertificationStartInput(CommentInput):
    agent = serializers.IntegerField(label="外呼人员")
    level = serializers.ChoiceField(choices=PostLevel.choices, label="申请等级")


class TrainingInput(CommentInput):
    course_level = serializers.ChoiceField(choices=CourseLevel.choices, label="完成课程等级")


class ExamInput(CommentInput):
    score = serializers.IntegerField(min_value=0, max_value=100, label="考试成绩")


class QaInput(CommentInput):
    qa_result = serializers.ChoiceField(choices=QA_RESULTS, label="录音质检结果")


class GrantInput(CommentInput):
    valid_from = serializers.DateField(required=False, label="生效日期", help_text="默认今天。")
    valid_to = serializers.DateField(required=False, label="到期日期", help_text="默认两年。")


def _agent(process) -> OutboundAgent:
    return OutboundAgent.objects.select_related("org_unit").get(pk=process.subject_id)


def _level(process) -> int:
    return int(process.payload["level"])


class TrainingStep(StepKind):
    code, label, actions, approve_label = "training", "培训完成", ("approve",), "确认培训完成"
    event, event_label, signs = "training", "培训完成", False
    input_class = TrainingInput

    def perform(self, ctx: StepContext) -> str:
        required = training_record(application_agent=_agent(ctx.process), level=_level(ctx.process),
                                   course_level=ctx.data["course_level"])
        ctx.process.payload = {**ctx.process.payload, "course_level": ctx.data["course_level"]}
        return ctx.comment or f"已完成{required.get_course_level_display()}课程。"


class ExamStep(StepKind):
    code, label, actions, approve_label = "exam", "考试", ("approve",), "录入成绩"
    event, event_label, signs = "exam", "考试成绩", False
    input_class = ExamInput

    def perform(self, ctx: StepContext):
        level, score = _level(ctx.process), ctx.data["score"]
        ctx.process.payload = {**ctx.process.payload, "score": score}
        mark = exam_level(level).pass_mark
        if not exam_passes(level=level, score=score):
            return Rejection(f"考试成绩 {score} 分,低于{PostLevel(level).label}及格线 {mark} 分,认证未通过。")
        return ctx.comment or f"考试成绩 {score} 分(及格线 {mark} 分)。"


class QaStep(StepKind):
    code, label, actions, approve_label = "qa", "录音质检", ("approve",), "提交质检结果"
    event, event_label = "qa", "录音质检"
    input_class = QaInput

    def perform(self, ctx: StepContext):
        results = {**ctx.process.payload.get("qa", {}), ctx.step.get("label") or self.label: ctx.data["qa_result"]}
        ctx.process.payload = {**ctx.process.payload, "qa": results}
        if ctx.data["qa_result"] == "fail":
            return Rejection(f"{ctx.step.get('label') or self.label}不合格,认证未通过。{ctx.comment}".strip())
        return ctx.comment or "录音质检合格。"


class GrantStep(StepKind):
    code, label, actions, approve_label = "grant", "发证", ("approve", "reject"), "发证"
    event, event_label = "grant", "发证"
    input_class = GrantInput

    def perform(self, ctx: StepContext) -> str:
        start = ctx.data.get("valid_from") or timezone.localdate()
        end = ctx.data.get("valid_to") or start + VALIDITY - timedelta(days=1)
        certificate = certificate_grant(agent=_agent(ctx.process), level=_level(ctx.process), valid_from=start,
                                        valid_to=end, user=ctx.user, reason=f"认证通过({ctx.process.number})")
        ctx.process.payload = {**ctx.process.payload, "certificate": certificate.pk,
                               "valid_from": certificate.valid_from.isoformat(),
                               "valid_to": certificate.valid_to.isoformat()}
        return ctx.comment or f"发放{certificate.get_level_display()}证书,有效期至 {certificate.valid_to:%Y-%m-%d}。"


class ApplyForm(RequestForm):
    level = forms.TypedChoiceField(label="申请等级", choices=PostLevel.choices, coerce=int)
    comment = forms.CharField(label="申请说明", required=False, max_length=2000)

    def start_data(self) -> dict:
        return {"agent": self.subject.pk, "level": self.cleaned_data["level"], "comment": self.cleaned_data["comment"]}


def _step_form(*fields):
    """A page form of a certification step with the given fields, as the service takes them."""
    declared = {name: field for name, field in fields}

    def service_data(self):
        return {name: self.cleaned_data[name] for name in declared if self.cleaned_data.get(name) not in (None, "")}

    return type("CertificationStepForm", (RequestForm,), {**declared, "service_data": service_data})


TrainingStep.form_class = _step_form(("course_level", forms.TypedChoiceField(label="完成课程等级", coerce=int,
                                                                             choices=CourseLevel.choices)))
ExamStep.form_class = _step_form(("score", forms.IntegerField(label="考试成绩", min_value=0, max_value=100)))
QaStep.form_class = _step_form(("qa_result", forms.ChoiceField(label="录音质检结果", choices=QA_RESULTS)))
GrantStep.form_class = _step_form(
    ("valid_from", forms.DateField(label="生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))),
    ("valid_to", forms.DateField(label="到期日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))))


class Certification(ProcessKind):
    code = "certification"
    label = "外呼资格认证"
    prefix = "RZ"
    subject_model = OutboundAgent
    subject_field = "agent"
    subject_noun = "外呼人员"
    requester_posts = frozenset({posts.OUTBOUND_OPS})
    start_input = CertificationStartInput
    start_form = ApplyForm
    start_label = "申请资格认证"
    steps = (TrainingStep(), ExamStep(), QaStep(), GrantStep())
    columns = (Column("外呼人员工号", lambda p: p.payload.get("employee_no", ""), 12),
               Column("申请等级", lambda p: PostLevel(int(p.payload["level"])).label if p.payload.get("level") else "", 8))
    template = "workflows/kinds/certification.html"
    document_template = "reports/kinds/certification.html"

    def subjects(self, user):
        return agent_list(user=user)

    def title_of(self, agent) -> str:
        return f"{agent.name}({agent.employee_no})"

    def subject_url(self, agent) -> str:
        return f"/outbound/agents/{agent.pk}/"

    def may_start_on(self, agent) -> bool:
        return agent.active

    def prepare(self, *, subject: OutboundAgent, data, user) -> Request:
        level = data.get("level")
        certification_check(user=user, agent=subject, level=level)
        current = subject.certificates.filter(is_current=True).first()
        recert = bool(current and current.status_on(timezone.localdate()) in Certificate.EXTENDABLE)
        return Request(payload={"level": level, "employee_no": subject.employee_no, "recertification": recert},
                       title=self.title_of(subject))

    def complete(self, *, process) -> str:
        return f"认证完成:{PostLevel(_level(process)).label}证书有效期 {process.payload.get('valid_from')} 至 " \
               f"{process.payload.get('valid_to')}。"

    def detail(self, process, user) -> dict:
        return {"agent": process.subject_id, "level": _level(process), "result": _result(process)}

    def page_context(self, process, user) -> dict:
        return {"agent": _agent(process), "result": _result(process)}

    def document_context(self, process) -> dict:
        agent, result = _agent(process), _result(process)
        return {"info": [[("外呼人员", self.title_of(agent)), ("所属单位", agent.org_unit.name)],
                         [("申请等级", result["level"]), ("类型", "到期前复审" if result["recertification"] else "新申请")]],
                "content": result}


def _result(process) -> dict:
    """What the application recorded so far: training, exam, both QA results and the certificate granted."""
    data = process.payload
    course = data.get("course_level")
    return {"level": PostLevel(_level(process)).label, "recertification": data.get("recertification", False),
            "course": CourseLevel(course).label if course else "", "score": data.get("score"),
            "qa": [{"step": step, "result": dict(QA_RESULTS)[value]} for step, value in data.get("qa", {}).items()],
            "certificate": data.get("certificate"), "valid_from": data.get("valid_from", ""),
            "valid_to": data.get("valid_to", "")}


CERTIFICATION = register_kind(Certification())
