"""The stand-in, checked by Shopify's own Node library (@shopify/shopify-api, pinned in
tests/contract/package.json): if a webhook header or HMAC, the OAuth redirect's signature, a
session token or a token grant drifts from what Shopify's library accepts, this fails.

The stand-in runs with the app's real ``shopify.app.toml`` and a receiver on loopback in the
app's place; every subscribed topic is delivered (by real shop events where the stand-in has
them), the artifacts go to ``check_artifacts.mjs``, which also performs the grants against
the running stand-in. Skipped only where ``node`` is absent, or ``node_modules`` is missing and
``npm ci`` cannot install it; with ``SHOPIFY_CONTRACT_REQUIRED=1`` (CI) those fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from contract_artifacts import (
    Receiver,
    admin_frame,
    authorize,
    deliver_the_rest,
    deliveries,
    merchant_actions,
    redeem,
    session_tokens,
    subscribed,
)
from support import API_KEY, API_SECRET

from devstore.config import DevstoreConfig
from devstore.testing import DevstoreServer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
APP_TOML = ROOT / "shopify.app.toml"
SHOP = "contract-shop.myshopify.com"


def _unavailable(reason: str):
    if os.environ.get("SHOPIFY_CONTRACT_REQUIRED") == "1":
        pytest.fail(f"the contract test is required here: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def node() -> str:
    """``node``, with the pinned library installed (``npm ci`` when node_modules is missing)."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (HERE / "node_modules" / "@shopify" / "shopify-api" / "package.json").is_file():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("tests/contract/node_modules is missing and npm is not installed")
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            check=False,
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            _unavailable(f"tests/contract/node_modules is missing and npm ci failed: {done.stderr[-500:]}")
    return node


@pytest.fixture
def receiver():
    app = Receiver()
    yield app
    app.close()


def gather(shopify: DevstoreServer, receiver: Receiver) -> dict:
    """Everything the library checks: deliveries of every subscribed topic, the authorize
    redirect, the admin frame URL and session tokens, and where the stand-in runs."""
    api_version, scopes, topics = subscribed(APP_TOML)
    shopify.control.create_shop(
        SHOP,
        name="Contract Shop",
        currency="USD",
        timezone="America/New_York",
        scopes=scopes,
    )
    token = redeem(shopify, SHOP, authorize(shopify, SHOP, scopes, receiver.url)["location"])
    merchant_actions(shopify, SHOP, token, api_version)
    deliver_the_rest(shopify, SHOP, receiver, topics)
    # Flow's requests to the app: an action run (the Flow runner) and a trigger lifecycle callback
    fee = {"handle": "anna", "kind": "fee", "amount": "10"}
    assert shopify.control.run_flow_action(SHOP, "log-creator-spend", fee)["status"] == 200
    assert shopify.control.set_flow_workflow(SHOP, "creator-order-attributed", True)["status"] == 200
    sent = deliveries(receiver)
    return {
        "stand_in": shopify.url,
        "shop": SHOP,
        "app_url": receiver.url,
        "api_key": API_KEY,
        "api_secret": API_SECRET,
        "api_version": api_version,
        "scopes": scopes,
        "topics": topics,
        "deliveries": [d for d in sent if not d["path"].startswith("/flow/")],
        "flow_requests": [d for d in sent if d["path"].startswith("/flow/")],
        # signed a moment ago: the library allows 90 s on a query timestamp, 10 s past a token's exp
        "oauth": authorize(shopify, SHOP, scopes, receiver.url),
        "admin_frame": admin_frame(shopify, SHOP),
        "session_tokens": session_tokens(shopify, SHOP),
    }


def test_shopify_library_accepts_what_the_stand_in_produces(node, receiver, tmp_path):
    config = DevstoreConfig(api_key=API_KEY, api_secret=API_SECRET, app_url=receiver.url, app_toml=APP_TOML)
    with DevstoreServer(config) as shopify:
        artifacts = gather(shopify, receiver)
        missing = set(artifacts["topics"]) - receiver.topics()
        assert not missing, f"subscribed topics the stand-in never delivered: {sorted(missing)}"
        path = tmp_path / "artifacts.json"
        path.write_text(json.dumps(artifacts))
        run = subprocess.run(
            [node, "check_artifacts.mjs", str(path)],
            check=False,
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
    print(run.stdout)
    report = f"{run.stdout}\n{run.stderr}"
    assert run.returncode == 0, f"Shopify's library refused what the stand-in produced:\n{report}"
    for topic in artifacts["topics"]:  # a check per subscribed topic ran and passed
        assert f"ok   webhook {topic}" in run.stdout, report
    for check in (
        "Flow request /flow/actions/log-creator-spend",
        "Flow request /flow/lifecycle",
        "OAuth authorize redirect",
        "admin app frame",
        "session token (control API)",
        "token exchange: expiring",
        "refresh: rotated pair",
        "migrate to expiring token",
        "OAuth authorization code",
    ):
        assert f"ok   {check}" in run.stdout, report
