"""Bulk jobs (a history import, a creators CSV import) hold at most BULK_JOB_SLOTS workers: a bulk job
finding every slot taken waits for a later turn and runs once one is free, so one shop's import never
holds every worker (README, "Fair between shops")."""

from __future__ import annotations

import dataclasses
import os
from datetime import UTC, datetime
from types import SimpleNamespace

import bulk_support
import pytest
from rq.registry import ScheduledJobRegistry

from shopify_roi.jobs import backfill, creators
from shopify_roi.jobs.bulk_slots import RETRY_AFTER, give_back, take_slot

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="slots are shared through Redis (REDIS_URL)"
)


def test_the_history_import_and_the_creators_import_are_bulk_jobs():
    for job in (backfill.ingest_backfill, creators.run_import):
        assert job.__wrapped__ is not None and job.__module__.startswith("shopify_roi.jobs.")


@needs_redis
def test_a_bulk_job_finding_the_slot_taken_runs_later_once_it_is_free(runtime, shop_domain):
    bulk_support.RAN.clear()
    held = take_slot(runtime)  # another worker is importing a shop's history
    assert held is not None and take_slot(runtime) is None  # one slot by default

    runtime.jobs.enqueue(bulk_support.long_job, shop_domain, 1)
    runtime.jobs.drain()
    assert bulk_support.RAN == []  # it did not run beside the other import...
    scheduled = ScheduledJobRegistry(queue=runtime.jobs.queue)
    [job_id] = scheduled.get_job_ids()  # ...it is queued again, for RETRY_AFTER seconds later
    when = scheduled.get_expiration_time(runtime.jobs.queue.fetch_job(job_id))
    assert RETRY_AFTER - 10 <= (when - datetime.now(UTC)).total_seconds() <= RETRY_AFTER

    give_back(runtime, held)  # the other import ended
    scheduled.remove(job_id)  # its time has come (the scheduler's part, done here at once)
    runtime.jobs.queue.enqueue_job(runtime.jobs.queue.fetch_job(job_id))
    runtime.jobs.drain()
    assert bulk_support.RAN == [1]
    again = take_slot(runtime)  # and it gave its slot back
    assert again is not None
    give_back(runtime, again)


@needs_redis
def test_bulk_job_slots_sets_how_many_run_at_once(runtime):
    two = SimpleNamespace(settings=dataclasses.replace(runtime.settings, bulk_job_slots=2), jobs=runtime.jobs)
    first, second = take_slot(two), take_slot(two)
    assert first is not None and second is not None and take_slot(two) is None
    give_back(two, first)
    third = take_slot(two)
    assert third is not None
    for held in (second, third):
        give_back(two, held)


def test_in_the_embedded_mode_a_bulk_job_runs_at_once(runtime, shop_domain):
    """One in-process worker thread: nothing to share, no slot asked for."""
    if not runtime.jobs.in_process:
        pytest.skip("the embedded mode is the one without REDIS_URL")
    bulk_support.RAN.clear()
    runtime.jobs.enqueue(bulk_support.long_job, shop_domain, 7)
    runtime.jobs.drain()
    assert bulk_support.RAN == [7]


@needs_redis
def test_a_bulk_job_queued_for_later_is_run_again_when_its_worker_dies_under_it(runtime, shop_domain):
    """A deploy SIGKILLs the worker running an import that had waited for its slot: RQ finds the job
    abandoned (still "started", its worker gone) and, with retries left, queues it again; without them
    it would be a failed job and the import would stall until the next sweep."""
    from rq.executions import Execution
    from rq.job import JobStatus
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    queue = runtime.jobs.queue
    job = runtime.jobs.enqueue_in(RETRY_AFTER, bulk_support.long_job, shop_domain, 2)
    assert job.retries_left == 5  # the same retries as a job queued now
    ScheduledJobRegistry(queue=queue).remove(job.id)  # its time came; a worker took it and was killed
    with runtime.jobs.redis.pipeline() as pipe:  # what a worker writes as it starts a job (RQ 3)
        job.prepare_for_execution("a-worker-killed-mid-job", pipe)
        Execution.create(job, ttl=1, pipeline=pipe, worker_name="a-worker-killed-mid-job")
        pipe.execute()
    started = StartedJobRegistry(queue=queue)
    assert job.id in started.get_job_ids() and job.get_status() == JobStatus.STARTED
    started.cleanup(datetime.now(UTC).timestamp() + 60)  # RQ's maintenance, once the heartbeat expired

    assert job.id not in FailedJobRegistry(queue=queue).get_job_ids()
    assert job.id in ScheduledJobRegistry(queue=queue).get_job_ids() + queue.get_job_ids()
    assert job.id not in started.get_job_ids()
