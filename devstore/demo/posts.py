"""The demo creators' posts (issue 20), entered through the app as a merchant would: two to four posts each
over the last two months (not for the creator who signed this week, nor for Ella, seeded and never
posted; the leaked code's creator posted
long before its surge), with the figures a creator reports,
then a later report of the first post's grown figures."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from devstore.demo.merchant import Merchant
from devstore.demo.roster import CREATORS, roles

NEVER_POSTED = "ella"  # seeded five months ago and never posted (devstore/demo/seeding.py)

PLATFORMS = {"instagram": ("reel", "post", "story"), "tiktok": ("video",), "youtube": ("video",)}


def seed_posts(app_url: str, stand_in_url: str, shop: str, seed: int = 7) -> dict:
    began = time.monotonic()
    merchant = Merchant(app_url, stand_in_url, shop)
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    quiet, leaked = roles()["no_sales"], roles()["leaked"]
    made = 0
    for creator in CREATORS:
        if creator.handle in (quiet, NEVER_POSTED):
            continue
        for n in range(rng.randint(2, 4)):
            platform = rng.choice(list(PLATFORMS))
            reach = rng.randint(4_000, 120_000)
            body = {
                "platform": platform,
                "url": f"https://{platform}.com/{creator.handle}/{seed}{n}{rng.randint(100, 999)}",
                # the leaked code's creator posted long before the surge of their code (their video is old)
                "posted_at": (
                    now
                    - timedelta(
                        days=rng.randint(*((75, 120) if creator.handle == leaked else (3, 60))),
                        hours=rng.randint(0, 12),
                    )
                ).isoformat(),
                "format": rng.choice(PLATFORMS[platform]),
                "reach": reach,
                "impressions": int(reach * rng.uniform(1.2, 2.5)),
                "likes": int(reach * rng.uniform(0.01, 0.06)),
                "comments": int(reach * rng.uniform(0.001, 0.006)),
                "shares": int(reach * rng.uniform(0.0005, 0.004)),
                "saves": int(reach * rng.uniform(0.001, 0.01)),
                "link_clicks": int(reach * rng.uniform(0.002, 0.02)),
            }
            post = merchant.call("POST", f"/api/creators/{creator.handle}/posts", body)
            made += 1
            if n == 0:  # a week on, the first post's figures grew: a new dated report
                grown = {k: int(body[k] * 1.3) for k in ("reach", "impressions", "likes", "saves")}
                merchant.call("POST", f"/api/creators/{creator.handle}/posts/{post['id']}/figures", grown)
    return {"posts": made, "seconds": time.monotonic() - began}
