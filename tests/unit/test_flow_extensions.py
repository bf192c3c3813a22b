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
    paths = sorted(
        p for p in (ROOT / "extensions").glob("*/shopify.extension.toml") if p.parent.name != "creator-pixel"
    )
    assert len(paths) == 7
    for path in paths:
        data = tomllib.loads(path.read_text())
        (ext,) = data["extensions"]
        assert ext["type"] in flow_extensions.TYPES
        assert ext["name"]
        assert ext["handle"] == path.parent.name and len(ext["handle"]) <= 30
        if ext["type"] == "flow_trigger_lifecycle_callback":
            assert ext["url"] == "/flow/lifecycle" and "settings" not in data
            continue
        assert ext["description"]
        if ext["type"] == "flow_action":  # app-relative: resolved against application_url on deploy
            assert ext["runtime_url"] == f"/flow/actions/{ext['handle']}"
        for field in data["settings"]["fields"]:
            assert field["type"] in (*flow_extensions.REFERENCES, *flow_extensions.CUSTOM)
            if field["type"] not in flow_extensions.REFERENCES:
                assert field["key"]
                if ext["type"] == "flow_trigger":  # Shopify CLI: letters and spaces only
                    assert all(c.isalpha() or c == " " for c in field["key"]), field["key"]
                else:  # Shopify CLI: an action's custom field needs a name too
                    assert field["name"]


def test_the_stand_in_reads_three_triggers_and_three_actions():
    found = flow_extensions.load(ROOT / "shopify.app.toml")
    assert {h for h, e in found.items() if e.type == "flow_trigger"} == TRIGGERS
    assert {h for h, e in found.items() if e.type == "flow_action"} == ACTIONS
    assert [h for h, e in found.items() if e.type == "flow_trigger_lifecycle_callback"] == [
        "flow-trigger-usage"
    ]


def test_a_file_the_cli_would_refuse_is_refused(tmp_path):
    bad = {
        "long handle": 'name = "A"\ntype = "flow_trigger"\nhandle = "' + "a" * 31 + '"',
        "no url": 'name = "A"\ntype = "flow_action"\nhandle = "a"',
        "protocol-relative url": 'name = "A"\ntype = "flow_action"\nhandle = "a"\nruntime_url = "//x.com/a"',
        "a trigger key with an underscore": 'name = "A"\ntype = "flow_trigger"\nhandle = "a"\n'
        '[[settings.fields]]\ntype = "url"\nkey = "a_b"',
        "an action field without name": 'name = "A"\ntype = "flow_action"\nhandle = "a"\nruntime_url = "/a"\n'
        '[[settings.fields]]\ntype = "url"\nkey = "a"',
    }
    for why, body in bad.items():
        path = tmp_path / "shopify.extension.toml"
        path.write_text("[[extensions]]\n" + body + "\n")
        try:
            flow_extensions.read(path)
        except flow_extensions.ExtensionError:
            continue
        raise AssertionError(f"{why} was accepted")
    path.write_text(
        '[[extensions]]\nname = "A"\ntype = "flow_trigger"\nhandle = "a"\n[[settings.fields]]\ntype = "url"\n'
    )
    try:
        flow_extensions.read(path)
        raise AssertionError("a custom field without key was accepted")
    except flow_extensions.ExtensionError:
        pass
