"""``python -m devstore``: serve the stand-in.

Options fall back to DEVSTORE_HOST, DEVSTORE_PORT, SHOPIFY_API_KEY, SHOPIFY_API_SECRET,
APP_URL, DEVSTORE_APP_TOML and DEVSTORE_WEB_PIXEL_EXTENSION_DIR.
"""

from __future__ import annotations

import argparse
import os

from devstore.config import config_from_env
from devstore.server import create_app


def main(argv: list[str] | None = None) -> None:
    """Parse options, build the app and serve it (threaded) until interrupted."""
    env = os.environ
    parser = argparse.ArgumentParser(prog="python -m devstore", description="Local stand-in for Shopify")
    parser.add_argument("--host", default=env.get("DEVSTORE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(env.get("DEVSTORE_PORT", "8765")))
    parser.add_argument("--api-key", default=None, help="default: $SHOPIFY_API_KEY or demo-api-key")
    parser.add_argument(
        "--api-secret",
        default=None,
        help="default: $SHOPIFY_API_SECRET or demo-api-secret-for-the-local-stand-in",
    )
    parser.add_argument("--app-url", default=None, help="default: $APP_URL or http://127.0.0.1:8000")
    parser.add_argument(
        "--app-toml",
        default=None,
        help="default: $DEVSTORE_APP_TOML or ./shopify.app.toml",
    )
    parser.add_argument(
        "--web-pixel-extension-dir",
        default=None,
        help="default: $DEVSTORE_WEB_PIXEL_EXTENSION_DIR or the web pixel extension beside the TOML",
    )
    args = parser.parse_args(argv)
    config = config_from_env(
        api_key=args.api_key,
        api_secret=args.api_secret,
        app_url=args.app_url,
        app_toml=args.app_toml,
        web_pixel_extension_dir=args.web_pixel_extension_dir,
    )
    app = create_app(config)
    print(f"devstore: http://{args.host}:{args.port}/{{shop}}  app={config.app_url}  toml={config.app_toml}")
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
