"""The steering committee's PDF after a simulated day of 300 phones (`facilitation rehearse`, the public protocol
only): its text, read back from the PDF, says the same numbers as the export; the console's download gives
the same document."""

from __future__ import annotations

import io
import json
import re

import requests
from pypdf import PdfReader

from tests.conftest import run_english, start_server, stop_server

PHONES = 300


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_report_of_a_300_phone_day_says_what_the_export_says(tmp_path):
    server = start_server(tmp_path, env={"FACILITATION_JOIN_BURST": "400"})
    try:
        day = run_english(
            "rehearse",
            "--url",
            f"{server.url}/console/{server.facilitator}",
            "--participants",
            str(PHONES),
            "--online",
            "30",
            "--ideas",
            "1",
            "--idea-seconds",
            "6",
            "--dots",
            "5",
            "--burst-seconds",
            "4",
            "--json",
            timeout=300,
        )
        assert day.returncode == 0, day.stderr
        assert json.loads(day.stdout)["dots"]["counted"] == PHONES * 5
        download = requests.get(f"{server.url}/export/{server.setting('observer_token')}/report.pdf", timeout=60)
        assert download.status_code == 200 and download.headers["Content-Type"] == "application/pdf"
        assert (
            requests.get(f"{server.url}/export/{server.setting('projector_token')}/report.pdf", timeout=10).status_code
            == 403
        )
    finally:
        stop_server(server)

    out = tmp_path / "report.pdf"
    made = run_english(
        "report", "psm-torino-2024", "--data", str(server.data_dir), "--out", str(out), "--lang", "it", timeout=120
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Wrote ")  # an Italian report, said in the terminal's English
    exported = run_english(
        "export",
        "--event",
        "psm-torino-2024",
        "--data",
        str(server.data_dir),
        "--format",
        "json",
        "--out",
        "-",
        timeout=60,
    )
    data = json.loads(exported.stdout)

    text = pdf_text(out.read_bytes())
    assert text == pdf_text(download.content)  # the console's download is the same report
    assert "Rapporto alla cabina di regia" in text and "PSM Torino 2024–2026" in text
    online = sum(1 for p in data["participants"] if p["channel"] == "online")
    assert f"{PHONES} in tutto: {PHONES - online} in sala, {online} online" in text
    assert re.search(rf"Votanti\s*{data['ranking']['voters']}", text)
    # every place of the ranking, with its dots, as the export counts them
    lines = text.splitlines()
    titles = {t["id"]: t["title"] for t in data["themes"]}
    for place in data["ranking"]["ranking"]:
        assert any(titles[place["theme"]] in line and line.rstrip().endswith(str(place["dots"])) for line in lines), (
            titles[place["theme"]],
            place["dots"],
        )
    assert sum(p["dots"] for p in data["ranking"]["ranking"]) == PHONES * 5
    assert f"hanno votato {data['ranking']['voters']} persone su 8 temi" in text
    assert "Idee per asse" in text and "Note di metodo" in text


def test_long_theme_titles_and_small_groups_read_whole_in_the_pdf(server):
    from tests.realtime.clients import Client, new_phone, open_vote

    titles = [
        "Collegamenti serali tra le valli alpine e il capoluogo metropolitano per chi lavora a turni",
        "Trasporto serale e ferrovie metropolitane per le valli e i comuni della cintura sud",
        "Trasporto pubblico serale e nei giorni festivi per i comuni della cintura nord",
    ]
    themes = open_vote(server, titles)
    phones = [new_phone(server) for _ in range(7)]
    try:
        for n, phone in enumerate(phones):
            assert phone.send("profile.set", {"zone": "z01" if n < 5 else "z05"})["ok"]
            assert phone.send("dot.place", {"theme": themes[n % 3]})["ok"]
    finally:
        for phone in phones:
            phone.close()
    staff = Client(server.url, server.facilitator)
    assert staff.send("vote.close")["ok"]
    staff.close()
    pdf = requests.get(
        f"{server.url}/export/{server.setting('observer_token')}/report.pdf",
        headers={"Accept-Language": "en"},
        timeout=60,
    )
    text = " ".join(pdf_text(pdf.content).split())
    assert "…" not in text  # nothing cut: a long title takes more lines
    for title in titles:
        assert title in text
    assert re.search(r"5 · Pinerolese\s+fewer than 5", text)  # two people: pooled, but never "0"


def test_the_cover_says_how_many_ideas_were_imported_from_an_earlier_event(server):
    from tests.realtime.clients import Client
    from tests.realtime.test_bounds import listening_export

    answer = requests.post(
        f"{server.url}/api/import",
        data=listening_export(10),
        timeout=60,
        headers={"Authorization": f"Bearer {server.facilitator}", "Content-Type": "application/json"},
    ).json()
    assert answer["ok"], answer
    staff = Client(server.url, server.facilitator)
    assert staff.send("phase.start", {"phase": 2})["ok"]
    for text in ("Bus notturni", "Scuole aperte"):
        assert staff.send("idea.add", {"text": text, "axis": "mobilita", "table": 1})["ok"]
    staff.close()
    page = requests.get(f"{server.url}/report/{server.setting('observer_token')}?lang=en", timeout=30).text
    words = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    imported = 10 - 10 // 10  # listening_export hides every tenth
    assert f"Ideas {imported + 2}: 2 from this event, {imported} imported from ascolto-grande" in words, words[:600]
