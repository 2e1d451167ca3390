"""The built wheel, installed non-editable in a fresh venv, serves every screen from a folder far from the
checkout — as `pipx install` would run it."""

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import zipfile

import pytest
import requests

from tests.conftest import ROOT, free_port, launch, run_cli, start_server, stop_server, wait_until_healthy

pytestmark = pytest.mark.timeout(600)


def install(python: str, dist, folder, uv: str | None = None) -> "os.PathLike":
    """The `facilitation` command of a fresh venv of `python`, holding only the wheel and its dependencies,
    installed by the pip that venv comes with (pip 23 for Python 3.11, as Debian's and ensurepip's), or with
    `uv` by uv (the same resolution, without compiling every module first: a third of the time)."""
    subprocess.run([python, "-m", "venv", str(folder)], check=True, timeout=120)
    wheel = next(dist.glob("facilitation-*.whl"))
    # pip resolves the wheel's own requirements, held to the locked versions (a constraints file has no hashes)
    locked = folder / "locked.txt"
    locked.write_text(
        "\n".join(
            line.rstrip(" \\")
            for line in (ROOT / "requirements" / "run.lock").read_text().splitlines()
            if "==" in line and not line.startswith(("#", " "))
        )
    )
    pip = (
        [uv, "pip", "install", "--python", str(folder / "bin" / "python")]
        if uv
        else [str(folder / "bin" / "pip"), "install"]
    )
    done = subprocess.run(
        [*pip, "-q", "-c", str(locked), str(wheel)],
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder / "bin" / "facilitation"


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory):
    return install(sys.executable, dist, tmp_path_factory.mktemp("venv"))


def test_the_wheel_carries_templates_static_files_plans_catalogues_and_the_license(dist):
    names = zipfile.ZipFile(next(dist.glob("*.whl"))).namelist()
    for needed in (
        "facilitation/templates/phone.html",
        "facilitation/static/js/client.js",
        "facilitation/static/vendor/socket.io.esm.min.js",
        "facilitation/sessions/psm-torino-2024.toml",
        "facilitation/sessions/psm-ascolto-2024.toml",
        "facilitation/templates/report.html",
        "facilitation/static/fonts/DejaVuSans.ttf",
        "facilitation/translations/it/LC_MESSAGES/messages.mo",
        "facilitation/translations/en/LC_MESSAGES/messages.mo",
        "facilitation/store/migrations/env.py",
        "facilitation/store/migrations/versions/0001_foundation.py",
    ):
        assert needed in names
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)


def test_the_sdist_carries_the_sources_a_wheel_is_built_from(dist):
    names = tarfile.open(next(dist.glob("*.tar.gz"))).getnames()
    for needed in (
        "templates/console.html",
        "static/css/app.css",
        "sessions/psm-torino-2024.toml",
        "facilitation/translations/it/LC_MESSAGES/messages.po",
        "setup.py",
        "LICENSE",
        "requirements/run.lock",
    ):
        assert any(name.endswith("/" + needed) for name in names), needed


def test_the_installed_app_serves_every_screen_from_another_folder(installed, tmp_path):
    serves_every_screen(installed, tmp_path)


