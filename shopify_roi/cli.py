"""The `shopify-roi` command group (Flask's CLI): db upgrade, worker, serve, plus Flask's own."""

from __future__ import annotations

import time
from datetime import date, timedelta

import click
from flask.cli import FlaskGroup, NoAppException
from redis.exceptions import ConnectionError as RedisDown
from redis.exceptions import TimeoutError as RedisTimeout
from rich.progress import Progress
from werkzeug.serving import run_simple

from shopify_roi.app import create_app
from shopify_roi.config import ConfigError, from_env
from shopify_roi.db import utcnow
from shopify_roi.gc_tuning import settle
from shopify_roi.jobs.schedules import Ticker
from shopify_roi.jobs.shop_jobs import shop_id_of
from shopify_roi.migrate import upgrade
from shopify_roi.queueing import AppWorker
from shopify_roi.runtime import Runtime, install
from shopify_roi.services.creators import imports
from shopify_roi.services.errors import ServiceError
from shopify_roi.services.orders import backfill
from shopify_roi.services.shops.tokens import admin_client, rotate_encryption

CONFIG_HELP = (
    "Set these variables in the environment (README.md, Configuration, lists every one); `make demo` runs "
    "everything locally with the stand-in's settings."
)


def _create_app():
    try:
        return create_app(start_worker=False)
    except ConfigError as exc:  # Flask prints a NoAppException's message without a traceback
        raise NoAppException(f"{exc}\n{CONFIG_HELP}") from None


class _Commands(FlaskGroup):
    """Flask's group, with a missing or invalid configuration said in words (which variables) instead of
    a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (ConfigError, NoAppException) as exc:
            message = str(exc) if CONFIG_HELP in str(exc) else f"{exc}\n{CONFIG_HELP}"
            raise click.ClickException(message) from None


@click.group(cls=_Commands, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Creator ROI: the embedded Shopify app's commands."""


@main.group(cls=click.Group)
def db() -> None:
    """Database migrations (Alembic, in migrations/)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate DATABASE_URL to the latest schema (SQLite or PostgreSQL); safe to repeat."""
    settings = from_env()
    upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}: {settings.database_url.split('@')[-1]}")


@main.command("worker", with_appcontext=False)
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
def worker(burst: bool) -> None:
    """Run an RQ worker for the app's queue, plus the periodic sweeper (needs REDIS_URL).

    A SimpleWorker (no fork per job): jobs are short database work, and forking costs more than
    the job (RQ's forking worker ran ~130 noop jobs/s here against ~325/s). Scale by adding processes.
    SIGTERM or SIGINT stops it (after the job under way) with RQ's scheduler process.
    """
    rt = install(Runtime.build(from_env()))
    if rt.jobs.in_process:
        raise click.ClickException("REDIS_URL is not set: the web process runs the in-process worker itself")
    settle()
    ticker = Ticker(rt).start()
    wait = 0.5
    try:
        while True:
            started = time.monotonic()
            rq_worker = None
            try:
                rq_worker = AppWorker([rt.jobs.queue], connection=rt.jobs.redis)
                rq_worker.work(burst=burst, with_scheduler=True)
                if burst or rq_worker.stop_requested:  # done, or SIGTERM/SIGINT (a warm shutdown)
                    return
                # RQ returns from work() after it logged "found an unhandled exception, quitting": Redis
                # went away while it finished a job (seen in the fault suite). Start again, as below.
                reason = "the worker stopped on an error logged above"
            except (RedisDown, RedisTimeout) as exc:
                reason = f"Redis unavailable ({exc})"
            finally:
                if rq_worker is not None:
                    rq_worker.stop_scheduler_process()  # never two schedulers, never one left behind
            # Redis restarting (a deploy, a failover): wait and start a fresh worker instead of dying.
            # Nothing is lost meanwhile: webhooks sit in the database inbox and the sweeper re-queues them.
            wait = 0.5 if time.monotonic() - started > 60 else wait
            click.echo(f"{reason}; starting again in {wait:.1f} s", err=True)
            time.sleep(wait)
            wait = min(wait * 2, 10.0)
    finally:
        ticker.stop()


