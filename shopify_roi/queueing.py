"""The job queue: RQ on Redis, or RQ on an in-process fakeredis with a worker thread (the demo).

`JobQueue.enqueue` is the one way work is queued. A lost enqueue is never fatal: what a job does
is recorded in the database first (the webhook inbox), and the sweeper re-enqueues it. Each job
records the shop it works for (its meta), so a shop is shown its own failed jobs only.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import fakeredis
import redis
from rq import Queue, Retry, SimpleWorker
from rq.registry import FailedJobRegistry
from rq.timeouts import TimerDeathPenalty

from shopify_roi.shopify_client.domains import valid_shop_domain
from shopify_roi.timefmt import iso

log = logging.getLogger(__name__)
# One fake server per process, so the web threads and the worker thread share one queue.
_FAKE_SERVER = fakeredis.FakeServer()
DEFAULT_RETRY = Retry(max=5, interval=[5, 30, 120, 600, 1800])


class BoundedUnsubscribe:
    """RQ's worker listens for commands on a pub/sub thread that polls every 60 seconds; redis-py 8's
    `stop()` waits for that poll, so a worker's teardown (every burst drain, every stop) could hang for a
    minute. Here the wait is bounded; the daemon thread ends by itself."""

    def unsubscribe(self):
        thread = self.pubsub_thread
        if thread is None:
            return
        self.pubsub.unsubscribe()
        try:
            thread.stop(timeout=1)  # redis-py >= 8: bounded; the daemon thread ends with the process
        except TypeError:  # redis-py < 8: stop() does not wait
            thread.stop()
        self.pubsub_thread = None


class ThreadWorker(BoundedUnsubscribe, SimpleWorker):
    """A SimpleWorker that can run off the main thread (no signal handlers; timer-based timeouts)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):  # signals only work in the main thread
        pass


class AppWorker(BoundedUnsubscribe, SimpleWorker):
    """RQ's SimpleWorker as `shopify-roi worker` runs it (with RQ's scheduler in a child process).

    Two things RQ 3 with redis-py 8 get wrong on a SIGTERM (a deploy, a scale-down): RQ reports a
    stop only when it came mid-job (`stop_requested` also knows an idle worker was told to stop), and
    stopping the worker's pub/sub thread waited out the thread's 60-second poll (BoundedUnsubscribe). A
    stopped worker hung for a minute, so its supervisor killed it and RQ's scheduler process was
    orphaned, holding the worker's database and Redis connections.
    """

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested or self._shutdown_requested_date is not None

    def stop_scheduler_process(self) -> None:
        """Stop RQ's scheduler process if it is still running (work() may have ended on an error)."""
        process = getattr(self.scheduler, "_process", None)
        if process is not None and process.is_alive():
            self.stop_scheduler()


class JobQueue:
    def __init__(self, redis_url: str, name: str = "default"):
        if redis_url:
            self.redis = redis.Redis.from_url(redis_url)
        else:
            self.redis = fakeredis.FakeRedis(server=_FAKE_SERVER)
        self.in_process = not redis_url
        self.queue = Queue(name, connection=self.redis)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def enqueue(
        self,
        func,
        *args,
        shop: str | None = None,
        job_id: str | None = None,
        retry: Retry | None = DEFAULT_RETRY,
        **kwargs,
    ):
        """Queue `func(*args)`; returns the job, or None when the queue is unreachable (logged).

        `shop` (a domain) is the shop the job works for, kept in the job's meta. A per-shop job takes
        the shop's domain first (jobs/shop_jobs.py), and that is its shop unless another is given; a job
        taking other ids (a delivery's, a shop's id) is given its shop; a job for every shop has none.
        """
        if shop is None and args and isinstance(args[0], str) and valid_shop_domain(args[0]):
            shop = args[0]
        meta = {"shop": shop} if shop else None
        try:
            return self.queue.enqueue(func, *args, job_id=job_id, retry=retry, meta=meta, **kwargs)
        except redis.RedisError as exc:
            log.error(
                "could not enqueue %s%s: %s (the sweeper will retry)",
                getattr(func, "__name__", func),
                args,
                exc,
            )
            return None

    def enqueue_in(
        self,
        seconds: float,
        func,
        *args,
        shop: str | None = None,
        retry: Retry | None = DEFAULT_RETRY,
        **kwargs,
    ):
        """Queue `func(*args)` to run in `seconds` (RQ's scheduler, which `shopify-roi worker` runs); the
        in-process worker has no scheduler and is the only worker there: it is queued now.

        With the same retries as `enqueue`: without them RQ moves a job whose worker died under it (a
        deploy's SIGKILL, an out-of-memory kill) straight to the failed jobs instead of running it again."""
        if self.in_process:
            return self.enqueue(func, *args, shop=shop, retry=retry, **kwargs)
        if shop is None and args and isinstance(args[0], str) and valid_shop_domain(args[0]):
            shop = args[0]
        try:
            return self.queue.enqueue_in(
                timedelta(seconds=seconds),
                func,
                *args,
                meta={"shop": shop} if shop else None,
                retry=retry,
                **kwargs,
            )
        except redis.RedisError as exc:
            log.error("could not enqueue %s%s for later: %s", getattr(func, "__name__", func), args, exc)
            return None

    def drain(self) -> None:
        """Run every queued job now, in this thread, until the queue is empty (tests, CLI)."""
        worker = ThreadWorker([self.queue], connection=self.redis)
        worker.work(burst=True, logging_level="WARNING")

    def start_thread(self, interval: float = 0.2) -> None:
        """Start an in-process worker thread (embedded mode: no Redis, no worker process)."""
        if self._thread and self._thread.is_alive():
            return

        def loop():
            while not self._stop.is_set():
                try:
                    if self.queue.count:
                        self.drain()
                except Exception:  # noqa: BLE001 - the worker thread must outlive a bad job
                    log.exception("in-process worker failed")
                self._stop.wait(interval)

        self._stop.clear()
        self._thread = threading.Thread(target=loop, name="rq-inprocess-worker", daemon=True)
        self._thread.start()

    def stop_thread(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def depth(self) -> int:
        return self.queue.count

    def failed_jobs(self, limit: int = 20) -> list[dict]:
        try:
            return failed_reasons(self.queue, limit)
        except redis.RedisError:
            return []


def failed_reasons(queue: Queue, limit: int = 20) -> list[dict]:
    """The newest failed jobs with a readable reason (the exception's last line) and the shop each was
    queued for (None: no one shop)."""
    registry = FailedJobRegistry(queue=queue)
    out = []
    for job_id in registry.get_job_ids()[-limit:][::-1]:
        job = queue.fetch_job(job_id)
        if job is None:
            continue
        info = (getattr(job, "exc_info", None) or "").strip().splitlines()
        out.append(
            {
                "job": job.func_name.rsplit(".", 1)[-1],
                "args": [str(a) for a in job.args][:3],
                "reason": info[-1] if info else "unknown",
                "ended_at": iso(job.ended_at),
                "shop": (job.meta or {}).get("shop"),
            }
        )
    return out
