"""The job queue: RQ on Redis, or RQ on an in-process fakeredis with a worker thread (the demo).

`JobQueue.enqueue` is the one way work is queued. A lost enqueue is never fatal: what a job does
is recorded in the database first (the webhook inbox), and the sweeper re-enqueues it.
"""

from __future__ import annotations

import logging
import threading

import fakeredis
import redis
from rq import Queue, Retry, SimpleWorker
from rq.registry import FailedJobRegistry
from rq.timeouts import TimerDeathPenalty

from shopify_roi.timefmt import iso

log = logging.getLogger(__name__)
# One fake server per process, so the web threads and the worker thread share one queue.
_FAKE_SERVER = fakeredis.FakeServer()
DEFAULT_RETRY = Retry(max=5, interval=[5, 30, 120, 600, 1800])


class ThreadWorker(SimpleWorker):
    """A SimpleWorker that can run off the main thread (no signal handlers; timer-based timeouts)."""

    death_penalty_class = TimerDeathPenalty

    def _install_signal_handlers(self):  # signals only work in the main thread
        pass


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

    def enqueue(self, func, *args, job_id: str | None = None, retry: Retry | None = DEFAULT_RETRY, **kwargs):
        """Queue `func(*args)`; returns the job, or None when the queue is unreachable (logged)."""
        try:
            return self.queue.enqueue(func, *args, job_id=job_id, retry=retry, **kwargs)
        except redis.RedisError as exc:
            log.error(
                "could not enqueue %s%s: %s (the sweeper will retry)",
                getattr(func, "__name__", func),
                args,
                exc,
            )
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

    def failed(self) -> int:
        return FailedJobRegistry(queue=self.queue).count

    def failed_jobs(self, limit: int = 20) -> list[dict]:
        try:
            return failed_reasons(self.queue, limit)
        except redis.RedisError:
            return []


def failed_reasons(queue: Queue, limit: int = 20) -> list[dict]:
    """The newest failed jobs with a readable reason (the exception's last line)."""
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
            }
        )
    return out
