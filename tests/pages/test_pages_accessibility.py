"""Accessibility basics on the daily pages: every input has a label, actions are links or buttons (reachable by
keyboard), and the page says it is Chinese."""
from html.parser import HTMLParser

from tests.api.conftest import drive  # noqa: F401 (fixture)

HIDDEN = {"hidden", "submit", "button"}


class Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.labels, self.inputs, self.depth, self.clickable = set(), [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.depth += 1
            if attrs.get("for"):
                self.labels.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in HIDDEN:
            self.inputs.append((attrs.get("name"), attrs.get("id"), bool(attrs.get("aria-label")) or self.depth > 0))
        elif attrs.get("onclick") or (tag in ("div", "span") and attrs.get("role") == "button"):
            self.clickable.append(tag)

    def handle_endtag(self, tag):
        if tag == "label":
            self.depth -= 1


def unlabelled(html: str) -> list:
    parser = Inputs()
    parser.feed(html)
    assert parser.clickable == []  # no click handlers on things the keyboard cannot reach
    return [(name, id_) for name, id_, inside in parser.inputs if not inside and id_ not in parser.labels]


def test_every_input_on_the_daily_pages_has_a_label(drive, pages):  # noqa: F811
    pid = drive.submit_new()["id"]
    drive.act("zz_supervisor", pid)
    task = drive.task("zz_leader", pid)["id"]
    leader, manager = pages("zz_leader"), pages("zz_manager")
    for client, url in [(leader, "/"), (leader, "/done/"), (leader, "/copies/"), (leader, "/processes/"),
                        (leader, "/opinions/"), (leader, f"/tasks/{task}/"), (manager, f"/processes/{pid}/"),
                        (manager, "/requests/")]:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and '<html lang="zh-hans">' in html, url
        assert unlabelled(html) == [], url


def test_the_check_finds_an_unlabelled_input():
    html = ('<label for="a">A</label><input id="a" name="a"><input name="b" id="b">'
            '<label>R <input type="radio" name="c"></label><input type="hidden" name="h"><select name="s"></select>')
    assert unlabelled(html) == [("b", "b"), ("s", None)]
