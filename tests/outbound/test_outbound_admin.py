"""The admin lists the outbound models; certificates, their events and demands cannot be edited there."""
import pytest

from tests.conftest import login

from .conftest import certificate


@pytest.mark.parametrize("model", ["outboundagent", "certificate", "certificateevent", "examlevel",
                                   "outboundsettings", "outbounddemand", "notification"])
def test_changelists_load(outbound, client, model):
    login(client, "admin")
    assert client.get(f"/admin/governance/{model}/").status_code == 200


def test_certificates_and_events_are_read_only(outbound, client):
    login(client, "admin")
    cert = certificate("ZZ0001")
    event = cert.events.get()
    assert client.get("/admin/governance/certificate/add/").status_code == 403
    assert client.post(f"/admin/governance/certificate/{cert.pk}/change/", {"status": "revoked"}).status_code == 403
    assert client.post(f"/admin/governance/certificateevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    cert.refresh_from_db()
    assert cert.status == "active" and cert.events.count() == 1
    page = client.get(f"/admin/governance/outboundagent/{cert.agent_id}/change/").content.decode()
    assert 'name="org_unit"' not in page  # a move must carry the certificate's copy of the unit along