@main.command("serve", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the app with its in-process worker (development and the demo; production uses gunicorn)."""
    app = create_app()
    settle()
    click.echo(f"Creator ROI listening on http://{host}:{port}")
    run_simple(host, port, app, threaded=True, use_reloader=False)


@main.command("rotate-keys", with_appcontext=False)
def rotate_keys() -> None:
    """Re-encrypt every stored Shopify token with the first key of TOKEN_ENCRYPTION_KEY.

    Rotate by putting a new key first (`NEW,OLD`), restarting every process, running this, then
    removing OLD. Safe to repeat and to run beside the web and worker processes.
    """
    rt = install(Runtime.build(from_env()))
    counts = rotate_encryption(rt)
    click.echo(
        f"re-encrypted the tokens of {counts['rotated']} shops with the newest key"
        + (
            f"; {counts['changed_meanwhile']} were refreshed meanwhile (already on the newest key)"
            if counts["changed_meanwhile"]
            else ""
        )
    )
    if counts["unreadable"]:
        raise click.ClickException(
            "no key decrypts the tokens of: "
            + ", ".join(counts["unreadable"])
            + " (add the key they were written with to TOKEN_ENCRYPTION_KEY)"
        )


@main.group(cls=click.Group)
def creators() -> None:
    """Creators and their codes."""


@creators.command("import")
@click.argument("shop")
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
def creators_import(shop: str, csv_file) -> None:
    """Import creators with their codes from CSV_FILE into SHOP (resumable; safe to run again)."""
    rt = install(Runtime.build(from_env()))
    shop_id = shop_id_of(rt, shop)
    if shop_id is None:
        raise click.ClickException(f"{shop} has not installed the app")
    try:
        with rt.db.session() as session:
            run_id = imports.start(session, shop_id, csv_file.read()).id
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    with Progress(transient=True) as bar:
        task = bar.add_task("creating creators and codes", total=None)
        summary = imports.run(
            rt.db,
            admin_client(rt, shop),
            shop_id,
            run_id,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    counts = ", ".join(f"{n} {status}" for status, n in sorted(summary["counts"].items()))
    click.echo(f"import {run_id}: {summary['total']} rows: {counts}")
    for row in summary["rows"]:
        if row["status"] not in ("created", "unchanged", "resumed"):
            click.echo(
                f"  line {row['line']} @{row['handle']} {row['code']}: {row['status']} {row['message']}"
            )


@main.command("backfill", with_appcontext=False)
@click.argument("shop")
@click.option("--from", "start", help="first order date, YYYY-MM-DD (default: as far back as allowed)")
@click.option("--to", "end", help="last order date, YYYY-MM-DD")
@click.option("--since-hours", type=float, help="reconcile: orders updated in the last N hours")
def backfill_command(shop: str, start: str | None, end: str | None, since_hours: float | None) -> None:
    """Backfill or reconcile SHOP's orders through a bulk operation, with a progress bar."""
    rt = install(Runtime.build(from_env()))
    shop_id = shop_id_of(rt, shop)
    if shop_id is None:
        raise click.ClickException(f"{shop} has not installed the app")
    client = admin_client(rt, shop)
    window = {
        "start": date.fromisoformat(start) if start else None,
        "end": date.fromisoformat(end) if end else None,
        "updated_since": utcnow() - timedelta(hours=since_hours) if since_hours else None,
    }
    run_id = backfill.start(rt.db, client, shop_id, "manual", **window)
    with Progress(transient=True) as bar:
        task = bar.add_task("waiting for Shopify's bulk operation", total=None)
        while (
            figures := backfill.ingest(
                rt.db,
                client,
                shop_id,
                run_id,
                progress=lambda done, total: bar.update(
                    task, description="ingesting orders", completed=done, total=total or None
                ),
                processes=rt.settings.import_processes,
            )
        )["status"] == "running":
            time.sleep(1)
    if figures.get("note"):
        click.echo(figures["note"])
    click.echo(
        f"backfill {run_id}: {figures['status']}: {figures['orders_seen']} orders seen, "
        f"{figures['orders_repaired']} orders and {figures['refunds_repaired']} refunds repaired"
    )
    if figures.get("error"):
        raise click.ClickException(figures["error"])
