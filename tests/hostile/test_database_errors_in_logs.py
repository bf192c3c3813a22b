"""A value the database refuses is logged without the values: SQLAlchemy's message would carry the
statement's parameters (the order and its customer) and PostgreSQL's detail the key's values; the
worker's log line names the error, the table and the constraint, and nothing of the order."""

from __future__ import annotations

import logging

from db_errors_support import CUSTOMER_ID, ORDER_ID, ORDER_NAME, REVENUE, write_the_same_order_twice


def test_a_refused_order_is_logged_without_its_values(hostile, caplog):
    caplog.set_level(logging.DEBUG)
    job = hostile.runtime.jobs.enqueue(write_the_same_order_twice, hostile.shop, retry=None)
    hostile.runtime.jobs.drain()
    assert job.get_status(refresh=True) == "failed"
    logged = "\n".join([r.getMessage() for r in caplog.records] + [r.exc_text or "" for r in caplog.records])
    assert "IntegrityError" in logged or "UniqueViolation" in logged  # the error itself is logged
    stored_revenue = str(int(REVENUE * 10_000))  # the Money column's integer
    leaked = [v for v in (ORDER_ID, CUSTOMER_ID, ORDER_NAME, str(REVENUE), stored_revenue) if v in logged]
    assert leaked == []
