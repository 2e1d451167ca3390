"""The report as a web page for the staff and the committee, and the public results page the facilitator
switches on after the event: no token, only revealed results, nothing for the committee only."""

from __future__ import annotations

import requests

from tests.realtime.clients import Client, new_phone, open_vote


def page(url: str) -> requests.Response:
    return requests.get(url, timeout=30, headers={"Accept-Language": "en"})


def test_the_results_page_opens_to_everyone_only_when_published_and_shows_only_revealed_results(server):
    results = f"{server.url}/results?lang=en"
    closed = page(results)
    assert closed.status_code == 404 and "The results are not published yet." in closed.text

    a, b, c = open_vote(server, ["Ciclabili tra i comuni", "Scuole aperte", "Case della salute"])
    facilitator = Client(server.url, server.facilitator)
    observer = Client(server.url, server.setting("observer_token"))
    phones = [new_phone(server, n % 3) for n in range(6)]
    try:
        for phone in phones:
            for theme in (a, a, b, c, c):
                assert phone.send("dot.place", {"theme": theme})["ok"]
        assert facilitator.send("vote.close")["ok"]
        assert observer.send("results.publish", {"published": True})["error"]["code"] == "forbidden"
        assert phones[0].send("results.publish", {"published": True})["error"]["code"] == "forbidden"
        assert facilitator.send("results.publish", {"published": "yes"})["error"]["code"] == "invalid_payload"
        assert page(results).status_code == 404  # refusals changed nothing

        published = facilitator.send("results.publish", {"published": True})
        assert published["ok"] and facilitator.sync()["control"]["results_public"] is True
        shown = page(results)
        assert shown.status_code == 200
        assert "What came of the event" in shown.text and "Co-planning event" in shown.text
        assert "6 in all: 6 in the room, 0 online" in shown.text
        assert "<h2>The priorities</h2>" not in shown.text  # the vote's results are not revealed yet
        for secret in ("facilitator_token", "observer_token", "theme_token", "projector_token"):
            assert server.setting(secret) not in shown.text

        # a poll answered and closed, never revealed: nothing of it on the public page (issue 19, #4)
        poll = facilitator.send(
            "poll.create",
            {"question": "Da dove arrivi oggi?", "kind": "single", "options": ["Torino", "Prima cintura"]},
        )["poll"]
        assert facilitator.send("poll.change", {"poll": poll, "state": "open"})["ok"]
        assert phones[0].send("poll.answer", {"poll": poll, "choices": [1]})["ok"]
        assert facilitator.send("poll.change", {"poll": poll, "state": "closed"})["ok"]
        assert "Da dove arrivi oggi?" not in page(results).text
        assert "Da dove arrivi oggi?" in page(f"{server.url}/report/{server.setting('observer_token')}").text

        assert facilitator.send("vote.reveal", {"revealed": True})["ok"]
        assert facilitator.send("poll.change", {"poll": poll, "revealed": True})["ok"]
        revealed = page(results).text  # the event changed: the page is drawn again
        assert "<h2>The priorities</h2>" in revealed and "Ciclabili tra i comuni" in revealed
        assert "Who preferred what" not in revealed  # the breakdowns by group are for the committee
        assert "Round 1: 5 dots each" in revealed
        assert "Da dove arrivi oggi?" in revealed and "Prima cintura" in revealed  # once revealed

        # the committee's page has everything, for the roles that may export; never for the projector
        report = page(f"{server.url}/report/{server.setting('observer_token')}?lang=en")
        assert report.status_code == 200 and "Report to the steering committee" in report.text
        assert "Who preferred what (round 1)" in report.text and 'id="print"' in report.text
        markdown = page(f"{server.url}/export/{server.setting('observer_token')}/report.md?lang=en")
        assert (
            markdown.headers["Content-Type"].startswith("text/markdown")
            and "attachment" in markdown.headers["Content-Disposition"]
        )
        text = markdown.content.decode("utf-8")
        assert text.startswith("*Report to the steering committee*\n\n# Turin PSM 2024–2026 · Co-planning event")
        assert "## The priorities" in text and "### Round 1: 5 dots each, at most 3 on one theme" in text
        assert "| 1 | Ciclabili tra i comuni | ████████████████████ | 12 |" in text  # 6 phones x 2 dots
        assert "| 1 | Case della salute | ████████████████████ | 12 |" in text
        assert "| 3 | Scuole aperte | ██████████ | 6 |" in text
        assert page(f"{server.url}/export/{server.setting('projector_token')}/report.md").status_code == 403
        assert page(f"{server.url}/report/{server.setting('projector_token')}").status_code == 403
        assert page(f"{server.url}/report/nonsense").status_code in (403, 404)

        assert facilitator.send("results.publish", {"published": False})["ok"]
        assert page(results).status_code == 404
    finally:
        for client in (facilitator, observer, *phones):
            client.close()


def test_the_markdown_report_keeps_link_and_image_syntax_in_the_rooms_text_as_text(server):
    """A `javascript:` link or a remote image (a pixel that tells who opened the report) written as a theme or an
    idea stays text in every Markdown viewer (issue 19, #10)."""
    link, pixel = "[clic qui](javascript:alert(1))", "![x](http://evil.example/p.png)"
    a, b = open_vote(server, [link, pixel])
    phone = new_phone(server, 0)
    try:
        assert phone.send("dot.place", {"theme": a})["ok"] and phone.send("dot.place", {"theme": b})["ok"]
    finally:
        phone.close()
    text = page(f"{server.url}/export/{server.setting('observer_token')}/report.md?lang=en").content.decode()
    assert r"\[clic qui\](javascript:alert(1))" in text and r"!\[x\](http://evil.example/p.png)" in text
    assert link not in text and pixel not in text
