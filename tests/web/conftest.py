"""In-process app (threading mode) with a fresh SQLite file per test, for the HTTP pages."""

import pytest

from facilitation.app import create_app


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "PUBLIC_URL": "http://10.0.0.5:5000"})
    app.testing = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def settings(app):
    return app.extensions["facilitation"].settings()


@pytest.fixture
def tables(app):
    return app.extensions["facilitation"].tables()
