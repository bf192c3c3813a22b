"""Migration 0028 (creator_campaigns carry the shop, README "Scale-out"): on a database holding two shops'
creators in campaigns, every membership is kept and takes its creator's shop; the app reads each creator's
campaigns as before, and writes the shop on a new membership from both sides."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from migration_support import insert_row, reflected
from sqlalchemy.orm import Session

from shopify_roi.migrate import upgrade
from shopify_roi.models import Campaign, Creator


def test_0028_keeps_every_membership_with_its_creators_shop_and_the_app_reads_and_writes_it(fresh_url):
    upgrade(fresh_url, "0027")
    engine, t = reflected(fresh_url)
    expected = {}  # (creator, campaign) -> shop, by hand
    with engine.begin() as conn:
        for domain in ("a.myshopify.com", "b.myshopify.com"):
            shop = insert_row(conn, t["shops"], domain=domain, token_generation=1, scopes="read_orders")
            anna = insert_row(conn, t["creators"], shop_id=shop, handle="anna", name="Anna", status="active")
            ben = insert_row(conn, t["creators"], shop_id=shop, handle="ben", name="Ben", status="active")
            spring = insert_row(
                conn, t["campaigns"], shop_id=shop, name="Spring", slug="spring", status="active"
            )
            summer = insert_row(
                conn, t["campaigns"], shop_id=shop, name="Summer", slug="summer", status="active"
            )
            for creator, campaign in ((anna, spring), (anna, summer), (ben, summer)):
                conn.execute(
                    sa.insert(t["creator_campaigns"]).values(creator_id=creator, campaign_id=campaign)
                )
                expected[(creator, campaign)] = shop
    engine.dispose()
    assert len(expected) == 6  # two shops, three memberships each

    upgrade(fresh_url, "head")
    engine, t = reflected(fresh_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT creator_id, campaign_id, shop_id FROM creator_campaigns")).all()
    assert {(r.creator_id, r.campaign_id): r.shop_id for r in rows} == expected
    assert len(rows) == 6

    with Session(engine) as session:
        for shop in set(expected.values()):
            names = {
                c.handle: sorted(k.name for k in c.campaigns)
                for c in session.scalars(sa.select(Creator).where(Creator.shop_id == shop))
            }
            assert names == {"anna": ["Spring", "Summer"], "ben": ["Summer"]}
        # a new membership, written from the campaign's side, carries the shop
        shop = max(expected.values())
        ben = session.scalar(sa.select(Creator).where(Creator.shop_id == shop, Creator.handle == "ben"))
        spring = session.scalar(
            sa.select(Campaign).where(Campaign.shop_id == shop, Campaign.name == "Spring")
        )
        spring.creators.append(ben)
        session.commit()
        row = session.execute(
            sa.select(t["creator_campaigns"]).where(
                t["creator_campaigns"].c.creator_id == ben.id,
                t["creator_campaigns"].c.campaign_id == spring.id,
            )
        ).one()
        assert row.shop_id == shop
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:  # the key still refuses a repeat
        conn.execute(
            sa.insert(t["creator_campaigns"]).values(creator_id=ben.id, campaign_id=spring.id, shop_id=shop)
        )
    engine.dispose()
