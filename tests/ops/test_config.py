"""Configuration: a flag wins over the environment, which wins over the default — checked through the CLI too."""

import sqlite3

import pytest

from facilitation.config import ConfigError, resolve
from tests.conftest import free_port, launch, run_cli, start_server, stop_server, wait_until_healthy


def test_a_setting_comes_from_the_flag_then_the_environment_then_the_default():
    env = {"FACILITATION_DATA_DIR": "/from/env", "FACILITATION_PORT": "6001"}
    assert resolve({"DATA_DIR": "/from/flag"}, env)["DATA_DIR"] == "/from/flag"
    assert resolve({"DATA_DIR": None}, env)["DATA_DIR"] == "/from/env"
    assert resolve({}, env)["PORT"] == 6001
    assert resolve({}, {})["DATA_DIR"] == "data" and resolve({}, {})["PORT"] == 5000


def test_an_unusable_environment_value_is_refused_by_name():
    with pytest.raises(ConfigError, match="FACILITATION_PORT: 'lots' is not a int"):
        resolve({}, {"FACILITATION_PORT": "lots"})
    with pytest.raises(ConfigError, match="FACILITATION_ASYNC_MODE: 'asyncio' is not one of gevent, threading"):
        resolve({}, {"FACILITATION_ASYNC_MODE": "asyncio"})


def test_the_plan_defaults_to_the_bundled_demo():
    assert resolve({}, {})["PLAN"].endswith("psm-torino-2024.toml")


def test_a_plan_shipped_with_the_app_is_found_by_its_name(tmp_path):
    cards = run_cli(
        "cards",
        "psm-ascolto-2024",
        "--data",
        str(tmp_path / "data"),
        "--out",
        str(tmp_path / "cards"),
        "--public-url",
        "http://192.168.1.20:5000",
        cwd=tmp_path,
    )
    assert cards.returncode == 0, cards.stderr
    assert len(list((tmp_path / "cards").glob("table-*.png"))) == 6  # the six thematic tables
    assert (tmp_path / "data" / "psm-ascolto-2024.sqlite").exists()
    missing = run_cli("cards", "psm-nowhere", "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert missing.returncode == 2 and "psm-nowhere" in missing.stderr


def test_flags_win_over_the_environment_for_the_data_folder_and_public_url(tmp_path):
    env = {"FACILITATION_DATA_DIR": str(tmp_path / "env-data"), "FACILITATION_PUBLIC_URL": "http://venue.example:80"}
    server = start_server(tmp_path, data_dir=tmp_path / "flag-data", env=env)
    stop_server(server)
    assert (tmp_path / "flag-data" / "psm-torino-2024.sqlite").exists()
    assert not (tmp_path / "env-data").exists()
    assert f"{server.url}/join" in server.log_path.read_text()


def test_without_flags_the_server_takes_the_data_folder_and_public_url_from_the_environment(tmp_path):
    env = {
        "FACILITATION_DATA_DIR": str(tmp_path / "env-data"),
        "FACILITATION_PUBLIC_URL": "http://venue.example:80",
        "FACILITATION_HOST": "127.0.0.1",
        "FACILITATION_PORT": str(free_port()),
    }
    log = tmp_path / "server.log"
    process = launch(["serve"], log, env=env, cwd=tmp_path)
    try:
        wait_until_healthy(f"http://127.0.0.1:{env['FACILITATION_PORT']}", process, log)
    finally:
        process.terminate()
        process.wait(10)
    database = tmp_path / "env-data" / "psm-torino-2024.sqlite"
    with sqlite3.connect(database) as db:
        online = db.execute("select value from setting where key='online_code'").fetchone()[0]
    assert f"http://venue.example:80/j/{online}" in log.read_text()
    assert not (tmp_path / "data").exists()


def test_a_bad_environment_value_stops_the_command_with_its_name(tmp_path):
    result = run_cli("serve", "--data", str(tmp_path), env={"FACILITATION_PORT": "lots"})
    assert result.returncode == 2
    assert "FACILITATION_PORT: 'lots' is not a int" in result.stderr


def test_version_is_printed():
    from facilitation import __version__

    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"facilitation {__version__}"
