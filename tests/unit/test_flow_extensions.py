"""The Flow extensions under extensions/ are ones Shopify CLI would deploy ("Flow trigger reference",
"Flow action reference" on shopify.dev): one per trigger and action, each with the properties the CLI
requires; tests/integration/test_flow.py checks that every runtime_url is a route of the app."""

from __future__ import annotations

import tomllib
from pathlib import Path

from devstore import flow_extensions

ROOT = Path(__file__).resolve().parents[2]
TRIGGERS = {"creator-order-attributed", "creator-code-leak-suspected", "creator-below-roas-target"}
ACTIONS = {"create-creator-with-code", "log-creator-spend", "pause-creator-code"}


def test_each_extension_file_has_what_the_cli_requires():
    paths = sorted((ROOT / "extensions").glob("*/shopify.extension.toml"))
    assert len(paths) == 6
    for path in paths:
        data = tomllib.loads(path.read_text())
        (ext,) = data["extensions"]
        assert ext["type"] in ("flow_trigger", "flow_action")
        assert ext["name"] and ext["description"]
        assert ext["handle"] == path.parent.name and len(ext["handle"]) <= 30
        for field in data["settings"]["fields"]:
            assert field["type"] in (*flow_extensions.REFERENCES, *flow_extensions.CUSTOM)
            if field["type"] not in flow_extensions.REFERENCES:
                assert field["key"]


def test_the_stand_in_reads_three_triggers_and_three_actions():
    found = flow_extensions.load(ROOT / "shopify.app.toml")
    assert {h for h, e in found.items() if e.type == "flow_trigger"} == TRIGGERS
    assert {h for h, e in found.items() if e.type == "flow_action"} == ACTIONS
