"""Certificates: the transition table, events with who and why, grants and recertification, who may act."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.errors import Conflict, NotAllowed
from governance.models import Certificate, CertificateEvent, CertificateStatus
from governance.models.outbound import status_q
from governance.outbound import certificate_grant, certificate_suspend

from tests.services.conftest import Svc

from .conftest import EXPIRING, MOVES, UNCERTIFIED, agent, certificate, days, grant, in_state, person

S = CertificateStatus
TARGET = {"suspend": S.SUSPENDED, "lift": S.VALID, "revoke": S.REVOKED}


def test_demo_certificates_and_their_grant_events(outbound):
    assert certificate("ZZ0001").status_on() == S.VALID
    assert certificate(EXPIRING).status_on() == S.EXPIRING
    assert not Certificate.objects.filter(agent__employee_no=UNCERTIFIED).exists()
    event = certificate("ZZ0001").events.get()
    assert (event.action, event.from_status, event.to_status) == ("grant", "", S.VALID)
    assert event.actor.username == "prov_outbound_qa" and event.post == "外呼质检/培训" and event.reason


@pytest.mark.parametrize("state", [S.PENDING, S.VALID, S.EXPIRING, S.SUSPENDED, S.EXPIRED, S.REVOKED])
@pytest.mark.parametrize("action", ["suspend", "lift", "revoke"])
def test_transition_table(outbound, state, action):
    cert = in_state(state)
    events_before = cert.events.count()
    allowed = TARGET[action] in Certificate.TRANSITIONS[state]
    qa = person("prov_outbound_qa")
    if not allowed:
        with pytest.raises(Conflict):
            MOVES[action](certificate=cert, user=qa, reason="测试原因")
        cert.refresh_from_db()
        assert cert.status_on() == state and cert.events.count() == events_before
        return
    MOVES[action](certificate=cert, user=qa, reason="录音抽检发现违规")
    cert.refresh_from_db()
    event = cert.events.order_by("-id").first()
    assert cert.events.count() == events_before + 1
    assert (event.action, event.from_status, event.actor.username, event.post, event.reason) == (
        action, state, "prov_outbound_qa", "外呼质检/培训", "录音抽检发现违规")
    assert event.to_status == cert.status_on()
    if action == "lift":
        assert cert.status == Certificate.Stored.ACTIVE and cert.status_reason == ""
    else:
        assert cert.status_on() == TARGET[action] and cert.status_reason == "录音抽检发现违规"


def test_the_table_allows_exactly_these_moves():
    allowed = {(state, target) for state, targets in Certificate.TRANSITIONS.items() for target in targets}
    assert allowed == {
        (S.PENDING, S.SUSPENDED), (S.PENDING, S.REVOKED), (S.VALID, S.SUSPENDED), (S.VALID, S.REVOKED),
        (S.EXPIRING, S.SUSPENDED), (S.EXPIRING, S.REVOKED), (S.SUSPENDED, S.VALID), (S.SUSPENDED, S.REVOKED),
    }


@pytest.mark.parametrize("reason", ["", "   ", None, "长" * 501])
def test_a_reason_is_required(outbound, reason):
    cert = certificate("ZZ0001")
    with pytest.raises(ValidationError) as caught:
        certificate_suspend(certificate=cert, user=person("prov_outbound_qa"), reason=reason)
    assert "reason" in caught.value.message_dict
    cert.refresh_from_db()
    assert cert.status == Certificate.Stored.ACTIVE and cert.events.count() == 1


@pytest.mark.parametrize("username", ["zz_outbound", "auditor", "prov_support", "admin", "zz_supervisor"])
def test_only_the_province_qa_post_moves_certificates(outbound, username):
    cert = certificate("ZZ0001")
    for move in MOVES.values():
        with pytest.raises(NotAllowed):
            move(certificate=cert, user=person(username), reason="越权尝试")
    with pytest.raises(NotAllowed):
        certificate_grant(agent=agent(UNCERTIFIED), level=1, valid_from=days(0), valid_to=days(300),
                          user=person(username), reason="越权发证")
    cert.refresh_from_db()
    assert cert.status == Certificate.Stored.ACTIVE and not CertificateEvent.objects.exclude(action="grant").exists()
    assert not Certificate.objects.filter(agent__employee_no=UNCERTIFIED).exists()


def test_a_city_holder_of_the_qa_post_is_not_the_province(outbound):
    Svc.hold("zz_qa", "outbound_qa", "ZZ")
    with pytest.raises(NotAllowed):
        certificate_suspend(certificate=certificate("ZZ0001"), user=person("zz_qa"), reason="市级质检")


def test_grant_creates_the_current_certificate(outbound):
    cert = grant(level=2, start=0, end=365)
    assert cert.is_current and cert.level == 2 and cert.org_unit == agent(UNCERTIFIED).org_unit
    assert cert.issued_on == timezone.localdate() and cert.status_on() == S.VALID
    assert list(cert.events.values_list("action", flat=True)) == ["grant"]


def test_recertification_before_expiry_extends_the_same_certificate(outbound):
    cert = certificate(EXPIRING)
    extended = certificate_grant(agent=cert.agent, level=2, valid_from=days(0), valid_to=days(730),
                                 user=person("prov_outbound_qa"), reason="复训认证通过")
    assert extended.pk == cert.pk and extended.valid_to == days(730) and extended.level == 2
    assert extended.valid_from == cert.valid_from
    assert Certificate.objects.filter(agent=cert.agent).count() == 1
    event = extended.events.order_by("-id").first()
    assert (event.action, event.from_status, event.to_status, event.valid_to) == ("extend", S.EXPIRING, S.VALID,
                                                                                   days(730))


def test_an_extension_must_end_later(outbound):
    cert = certificate(EXPIRING)
    with pytest.raises(ValidationError) as caught:
        certificate_grant(agent=cert.agent, level=1, valid_from=days(0), valid_to=cert.valid_to,
                          user=person("prov_outbound_qa"), reason="复训")
    assert "valid_to" in caught.value.message_dict
    assert certificate(EXPIRING).events.count() == 1


@pytest.mark.parametrize("state", [S.EXPIRED, S.REVOKED])
def test_after_expiry_or_revocation_a_grant_is_a_new_certificate(outbound, state):
    old = in_state(state)
    new = grant(old.agent.employee_no, level=3, start=0, end=365)
    old.refresh_from_db()
    assert new.pk != old.pk and new.is_current and not old.is_current
    assert new.status_on() == S.VALID and old.status_on() == state


def test_no_grant_while_suspended(outbound):
    cert = in_state(S.SUSPENDED)
    with pytest.raises(Conflict):
        grant(cert.agent.employee_no, start=0, end=365)
    assert Certificate.objects.filter(agent=cert.agent).count() == 1


@pytest.mark.parametrize("start, end, field", [(-400, -1, "valid_to"), (10, 5, "valid_to"),
                                               (0, 5 * 366 + 1, "valid_to")])
def test_grant_dates_are_checked(outbound, start, end, field):
    with pytest.raises(ValidationError) as caught:
        grant(start=start, end=end)
    assert field in caught.value.message_dict
    assert not Certificate.objects.filter(agent__employee_no=UNCERTIFIED).exists()


def test_events_are_never_edited(outbound):
    event = certificate("ZZ0001").events.get()
    event.reason = "改写"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert CertificateEvent.objects.get(pk=event.pk).reason == "演示数据:认证通过"


def test_status_filter_matches_the_status_rule(outbound):
    """status_q (the list filters) and status_of (one row) agree on every demo certificate, on several days."""
    in_state(S.SUSPENDED), in_state(S.PENDING)
    for offset in (0, 19, 20, 21, 331, 400):
        day = timezone.localdate() + timedelta(days=offset)
        for cert in Certificate.objects.all():
            matching = {s for s in S.values if Certificate.objects.filter(status_q(s, day), pk=cert.pk).exists()}
            assert matching == {cert.status_on(day)}, (cert, day)
