"""#17 item 14: the CLI says which variables a missing configuration needs, without a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from shopify_roi.cli import main

NEEDED = ("SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "TOKEN_ENCRYPTION_KEY", "APP_URL")


@pytest.fixture
def unconfigured(monkeypatch, tmp_path):
    for name in (*NEEDED, "SHOPIFY_ORIGIN_TEMPLATE", "DATABASE_URL", "REDIS_URL", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SHOPIFY_ROI_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("args", [["--help"], ["worker"], ["routes"]])
def test_a_missing_configuration_names_the_variables_without_a_traceback(unconfigured, args):
    result = CliRunner().invoke(main, args)
    out = result.output
    assert "Traceback" not in out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for name in NEEDED:
        assert name in out, out
    assert "README.md" in out and "make demo" in out
    if args != ["--help"]:
        assert result.exit_code != 0
    else:
        assert "Usage: " in out and "worker" in out  # the commands are still listed
