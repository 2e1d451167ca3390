"""What a public room throws at the pages and the exports: framing, Referer leaks, formulas in cells."""

import csv
import io
import json
import zipfile

import openpyxl
import pytest

FORMULAS = ['=HYPERLINK("http://evil.example","clic")', "+SUM(1;2)", "-2+3", "@cmd", "\t=1+1", "\r=1+1"]


@pytest.fixture
def pages(client, settings, tables):
    client.post(f"/j/{tables[0].join_code}")
    return [
        "/",
        "/join",
        "/me",
        f"/console/{settings['facilitator_token']}",
        f"/observer/{settings['observer_token']}",
        f"/projector/{settings['projector_token']}",
        f"/table/{tables[0].scribe_token}",
        f"/cards/{settings['facilitator_token']}",
        "/nothing-here",
    ]


def test_no_page_can_be_framed_or_run_inline_script(client, pages):
    for page in pages:
        headers = client.get(page).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, page
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_sends_its_token_to_the_next_one_in_a_referer(client, pages):
    for page in pages:
        assert client.get(page).headers["Referrer-Policy"] == "no-referrer", page


def command(client, token, name, **payload):
    import uuid

    response = client.post(
        f"/api/command/{name}", json={"cid": uuid.uuid4().hex, **payload}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.json
    return response.json


def test_formulas_in_ideas_and_themes_reach_a_spreadsheet_as_text(client, settings):
    facilitator = settings["facilitator_token"]
    command(client, facilitator, "phase.start", phase=2)
    for text in FORMULAS:
        idea = command(client, facilitator, "idea.add", text=f"{text} piste ciclabili", axis="mobilita", table=1)
        command(client, facilitator, "idea.edit", idea=idea["idea"], text=f"{text} edited\x1b\x07")
        command(client, facilitator, "theme.create", title=f"{text} tema\x00")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/export/{facilitator}/event.zip").data))
    cells = [
        cell
        for name in ("ideas.csv", "idea_history.csv", "themes.csv")
        for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        for cell in row
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert not [c for c in cells if any(ch in c for ch in "\x00\x07\x1b")]
    assert sum(c.startswith("'=HYPERLINK") for c in cells) >= 3  # neutralised, not dropped
    # the workbook too: no cell is a formula, every one is the same neutralised text
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/export/{facilitator}/event.xlsx").data))
    sheet_cells = [
        cell for name in ("Idee", "Storia delle idee", "Temi") for row in book[name].iter_rows() for cell in row
    ]
    assert not [c for c in sheet_cells if c.data_type == "f"]
    assert sum(str(c.value).startswith("'=HYPERLINK") for c in sheet_cells) >= 3


def test_the_json_export_keeps_the_exact_text(client, settings):
    facilitator = settings["facilitator_token"]
    command(client, facilitator, "phase.start", phase=2)
    command(client, facilitator, "idea.add", text="=1+1 verde urbano", axis="verde", table=1)
    ideas = json.loads(client.get(f"/export/{facilitator}/event.json").data)["ideas"]
    assert ideas[0]["text"] == "=1+1 verde urbano"
