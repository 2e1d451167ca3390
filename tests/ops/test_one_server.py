"""One server per event: a busy port, a running event, a read-only or full data folder are refused at start."""

import shutil
import subprocess
from contextlib import contextmanager

import pytest
import requests

from tests.conftest import run_cli, run_english, start_server, stop_server


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("running"))
    yield server
    stop_server(server)


def test_a_second_server_on_the_same_port_exits_with_a_clear_error(running, tmp_path):
    port = running.url.rsplit(":", 1)[1]
    result = run_english("serve", "--host", "127.0.0.1", "--port", port, "--data", str(tmp_path / "other"))
    assert result.returncode == 4
    assert f"Port {port} is already in use on 127.0.0.1" in result.stderr
    assert running.process.poll() is None


def test_a_second_server_on_a_running_events_data_folder_is_refused(running, tmp_path):
    result = run_english("serve", "--host", "127.0.0.1", "--port", "0", "--data", str(running.data_dir))
    assert result.returncode == 3
    assert f"(process {running.process.pid})" in result.stderr
    assert "Event 'psm-torino-2024' is already being served from this data folder" in result.stderr


def test_a_second_server_on_the_same_database_by_another_path_is_refused(running, tmp_path):
    """Through a symlinked .sqlite in another data folder, or a database URL naming the file, both servers
    started, and the first then failed four changes in five (issue 19, #8): the lock is the resolved file's."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "psm-torino-2024.sqlite").symlink_to(running.db)
    linked = run_english("serve", "--host", "127.0.0.1", "--port", "0", "--data", str(other), timeout=30)
    assert linked.returncode == 3 and f"(process {running.process.pid})" in linked.stderr, linked.stderr
    by_url = run_english(
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data",
        str(tmp_path / "third"),
        env={"FACILITATION_DATABASE_URL": f"sqlite:///{running.db}"},
        timeout=30,
    )
    assert by_url.returncode == 3 and f"(process {running.process.pid})" in by_url.stderr, by_url.stderr
    assert requests.get(running.url + "/healthz", timeout=5).json()["ok"]


def test_the_lock_is_released_when_the_server_is_killed(tmp_path):
    server = start_server(tmp_path)
    server.process.kill()
    server.process.wait()
    again = start_server(tmp_path, data_dir=server.data_dir)  # a crash leaves no stale lock behind
    stop_server(again)


@contextmanager
def tmpfs(path, options):
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine cannot mount a tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def test_a_read_only_data_folder_is_refused_at_start(tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=1m") as folder:
        result = run_english("serve", "--host", "127.0.0.1", "--port", "0", "--data", str(folder))
    assert result.returncode == 3
    assert f"The data folder {folder} cannot be written (Read-only file system)" in result.stderr


def test_a_full_data_folder_is_refused_at_start(tmp_path):
    with tmpfs(tmp_path / "full", "size=256k") as folder:
        (folder / "filler").write_bytes(b"x" * 200 * 1024)
        result = run_english("serve", "--host", "127.0.0.1", "--port", "0", "--data", str(folder))
    assert result.returncode == 3
    assert f"The disk of the data folder {folder} is full" in result.stderr


def test_the_free_space_a_server_needs_is_a_setting(tmp_path):
    free_mb = shutil.disk_usage(tmp_path).free // 2**20
    result = run_english(
        "serve", "--port", "0", "--data", str(tmp_path), env={"FACILITATION_MIN_FREE_MB": str(free_mb + 100_000)}
    )  # other tests write too
    assert result.returncode == 3 and "is full" in result.stderr


def test_links_point_to_this_computer_when_it_listens_only_here(tmp_path):
    server = start_server(tmp_path, extra=("--public-url", ""), env={"LANG": "en_GB.UTF-8"})  # empty: not given
    stop_server(server)
    log = server.log_path.read_text()
    assert f"{server.url}/join" in log
    assert "The server listens only on this computer (127.0.0.1): phones cannot open these links" in log


def test_italian_is_the_default_language_of_the_refusals(tmp_path):
    result = run_cli(
        "serve",
        "--port",
        "0",
        "--data",
        str(tmp_path),
        lang="it_IT.UTF-8",
        env={"FACILITATION_MIN_FREE_MB": str(10**9)},
    )
    assert "è pieno" in result.stderr


def test_the_server_runs_on_gevent_and_no_warning_reaches_the_facilitators_terminal(tmp_path):
    """eventlet greeted every facilitator with its own deprecation warning; the server now runs on gevent
    (chosen by measurement: README, "Runtime") and starts, serves and stops without a warning."""
    server = start_server(tmp_path, env={"PYTHONWARNINGS": ""})  # Python's own filters, as in a terminal
    try:
        assert requests.get(f"{server.url}/export/{server.facilitator}/report.pdf", timeout=60).status_code == 200
    finally:
        stop_server(server)
    terminal = server.log_path.read_text()
    assert f"on 127.0.0.1:{server.url.rsplit(':', 1)[1]} (gevent)" in terminal
    assert "Warning" not in terminal and "deprecat" not in terminal.lower(), terminal
