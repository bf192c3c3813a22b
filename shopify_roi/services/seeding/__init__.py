"""Seeding follow-up (issue 20): gifted product recorded from seeding orders, sent, and the posts it
produced."""
