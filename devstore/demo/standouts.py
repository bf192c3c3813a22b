"""The five creators the demo's guide points at, one story each: ``star`` (volume, big baskets,
few returns), ``returns`` (half the revenue comes back), ``leaked`` (a code on coupon sites: code
orders without a link, coupon referrers, a surge in the last three weeks long after the creator's
posts), ``loyal`` (customers come back on their own, unattributed) and ``no_sales`` (signed this
week, nothing yet)."""

from __future__ import annotations

from devstore.demo.creator import Creator, fee, other, seeding
from devstore.demo.history import DAYS, FALL, SPRING, SUMMER

COUPON_SITES = [
    "https://www.retailmenot.com/",
    "https://www.couponfollow.com/",
    "https://joinhoney.com/",
    "https://www.dealspotr.com/",
    "https://www.retailmenot.com/view/demo-outdoor-co",
    "https://www.couponfollow.com/site/demo-outdoor-co",
    None,
]


STANDOUTS: list[Creator] = [
    Creator(
        "star",
        "maya",
        "Maya Lopez",
        "instagram",
        412_000,
        "10",
        "MAYA15",
        {"percent_off": "15"},
        (SPRING, SUMMER, FALL),
        3,
        {
            "weight": 6,
            "lines": [2, 2, 3, 3, 4],
            "aov": 1.4,
            "return_rate": 0.04,
            "full_refund_share": 0.3,
            "repeat_rate": 0.08,
            "comeback_rate": 0.12,
            "link_share": 0.45,
            "no_link_share": 0.35,
            "active_days": [3, DAYS],
        },
        spend=(
            seeding(1, 8, "38.00", "24.00", SPRING),
            fee(3, "2500.00", "Spring: 3 posts + 6 stories", SPRING),
            fee(62, "2500.00", "Summer: 3 posts + 6 stories", SUMMER),
            other(70, "450.00", "Paid amplification of the summer reel", SUMMER),
            fee(112, "2500.00", "Fall: 3 posts + 6 stories", FALL),
        ),
        conversion=0.042,
        placements=("post", "story"),
    ),
    Creator(
        "returns",
        "jules",
        "Jules Carter",
        "tiktok",
        96_000,
        "12",
        "JULES20",
        {"percent_off": "20"},
        (SPRING, SUMMER),
        5,
        {
            "weight": 3,
            "return_rate": 0.62,
            "full_refund_share": 0.75,
            "repeat_rate": 0.05,
            "comeback_rate": 0.05,
            "active_days": [5, DAYS],
        },
        spend=(
            seeding(4, 5, "30.00", "18.00", SPRING),
            fee(5, "900.00", "Try-on hauls", SPRING),
            fee(65, "900.00", "Try-on hauls", SUMMER),
        ),
        conversion=0.034,
        placements=("video",),
    ),
    Creator(
        "leaked",
        "tyler",
        "Tyler Brooks",
        "youtube",
        58_000,
        "10",
        "TYLER25",
        {"percent_off": "25"},
        (SPRING,),
        0,
        {
            "weight": 2.5,
            "repeat_rate": 0.03,
            "return_rate": 0.08,
            "active_days": [
                {"from": 0, "to": 45, "link_share": 0.4, "no_link_share": 0.35},  # his own video and its link
                {
                    "from": 45,
                    "to": DAYS - 21,
                    "weight": 0.5,
                    "link_share": 0,
                    "no_link_share": 1,
                    "referrers": COUPON_SITES,
                },  # the code on coupon sites
                {
                    "from": DAYS - 21,
                    "to": DAYS,
                    "weight": 7,
                    "link_share": 0,
                    "no_link_share": 1,
                    "referrers": COUPON_SITES,
                },  # a coupon site features it: a surge
            ],
        },
        spend=(seeding(0, 3, "42.00", "15.00", SPRING), fee(2, "600.00", "One review video", SPRING)),
        clicks=0,
        placements=("video",),
        notes="One review video in the spring.",
    ),
    Creator(
        "loyal",
        "priya",
        "Priya Shah",
        "youtube",
        35_000,
        "10",
        "PRIYA10",
        {"percent_off": "10"},
        (SPRING, SUMMER),
        0,
        {
            "weight": 2.5,
            "return_rate": 0.05,
            "repeat_rate": 0.04,
            "comeback_rate": 0.65,
            "comeback_max": 3,
            "comeback_days": [10, 70],
        },
        spend=(
            seeding(0, 4, "38.00", "20.00", SPRING),
            fee(2, "700.00", "Long-form review", SPRING),
            fee(70, "700.00", "Follow-up video", SUMMER),
        ),
        conversion=0.046,
        placements=("video",),
    ),
    Creator(
        "no_sales",
        "noah",
        "Noah Kim",
        "tiktok",
        12_000,
        "15",
        "NOAH10",
        {"percent_off": "10"},
        (FALL,),
        DAYS,
        None,
        notes="Signed this week; first video next week.",
    ),
]
