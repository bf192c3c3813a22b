"""The job's process while a large import's children write (backfill_shares.in_children): it calls its
`while_waiting` once a tick until the last child ends, not in a loop once the first child has ended (an
ended child's sentinel stays ready), and it gets back what every child returned."""

from __future__ import annotations

import threading
import time

from shopify_roi.services.orders import backfill_shares


def test_the_parent_waits_a_tick_at_a_time_for_the_last_child(monkeypatch):
    monkeypatch.setattr(backfill_shares, "WAIT_TICK", 0.2)
    order = backfill_shares._FORK.Value("i", 0)  # the first child to start is the quick one

    def work() -> list[str]:
        with order.get_lock():
            mine = order.value
            order.value += 1
        if mine:
            time.sleep(1.5)  # the slow child: ~7 ticks after the quick one has ended
        return [f"refused by child {mine}"]

    calls = []
    with backfill_shares.in_children(2, work, lambda: calls.append(1)) as refused:
        pass
    assert sorted(refused) == ["refused by child 0", "refused by child 1"]
    # About 1.5 s / 0.2 s = 8 calls; a parent spinning on the ended child's sentinel makes thousands.
    assert 1 <= len(calls) <= 40, len(calls)


def test_without_children_the_parent_does_not_wait():
    calls = []
    with backfill_shares.in_children(0, lambda: [], lambda: calls.append(1)) as refused:
        pass
    assert (refused, calls) == ([], [])


def test_a_child_with_a_long_list_of_refused_orders_is_read_while_the_parent_waits():
    """2 MB of refused orders fill the pipe many times over: the parent reads as the child writes, so the
    child can end (a parent that waited for the children to end before reading would wait forever)."""
    long_list = [
        f"gid://shopify/Order/{n}: `createdAt` must be from 2000-01-01 {'.' * 40}" for n in range(20_000)
    ]
    got: list[list[str]] = []

    def run():
        with backfill_shares.in_children(1, lambda: long_list, lambda: None) as refused:
            pass
        got.append(refused)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the parent and its child wait for each other"
    assert got == [long_list]
