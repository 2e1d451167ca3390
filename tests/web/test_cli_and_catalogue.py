"""The command line and the translation catalogues."""

from babel.messages.pofile import read_po

from tests.conftest import ROOT
from tests.conftest import run_cli as run


def test_serve_refuses_a_broken_plan_and_names_the_problem(tmp_path):
    plan = tmp_path / "bad.toml"
    plan.write_text((ROOT / "sessions/psm-torino-2024.toml").read_text().replace("count = 30", "count = 0"))
    result = run("serve", str(plan), "--data", str(tmp_path))
    assert result.returncode == 2
    assert "Il piano della sessione ha dei problemi:" in result.stderr
    assert f"{plan}: tables.count: Input should be greater than or equal to 1" in result.stderr


def test_cards_writes_a_printable_page_and_a_png_per_table(tmp_path):
    out = tmp_path / "cards"
    result = run(
        "cards",
        str(ROOT / "sessions/psm-torino-2024.toml"),
        "--data",
        str(tmp_path / "data"),
        "--out",
        str(out),
        "--public-url",
        "http://192.168.1.20:5000",
    )
    assert result.returncode == 0, result.stderr
    assert len(list(out.glob("table-*.png"))) == 30 and (out / "online.png").exists()
    page = (out / "cards.html").read_text()
    assert page.count("http://192.168.1.20:5000/j/") == 31
    assert page.count('<section class="four"') == 8  # A4 sheets of four
    assert '<script src="print.js">' in page and (out / "print.js").exists()  # the print button works offline


def test_the_command_line_speaks_italian_first_and_the_terminals_language_when_offered(tmp_path):
    italian = run("export", "--event", "nothing-here", "--data", str(tmp_path))
    assert italian.returncode == 2 and "Nessun evento 'nothing-here'" in italian.stderr
    english = run("export", "--event", "nothing-here", "--data", str(tmp_path), lang="en_GB.UTF-8")
    assert "No event 'nothing-here'" in english.stderr


def test_the_italian_catalogue_translates_every_string():
    template = read_po(open(ROOT / "facilitation/translations/messages.pot", "rb"))
    italian = read_po(open(ROOT / "facilitation/translations/it/LC_MESSAGES/messages.po", "rb"))
    missing = [
        m.id for m in template if m.id and (m.id not in italian or not italian[m.id].string or italian[m.id].fuzzy)
    ]
    assert missing == []


def test_a_checkout_without_compiled_catalogues_compiles_them_from_the_po_files(tmp_path):
    import shutil

    from babel.support import Translations

    from facilitation.catalogues import compile_catalogues

    shutil.copytree(
        ROOT / "facilitation/translations", tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.mo")
    )
    written = compile_catalogues(tmp_path)
    assert sorted(p.parent.parent.name for p in written) == ["en", "it"]
    assert Translations.load(str(tmp_path), ["it"]).gettext("Join the event") == "Partecipa all'evento"
    assert compile_catalogues(tmp_path) == []  # up to date: nothing is rewritten
