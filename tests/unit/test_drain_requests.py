"""Order webhooks' drain requests, coalesced during a burst (jobs/orders.py, DrainRequests).

The property that matters: every stored delivery is followed by a drain request made *after* its row
was committed (a Redis SET NX of the drain flag, and an enqueue when the flag was free), also when it
is the last webhook of a burst and falls inside the debounce window, and also when the drain that
was queued earlier has already started (deleted the flag, claimed its batch) by then.
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from shopify_roi.jobs import orders as jobs_orders
from shopify_roi.jobs.orders import (
    DEBOUNCE_SECONDS,
    DRAIN_FLAG,
    DrainRequests,
    drain_orders,
    drain_requests,
    request_drain,
)


class FakeRedis:
    """SET NX / DELETE of the drain flag, every call recorded with what was committed at that moment."""

    def __init__(self, log: list, committed: list, fail: bool = False):
        self.log, self.committed, self.fail = log, committed, fail
        self.flag = False
        self.lock = threading.Lock()

    def set(self, key, value, nx=False, ex=None):
        assert key.startswith(DRAIN_FLAG + ":") and nx and ex
        if self.fail:
            raise ConnectionError("Redis is down")
        with self.lock:
            was_free = not self.flag
            self.flag = True
            self.log.append(("ask", len(self.committed), was_free))
            return was_free

    def start_drain(self):
        """What drain_orders does first: delete the flag (then it claims what is committed)."""
        with self.lock:
            self.flag = False
            self.log.append(("drain starts", len(self.committed), None))


class FakeJobs:
    def __init__(self, redis: FakeRedis, log: list):
        self.redis, self.log = redis, log
        self.enqueued = []

    def enqueue(self, func, *args, **kwargs):
        self.enqueued.append(func)
        self.log.append(("enqueue", len(self.redis.committed), func.__name__))


class FakeRuntime:
    def __init__(self, fail: bool = False):
        self.settings = type("Settings", (), {"queue_name": "default"})()
        self.log: list = []
        self.committed: list = []
        self.jobs = FakeJobs(FakeRedis(self.log, self.committed, fail), self.log)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def asks(rt) -> list[tuple]:
    return [entry for entry in rt.log if entry[0] == "ask"]


def commit(rt, name: str) -> None:
    rt.committed.append(name)


def test_a_webhook_alone_asks_redis_before_it_answers():
    rt, clock = FakeRuntime(), Clock()
    requests = DrainRequests(rt, clock)
    for n in range(3):  # one after the other, as a quiet shop (or a test) sends them
        with requests.section():
            commit(rt, f"d{n}")
            requests.request()
            assert asks(rt)[-1] == ("ask", n + 1, n == 0)  # asked now, after this commit
        clock.now += 0.01
    assert rt.jobs.enqueued == [drain_orders]  # the flag stayed set: one drain job serves them all


def test_the_last_webhook_of_a_burst_inside_the_debounce_window_is_still_followed_by_a_request():
    rt, clock = FakeRuntime(), Clock()
    requests = DrainRequests(rt, clock)
    first, second, last = requests.section(), requests.section(), requests.section()
    first.__enter__()
    second.__enter__()
    commit(rt, "d1")
    requests.request()  # nothing asked yet: asks now
    assert asks(rt) == [("ask", 1, True)] and rt.jobs.enqueued == [drain_orders]
    rt.jobs.redis.start_drain()  # the worker starts that drain at once and claims d1: the flag is gone
    first.__exit__(None, None, None)
    last.__enter__()
    clock.now += DEBOUNCE_SECONDS / 10
    commit(rt, "d2")
    requests.request()  # inside the window with others in flight: owed, not asked
    commit(rt, "d3")
    requests.request()
    assert len(asks(rt)) == 1 and requests.owed
    second.__exit__(None, None, None)  # one still inside: not yet
    assert len(asks(rt)) == 1
    last.__exit__(None, None, None)  # the last one out asks, after every commit of the burst
    assert asks(rt)[-1] == ("ask", 3, True)
    assert rt.jobs.enqueued == [
        drain_orders,
        drain_orders,
    ]  # the started drain did not see d2, d3: a new one will
    assert not requests.owed and requests.inside == 0


def test_a_request_that_finds_the_flag_set_is_enough():
    rt, clock = FakeRuntime(), Clock()
    rt.jobs.redis.flag = True  # a drain is queued and has not started: it will claim what is committed now
    requests = DrainRequests(rt, clock)
    with requests.section():
        commit(rt, "d1")
        requests.request()
    assert asks(rt) == [("ask", 1, False)] and rt.jobs.enqueued == []


def test_a_burst_that_never_pauses_asks_at_least_every_debounce_interval():
    rt, clock = FakeRuntime(), Clock()
    requests = DrainRequests(rt, clock)
    holder = requests.section()  # one request always in flight: the section never empties
    holder.__enter__()
    for n in range(400):
        with requests.section():
            commit(rt, f"d{n}")
            requests.request()
        clock.now += DEBOUNCE_SECONDS / 20
    times = [entry[1] for entry in asks(rt)]
    assert 18 <= len(times) <= 22  # ~one per second over 20 s, instead of 400
    assert all(
        later - earlier <= 21 for earlier, later in zip(times, times[1:], strict=False)
    )  # commits between asks: bounded
    holder.__exit__(None, None, None)
    assert asks(rt)[-1][1] == 400  # ...and the end of the burst is asked for


def test_an_exception_in_the_handler_still_leaves_the_section_and_asks():
    rt, clock = FakeRuntime(), Clock()
    requests = DrainRequests(rt, clock)
    other = requests.section()
    other.__enter__()
    with requests.section():
        commit(rt, "d1")
        requests.request()  # first: asked now
    with pytest.raises(RuntimeError), requests.section():
        commit(rt, "d2")
        requests.request()  # owed (the other one is in flight)
        raise RuntimeError("the answer could not be written")
    other.__exit__(None, None, None)
    assert asks(rt)[-1] == ("ask", 2, False)


def test_redis_down_is_logged_and_the_webhook_still_answers(caplog):
    rt = FakeRuntime(fail=True)
    requests = DrainRequests(rt, Clock())
    with requests.section():
        requests.request()
    assert "could not request an orders drain" in caplog.text


def test_request_drain_outside_a_section_asks_at_once():
    rt = FakeRuntime()
    request_drain(rt)
    request_drain(rt)
    assert [a[2] for a in asks(rt)] == [True, False]
    assert drain_requests(rt) is drain_requests(rt)
    assert drain_requests(FakeRuntime()) is not drain_requests(rt)


def test_many_threads_every_commit_is_followed_by_a_request(monkeypatch):
    """Real threads, random timing, a drain that starts at random moments: for every committed
    delivery a request is made after its commit (so a drain that starts after that request sees it)."""
    monkeypatch.setattr(jobs_orders, "DEBOUNCE_SECONDS", 0.005)
    rt = FakeRuntime()
    requests = DrainRequests(rt)
    commit_lock = threading.Lock()
    rng = random.Random(8)
    delays = [rng.random() / 2000 for _ in range(2000)]

    def handler(n: int) -> None:
        with requests.section():
            time.sleep(delays[n])  # HMAC, INSERT...
            with commit_lock:
                commit(rt, n)
            requests.request()
            time.sleep(delays[-n])  # the answer is written

    def worker(first: int) -> None:
        for n in range(first, 2000, 8):
            handler(n)
            if n % 97 == 0:
                rt.jobs.redis.start_drain()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(rt.committed) == 2000 and requests.inside == 0 and not requests.owed
    assert asks(rt)[-1][1] == 2000  # the last commit is followed by a request
    assert len(asks(rt)) < 2000  # and they were coalesced
