"""Migration 0027 (the public short link's route, README "Scale-out"): on a database holding two shops'
tracked links, every link gets its route, every link already printed in a creator's bio leads where it did
(read through the app's own resolver), no row changes (the links' clicks included), and a short id stays
unique across shops."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from migration_support import insert_row, reflected
from sqlalchemy.orm import Session

from shopify_roi.migrate import upgrade
from shopify_roi.services.creators import clicks


def _links(conn) -> list[tuple]:
    return conn.execute(
        sa.text(
            "SELECT id, shop_id, creator_id, short_id, destination_url, archived "
            "FROM tracked_links ORDER BY id"
        )
    ).all()


def test_0027_gives_every_link_its_route_and_printed_links_lead_where_they_did(fresh_url):
    upgrade(fresh_url, "0026")
    engine, t = reflected(fresh_url)
    made = {}  # short id -> (shop, link, destination)
    with engine.begin() as conn:
        for domain in ("a.myshopify.com", "b.myshopify.com"):
            shop = insert_row(conn, t["shops"], domain=domain, token_generation=1, scopes="read_orders")
            creator = insert_row(
                conn, t["creators"], shop_id=shop, handle="anna", name="Anna", status="active"
            )
            for n, archived in ((1, False), (2, True)):
                short, url = f"s{shop}n{n}", f"https://{domain}/?ref=anna&n={n}"
                link = insert_row(
                    conn,
                    t["tracked_links"],
                    shop_id=shop,
                    creator_id=creator,
                    short_id=short,
                    destination_url=url,
                    archived=archived,
                )
                made[short] = (shop, link, creator, url, archived)
                insert_row(
                    conn, t["clicks"], shop_id=shop, creator_id=creator, link_id=link, visitor_hash="v" * 32
                )
        before = _links(conn)
        clicks_before = conn.execute(sa.text("SELECT * FROM clicks ORDER BY id")).all()
    engine.dispose()
    assert len(before) == 4  # by hand: two shops, a live and an archived link each

    upgrade(fresh_url, "head")
    engine, t = reflected(fresh_url)
    with engine.connect() as conn:
        assert _links(conn) == before
        # SQLite re-creates tracked_links (batch mode): its clicks stay (the migrations run with foreign
        # keys off; with them on, dropping the old table cascaded every click away)
        assert conn.execute(sa.text("SELECT * FROM clicks ORDER BY id")).all() == clicks_before
        routes = conn.execute(sa.text("SELECT short_id, shop_id, link_id FROM link_routes")).all()
    assert {r.short_id: (r.shop_id, r.link_id) for r in routes} == {
        short: (shop, link) for short, (shop, link, *_) in made.items()
    }
    keys = {tuple(u["column_names"]) for u in sa.inspect(engine).get_unique_constraints("tracked_links")}
    assert ("shop_id", "short_id") in keys and ("short_id",) not in keys

    with Session(engine) as session:  # what /l/<short_id> reads: live links lead on, archived ones do not
        for short, (shop, link, creator, url, archived) in made.items():
            assert clicks.resolve_short(session, short) == (None if archived else (link, shop, creator, url))
        assert clicks.resolve_short(session, "nosuchlink") is None

    # A short id is unique across shops: another shop cannot take one (its route is refused).
    (short, (shop, link, *_)) = next(iter(made.items()))
    other_shop = next(s for s, *_ in made.values() if s != shop)
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(
            sa.insert(t["link_routes"]).values(short_id=short, shop_id=other_shop, link_id=link + 100)
        )
    with engine.connect() as conn:
        assert len(conn.execute(sa.text("SELECT * FROM link_routes")).all()) == 4  # the refusal left nothing
    engine.dispose()
