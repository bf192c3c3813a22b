"""#17 item 12: the page's Polaris styles come from npm, bundled with the app (never a CDN). The committed
vendor/polaris-tokens.css is exactly the pinned @shopify/polaris-tokens' dist/css/styles.css (web-assets/,
installed by `make test`), and the page's own colours, radius and type are those tokens."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "web-assets"
STATIC = ROOT / "shopify_roi" / "web" / "static"
PACKAGE = ASSETS / "node_modules" / "@shopify" / "polaris-tokens"


def _installed() -> Path:
    if not PACKAGE.exists():  # make test runs npm ci here first; a bare pytest installs it now
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ASSETS, check=True)
    return PACKAGE


def test_the_vendored_tokens_are_the_pinned_packages_css():
    package = _installed()
    pinned = json.loads((ASSETS / "package.json").read_text())["dependencies"]["@shopify/polaris-tokens"]
    assert json.loads((package / "package.json").read_text())["version"] == pinned
    vendored = (STATIC / "vendor" / "polaris-tokens.css").read_text()
    assert vendored.startswith(f"/* @shopify/polaris-tokens {pinned} (npm)")
    assert "Copyright (c) 2017-present Shopify Inc." in vendored  # its MIT notice goes with it
    assert vendored.endswith((package / "dist" / "css" / "styles.css").read_text())


def test_the_page_loads_the_tokens_before_its_own_styles_and_uses_them():
    base = (ROOT / "shopify_roi" / "web" / "templates" / "base.html").read_text()
    assert base.index("vendor/polaris-tokens.css") < base.index("app.css")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', base)
    assert sheets and all(href.startswith("{{ url_for('static'") for href in sheets), sheets  # no CDN
    root = re.search(r":root \{(.*?)\}", (STATIC / "app.css").read_text(), re.S).group(1)
    for name in ("--bg", "--surface", "--text", "--subdued", "--border", "--radius", "--critical-text"):
        assert re.search(rf"{name}: var\(--p-[a-z0-9-]+[,)]", root), name
    assert "font-family: var(--p-font-family-sans" in root
