"""Lists count exactly up to the cap, then report the cap and say so."""
from config import paging
from governance.models import Channel


def test_count_is_exact_below_the_cap_and_capped_above(api, monkeypatch):
    client = api("prov_marketing")
    exact = client.get("/api/v1/channels/").json()
    assert exact["count"] == Channel.objects.count() and exact["count_capped"] is False

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    capped = client.get("/api/v1/channels/?page_size=2").json()
    assert capped["count"] == 3 and capped["count_capped"] is True
    assert len(capped["results"]) == 2 and capped["next"]
