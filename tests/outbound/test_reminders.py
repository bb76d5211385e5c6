"""Expiry reminders: 30 and 7 days before the end, each sent once, to the agent's unit's 外呼运营."""
from datetime import timedelta
from io import StringIO

import time_machine
from django.conf import settings
from django.core.management import call_command

from config.celery import app
from governance.models import CertificateReminder, Notification, OutboundAgent
from governance.outbound import certificate_grant, certificate_reminders_send, certificate_suspend
from governance.tasks import remind_expiring_certificates
from tests.services.conftest import Svc

from .conftest import at_noon, days, person, unit


def agent_with_certificate(unit_code="ZZ-JS", end=40, employee_no="R-0001"):
    new = OutboundAgent.objects.create(org_unit=unit(unit_code), name="提醒测试", employee_no=employee_no)
    return certificate_grant(agent=new, level=1, valid_from=days(-300), valid_to=days(end),
                             user=person("prov_outbound_qa"), reason="认证通过")


def reminders_for(cert, username):
    return list(Notification.objects.filter(recipient__username=username, link=f"/outbound/agents/{cert.agent_id}/")
                .order_by("created", "id").values_list("title", flat=True))


def run_on(day):
    with time_machine.travel(at_noon(day)):
        return remind_expiring_certificates.delay().get()


def test_reminded_at_30_and_7_days_once_each(outbound):
    cert = agent_with_certificate()
    end = cert.valid_to
    run_on(end - timedelta(days=31))
    assert reminders_for(cert, "zz_outbound") == []
    for _ in range(2):
        run_on(end - timedelta(days=30))
    run_on(end - timedelta(days=29))
    assert reminders_for(cert, "zz_outbound") == [f"外呼资格证书将于 {end:%Y-%m-%d} 到期(剩余 30 天)"]
    for offset in (8, 7, 7, 6, 0):
        run_on(end - timedelta(days=offset))
    assert reminders_for(cert, "zz_outbound") == [f"外呼资格证书将于 {end:%Y-%m-%d} 到期(剩余 30 天)",
                                                  f"外呼资格证书将于 {end:%Y-%m-%d} 到期(剩余 7 天)"]
    assert set(cert.reminders.values_list("stage", "valid_to")) == {(30, end), (7, end)}
    body = Notification.objects.filter(recipient__username="zz_outbound", link__endswith=f"/{cert.agent_id}/").first()
    assert "提醒测试" in body.body and "R-0001" in body.body and body.event == "certificate.expiring"
    assert body.read_at is None


def test_first_seen_late_gets_only_the_seven_day_reminder(outbound):
    cert = agent_with_certificate(end=5)
    assert run_on(days(0)) >= 1
    assert reminders_for(cert, "zz_outbound") == [f"外呼资格证书将于 {cert.valid_to:%Y-%m-%d} 到期(剩余 5 天)"]
    run_on(days(1))
    assert len(reminders_for(cert, "zz_outbound")) == 1


def test_an_extension_starts_the_reminders_over(outbound):
    cert = agent_with_certificate(end=30)
    certificate_reminders_send()
    certificate_grant(agent=cert.agent, level=1, valid_from=days(0), valid_to=days(400),
                      user=person("prov_outbound_qa"), reason="复训通过")
    run_on(days(370))
    assert reminders_for(cert, "zz_outbound")[-1].startswith(f"外呼资格证书将于 {days(400):%Y-%m-%d} 到期")
    assert len(reminders_for(cert, "zz_outbound")) == 2


def test_the_agents_own_city_is_reminded(outbound):
    cert = agent_with_certificate("LY-LL", end=30, employee_no="R-LY")
    certificate_reminders_send()
    assert len(reminders_for(cert, "ly_outbound")) == 1
    assert reminders_for(cert, "zz_outbound") == []


def test_suspended_certificates_are_not_reminded(outbound):
    cert = agent_with_certificate(end=20)
    certificate_suspend(certificate=cert, user=person("prov_outbound_qa"), reason="暂停")
    certificate_reminders_send()
    assert not cert.reminders.exists() and reminders_for(cert, "zz_outbound") == []


def test_without_a_holder_nothing_is_booked_and_it_is_sent_once_someone_holds_the_post(outbound):
    Svc.end_assignment("ly_outbound")
    cert = agent_with_certificate("LY-LL", end=25, employee_no="R-LY2")
    certificate_reminders_send()
    assert not CertificateReminder.objects.filter(certificate=cert).exists()
    Svc.hold("ly_outbound2", "outbound_ops", "LY-LL")
    certificate_reminders_send()
    assert len(reminders_for(cert, "ly_outbound2")) == 1


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    assert settings.CELERY_BEAT_SCHEDULE["remind-expiring-certificates"]["task"] == remind_expiring_certificates.name


def test_the_management_command_sends_and_repeats_nothing(outbound):
    cert = agent_with_certificate(end=30)
    out = StringIO()
    call_command("remind_expiring_certificates", stdout=out)
    call_command("remind_expiring_certificates", stdout=out)
    assert len(reminders_for(cert, "zz_outbound")) == 1
    assert "已发送 0 条" in out.getvalue().splitlines()[-1]
