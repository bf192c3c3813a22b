"""Running a Shopify Flow action the app offers (extensions/<handle>/shopify.extension.toml), once per
`action_run_id`.

Flow POSTs `{shop_id, shopify_domain, action_run_id, handle, properties}` to the action's runtime_url
and sends the same `action_run_id` again when it retries ("Create Flow action endpoints",
https://shopify.dev/docs/apps/build/flow/actions/endpoints, on avoiding duplicate requests), so a run is
claimed in `flow_action_runs` before it acts. Answers: done (200); refused (400 with the reason, for Flow
to show the merchant; the same run is refused again); Shopify unavailable (503, which Flow retries; the
claim is released so the retry acts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from shopify_roi.db import Database, utcnow
from shopify_roi.models import FlowActionRun, Shop
from shopify_roi.models.flow import DONE, FAILED, RECEIVED
from shopify_roi.services.creators import code_changes, codes, onboard, profiles
from shopify_roi.services.errors import Invalid, ServiceError, ShopifyUnavailable
from shopify_roi.services.metrics.window import shop_zone
from shopify_roi.services.spend import ledger
from shopify_roi.shopify_client.admin import AdminClient, AdminError, UserErrors

REFUSED = "refused"  # a final answer: the same run is refused again, never acted on
CREATE, SPEND, PAUSE = "create-creator-with-code", "log-creator-spend", "pause-creator-code"
HANDLES = (CREATE, SPEND, PAUSE)
STALE = timedelta(minutes=5)  # an action takes seconds (web/flow_actions.py bounds Shopify's waits)


@dataclass(frozen=True)
class Answer:
    status: int  # the HTTP status for Flow
    message: str
    created_handle: str | None = None  # a creator this run made (their orders may need re-attributing)


BUSY = Answer(503, "this action run is being handled; ask again for its outcome")


def _claim(db: Database, shop_id: int, run_id: str, handle: str) -> FlowActionRun | Answer:
    """Claim the run. A run done or refused before gets its first answer again; one another request is
    acting on gets a 503 (Flow asks again later and then gets the outcome); one that failed, or whose
    request died mid-way (received over STALE ago), is claimed again."""
    with db.session() as session:
        row = session.scalar(
            select(FlowActionRun).where(
                FlowActionRun.shop_id == shop_id, FlowActionRun.action_run_id == run_id
            )
        )
        if row is None:
            row = FlowActionRun(shop_id=shop_id, action_run_id=run_id, handle=handle, status=RECEIVED)
            session.add(row)
            try:
                session.flush()
            except IntegrityError:  # the same run arrived twice at once: the other request acts
                session.rollback()
                return BUSY
            return row
        if row.status == DONE:
            return Answer(200, row.result)
        if row.status == REFUSED:
            return Answer(400, row.result)
        retryable = (FlowActionRun.status == FAILED) | (FlowActionRun.updated_at < utcnow() - STALE)
        taken = session.execute(  # by one request only
            update(FlowActionRun)
            .where(FlowActionRun.id == row.id, FlowActionRun.shop_id == shop_id)
            .where(FlowActionRun.status != DONE, FlowActionRun.status != REFUSED)
            .where(retryable)
            .values(status=RECEIVED, updated_at=utcnow())
        ).rowcount
        return row if taken else BUSY


def _finish(db: Database, run: FlowActionRun, status: str, result: str) -> None:
    with db.session() as session:
        session.execute(
            update(FlowActionRun)
            .where(FlowActionRun.id == run.id, FlowActionRun.shop_id == run.shop_id)
            .values(status=status, result=result[:2000])
        )


def _text(props: dict, key: str) -> str:
    value = props.get(key)
    return "" if value is None else str(value).strip()


def _spend(db: Database, shop: Shop, run: FlowActionRun, props: dict) -> Answer:
    """The entry and the run's `done` commit together: a retry can never add a second entry."""
    data = {
        "kind": _text(props, "kind"),
        "amount": _text(props, "amount"),
        "date": _text(props, "date") or datetime.now(shop_zone(shop)).date().isoformat(),  # the shop's today
        "note": _text(props, "note") or "Logged by Shopify Flow",
    }
    with db.session() as session:
        entry = ledger.add(session, shop.id, _text(props, "handle"), data)
        message = f"logged {entry.kind} spend of {entry.amount} for @{_text(props, 'handle')}"
        session.execute(
            update(FlowActionRun)
            .where(FlowActionRun.id == run.id, FlowActionRun.shop_id == shop.id)
            .values(status=DONE, result=message)
        )
    return Answer(200, message)


def _create(db: Database, client: AdminClient, shop: Shop, props: dict) -> Answer:
    creator = {"handle": _text(props, "handle"), "name": _text(props, "name")}
    code = {"code": _text(props, "code"), "percent_off": _text(props, "percent_off")}
    # repeat_ok: a run that stopped after Shopify made the code finds it and is `unchanged`
    outcome = onboard.onboard(db, client, shop.id, creator, code, repeat_ok=True)
    return Answer(200, f"@{outcome.handle} has the code {outcome.code} ({outcome.status})", outcome.handle)


def _pause(db: Database, client: AdminClient, shop: Shop, props: dict) -> Answer:
    handle = _text(props, "handle")
    with db.session() as session:
        creator = profiles.get_creator(session, shop.id, handle)
        code = codes.current_code(session, shop.id, creator.id)
        if code is None:
            raise Invalid(f"@{creator.handle} has no active code to pause.")
        code_id, code_text = code.id, code.code
    code_changes.set_paused(db, client, shop.id, handle, code_id, True)
    return Answer(200, f"paused {code_text} of @{handle}")


def run(db: Database, client_for, shop: Shop, handle: str, run_id: str, props: dict) -> Answer:
    """Act on one action run of `shop` (the shop comes from the signed body's domain); idempotent by
    `run_id`. `client_for()` gives the shop's Admin client, asked for only by actions that call Shopify."""
    claimed = _claim(db, shop.id, run_id, handle)
    if isinstance(claimed, Answer):
        return claimed
    try:
        if handle == SPEND:
            return _spend(db, shop, claimed, props)
        answer = (_create if handle == CREATE else _pause)(db, client_for(), shop, props)
    except UserErrors as exc:  # Shopify refused (say, the discount was deleted in the admin): final
        _finish(db, claimed, REFUSED, f"Shopify refused: {exc}")
        return Answer(400, f"Shopify refused: {exc}")
    except (ShopifyUnavailable, AdminError) as exc:
        _finish(db, claimed, FAILED, f"Shopify did not answer: {exc}")
        return Answer(503, "Shopify is not answering; try again later")
    except ServiceError as exc:  # Invalid, NotFound (another shop's creator), Conflict
        message = str(exc) + "".join(f"; {k} {v}" for k, v in (getattr(exc, "fields", None) or {}).items())
        _finish(db, claimed, REFUSED, message)
        return Answer(400, message)
    _finish(db, claimed, DONE, answer.message)
    return answer
