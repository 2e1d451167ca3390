"""Privacy of small groups, over real sockets and the exports: a zone or category chosen by fewer than the plan's
`privacy.min_group` (5 in the demo) never stands alone in a breakdown or an export, so two people from a small
zone cannot have their votes read back; and the phone says what is kept and for how long."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import requests

from tests.conftest import ROOT
from tests.realtime.clients import Client, new_phone, open_vote


def test_a_zone_of_two_is_never_shown_alone(server):
    a, b = open_vote(server, ["Trasporti", "Scuole"])
    facilitator = Client(server.url, server.facilitator)
    # 6 from Turin, 2 from the Pinerolese, 3 from the Canavese; 2 stakeholders among them
    profiles = [("cittadini", "z01")] * 6 + [("stakeholder", "z05")] * 2 + [("cittadini", "z08")] * 3
    phones = [new_phone(server, n // 6) for n in range(len(profiles))]
    try:
        for phone, (category, zone) in zip(phones, profiles, strict=True):
            assert phone.send("profile.set", {"category": category, "zone": zone})["ok"]
            assert phone.send("dot.place", {"theme": a if zone == "z01" else b})["ok"]
        tally = facilitator.sync()["tally"]
        assert set(tally["by_zone"]) == {"z01", "_others"}  # the 2 of z05 only with the 3 of z08
        assert [(p["theme"], p["dots"], p["voters"]) for p in tally["by_zone"]["_others"]] == [(b, 5, 5), (a, 0, 0)]
        assert set(tally["by_category"]) == {"cittadini"}  # 2 stakeholders: too few even together
        # who came, by zone: the pooled zones had people, so they read "fewer than 5", never "0"
        assert facilitator.send("results.publish", {"published": True})["ok"]
        pages = {
            "report": requests.get(f"{server.url}/report/{server.setting('observer_token')}?lang=en", timeout=30).text,
            "public": requests.get(f"{server.url}/results?lang=en", timeout=30).text,
            "markdown": requests.get(
                f"{server.url}/export/{server.setting('observer_token')}/report.md",
                headers={"Accept-Language": "en"},
                timeout=30,
            ).text,
        }
        for name, page in pages.items():
            words = " ".join(re.sub(r"<[^>]+>|[|*]", " ", page).split())  # the text a reader reads
            who = words[words.index("Who came, by zona omogenea") :]
            who = who[: who.index("not said")]
            bar = r" (?:[█▏▎▍▌▋▊▉·]+ )?"  # the Markdown's bar, drawn in characters
            assert re.search("Pinerolese" + bar + "fewer than 5", who), (name, who)
            assert re.search("Western Canavese" + bar + "fewer than 5", who), (name, who)
            assert re.search("1 · Turin" + bar + "6 ", who), (name, who)
    finally:
        facilitator.close()
        for phone in phones:
            phone.close()

    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "facilitation",
            "export",
            "--event",
            "psm-torino-2024",
            "--data",
            str(server.data_dir),
            "--format",
            "json",
            "--out",
            "-",
        ],
        cwd=ROOT,
        env=server.cli_env,
        check=True,
        capture_output=True,
        timeout=60,
        text=True,
    ).stdout
    data = json.loads(exported)
    assert {v["zone"] for v in data["votes"]} == {"z01", "_others"}
    assert {p["category"] for p in data["participants"]} == {"cittadini", "_others"}
    assert not [p for p in data["participants"] if p["zone"] in ("z05", "z08") or p["category"] == "stakeholder"]

    phone = requests.Session()
    phone.post(f"{server.url}/j/{server.tables()[0][3]}", timeout=10)
    me = phone.get(f"{server.url}/me", headers={"Accept-Language": "en"}, timeout=10).text
    assert "Never your name" in me and "fewer than 5 people is never shown alone" in me and "12 months" in me
