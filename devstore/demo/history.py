"""The demo history's dimensions and calendar: how long it is, how many orders it holds, how much of
it reaches the app as webhooks, the shop's own sitewide code and the campaigns."""

from __future__ import annotations

DAYS = 150  # the history: day 0 is DAYS days before now
SILENT_DAYS = 14  # the last two weeks reach the app as webhooks; older orders only by reconciliation
ORDERS = 2500
CREATOR_SHARE = 0.5
SITEWIDE = "WELCOME10"

CAMPAIGNS = [  # name, first day, last day, target ROAS
    ("Spring launch", 0, 59, "3.0"),
    ("Summer drop", 60, 119, "3.0"),
    ("Fall creators", 110, DAYS, "2.5"),
]
SPRING, SUMMER, FALL = (c[0] for c in CAMPAIGNS)