def test_the_installed_command_rehearses_a_crowd_against_a_running_server(installed, tmp_path):
    """`rehearse` runs from the wheel as the venv's own pip installed it (its asyncio client needs aiohttp)."""
    server = start_server(tmp_path)
    try:
        result = run_cli(
            "rehearse",
            "--url",
            f"{server.url}/console/{server.facilitator}",
            "--participants",
            "6",
            "--online",
            "1",
            "--idea-seconds",
            "2",
            cwd=tmp_path,
            command=(str(installed),),
            lang="en_GB.UTF-8",
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert "No module named" not in result.stderr
    finally:
        stop_server(server)


def serves_every_screen(installed, tmp_path) -> None:
    tmp_path.mkdir(exist_ok=True)
    port = free_port()
    log = tmp_path / "server.log"
    env = {"LANG": "it_IT.UTF-8", "PATH": f"{installed.parent}:{os.environ['PATH']}"}
    process = launch(
        ["serve", "--host", "127.0.0.1", "--port", str(port)], log, env=env, cwd=tmp_path, command=(str(installed),)
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        with sqlite3.connect(tmp_path / "data" / "psm-torino-2024.sqlite") as db:
            token = dict(db.execute("select key, value from setting"))
            code, scribe = db.execute("select join_code, scribe_token from event_table where id = 1").fetchone()
        pages = [
            "/",
            "/join",
            f"/table/{scribe}",
            f"/console/{token['facilitator_token']}",
            f"/console/{token['theme_token']}",
            f"/observer/{token['observer_token']}",
            f"/projector/{token['projector_token']}",
            f"/cards/{token['facilitator_token']}",
            f"/qr/{code}.svg",
            f"/qr/{code}.png",
            "/healthz",
            f"/export/{token['facilitator_token']}/event.json",
            f"/export/{token['facilitator_token']}/event.zip",
            f"/export/{token['facilitator_token']}/event.xlsx",
            f"/export/{token['observer_token']}/report.pdf",
            f"/export/{token['observer_token']}/report.md",
            f"/report/{token['observer_token']}",
            *(f"/static/{p.relative_to(ROOT / 'static')}" for p in (ROOT / "static").rglob("*") if p.is_file()),
        ]
        for page in pages:
            response = requests.get(url + page, timeout=60, headers={"Accept-Language": "it"})
            assert response.status_code == 200, (page, response.status_code)
        phone = requests.Session()
        me = phone.post(f"{url}/j/{code}", timeout=60, headers={"Accept-Language": "it"})
        assert me.status_code == 200 and me.url == f"{url}/me"
        assert "Partecipa all'evento" in requests.get(url + "/", timeout=60, headers={"Accept-Language": "it"}).text
        assert requests.get(url + "/results", timeout=60).status_code == 404  # not published yet
        published = requests.post(
            f"{url}/api/command/results.publish",
            timeout=60,
            json={"cid": "wheel-publish-1", "published": True},
            headers={"Authorization": f"Bearer {token['facilitator_token']}"},
        )
        assert published.json()["ok"]
        results = requests.get(url + "/results", timeout=60, headers={"Accept-Language": "it"})
        assert results.status_code == 200 and "Che cosa è emerso" in results.text
        missing = requests.get(url + "/nothing-here", timeout=60, headers={"Accept-Language": "it"})
        assert missing.status_code == 404 and "<html" in missing.text
    finally:
        process.terminate()
        process.wait(10)
    printed = log.read_text()
    assert "Console del facilitatore:" in printed  # the Italian catalogue is installed too


def test_the_installed_command_prints_cards_and_its_version(installed, tmp_path):
    result = run_cli(
        "cards",
        "--data",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "cards"),
        "--public-url",
        "http://192.168.1.20:5000",
        cwd=tmp_path,
        command=(str(installed),),
    )
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "cards").glob("table-*.png"))) == 30
    from facilitation import __version__

    version = run_cli("--version", cwd=tmp_path, command=(str(installed),))
    assert version.stdout.strip() == f"facilitation {__version__}"


def test_the_installed_command_hands_out_the_demo_plan_to_start_from(installed, tmp_path):
    result = run_cli("demo-plan", "--out", "mine.toml", cwd=tmp_path, command=(str(installed),))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mine.toml").read_text() == (ROOT / "sessions/psm-torino-2024.toml").read_text()
    again = run_cli("demo-plan", "--out", "mine.toml", cwd=tmp_path, command=(str(installed),))
    assert again.returncode == 2  # an existing plan is never overwritten
    listening = run_cli("demo-plan", "psm-ascolto-2024", cwd=tmp_path, command=(str(installed),))
    assert listening.stdout == (ROOT / "sessions/psm-ascolto-2024.toml").read_text()


def test_the_installed_command_imports_a_listening_export_into_the_bundled_co_planning_plan(installed, tmp_path):
    """After the listening day, on a laptop with only the wheel: its export into the co-planning event, which
    the import makes from the plan shipped with the app."""
    export = tmp_path / "ascolto.json"
    export.write_text(
        json.dumps(
            {
                "event": {"id": "psm-ascolto-2024", "title": "Ascolto", "export_format": 1},
                "ideas": [
                    {
                        "id": 7,
                        "table": "3",
                        "channel": "room",
                        "axis": "mobilita",
                        "kind": "need",
                        "text": "Treni ogni 30 minuti sulla Torino–Pinerolo",
                        "theme": 1,
                    }
                ],
                "themes": [{"id": 1, "title": "Trasporto pubblico frequente", "axis": "mobilita"}],
            }
        ),
        encoding="utf-8",
    )
    result = run_cli(
        "import", "psm-torino-2024", "--from", str(export), cwd=tmp_path, command=(str(installed),), lang="en_GB.UTF-8"
    )
    assert result.returncode == 0, result.stderr
    assert "Imported from psm-ascolto-2024 into psm-torino-2024: ideas 1, themes 1." in result.stdout
    assert (tmp_path / "data" / "psm-torino-2024.sqlite").exists()
