"""CSV import of many creators: throttled hard, killed half-way, re-run: every code exactly once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from support import Merchant, app_environment, install

HEADER = "name,handle,platform,followers,commission_percent,code,percent_off,amount_off,campaigns\n"


def _csv(n: int) -> str:
    rows = [
        f"Creator {i},creator-{i:03d},tiktok,{1000 + i},10,CODE{i:03d},{5 + i % 20},,Autumn" for i in range(n)
    ]
    return HEADER + "\n".join(rows) + "\n"


def _shop_codes(stand_in, shop) -> list[str]:
    return [
        c["code"] if isinstance(c, dict) else c for d in stand_in.control.discounts(shop) for c in d["codes"]
    ]


@pytest.fixture
def merchant(app_server, stand_in, shop_domain):
    install(app_server.url, shop_domain)
    return Merchant(app_server.url, stand_in, shop_domain)


def test_import_of_200_creators_under_hard_throttling_creates_200_codes_with_a_report(
    merchant, runtime, stand_in, shop_domain
):
    # every 40th request finds the bucket spent, so the import meets throttling however fast it runs
    stand_in.control.faults(shop_domain, throttle={"maximum": 25, "restore_rate": 250, "empty_every": 40})
    started = merchant.post("/api/creators/import", data=_csv(200))
    assert started.status_code == 202, started.text
    runtime.jobs.drain()

    report = merchant.get(f"/api/creators/imports/{started.json()['id']}").json()
    assert report["status"] == "done" and report["total"] == 200 and report["processed"] == 200
    assert report["counts"] == {"created": 200}
    assert [r["line"] for r in report["rows"]] == list(range(2, 202))
    codes = _shop_codes(stand_in, shop_domain)
    assert len(codes) == 200 and set(codes) == {f"CODE{i:03d}" for i in range(200)}
    assert len(merchant.get("/api/creators").json()["creators"]) == 200
    throttled = [e for e in stand_in.control.graphql_log(shop_domain) if "THROTTLED" in str(e.get("errors"))]
    assert throttled, "the stand-in never throttled: the test did not test throttling"

    again = merchant.post("/api/creators/import", data=_csv(200))
    runtime.jobs.drain()
    assert merchant.get(f"/api/creators/imports/{again.json()['id']}").json()["counts"] == {"unchanged": 200}
    assert len(_shop_codes(stand_in, shop_domain)) == 200


def test_import_reports_bad_rows_and_clashes_per_row(merchant, runtime, stand_in, shop_domain):
    stand_in.control.create_discount(shop_domain, "TAKEN10", percentage=0.1)
    text = (
        HEADER
        + "\n".join(
            [
                "Good One,good,instagram,10,10,GOOD10,10,,",
                "No Code,nocode,instagram,10,10,,10,,",
                "Clash,clash,instagram,10,10,taken10,10,,",
                "Twice,good,instagram,10,10,OTHER10,10,,",
            ]
        )
        + "\n"
    )
    started = merchant.post("/api/creators/import", data=text)
    runtime.jobs.drain()
    rows = {
        r["line"]: r for r in merchant.get(f"/api/creators/imports/{started.json()['id']}").json()["rows"]
    }
    assert rows[2]["status"] == "created"
    assert rows[3]["status"] == "invalid" and "code" in rows[3]["message"]
    assert rows[4]["status"] == "clash" and "TAKEN10" in rows[4]["message"].upper()
    assert rows[5]["status"] == "invalid" and "earlier in the file" in rows[5]["message"]
    assert sorted(_shop_codes(stand_in, shop_domain)) == ["GOOD10", "TAKEN10"]
    assert [c["handle"] for c in merchant.get("/api/creators").json()["creators"]] == ["good"]


def _report(merchant, runtime, text: str) -> dict:
    started = merchant.post("/api/creators/import", data=text)
    assert started.status_code == 202, started.text
    runtime.jobs.drain()
    return merchant.get(f"/api/creators/imports/{started.json()['id']}").json()


def test_a_csv_with_only_the_required_columns_imports_with_the_stated_default_discount(
    merchant, runtime, stand_in, shop_domain
):
    report = _report(merchant, runtime, "name,handle,code\nJamie Lee,jamie,JAMIE10\n")

    assert report["status"] == "done" and report["counts"] == {"created": 1}
    (row,) = report["rows"]
    assert row["status"] == "created" and "10% off" in row["message"]  # the default, said on the row
    (discount,) = stand_in.control.discounts(shop_domain)
    assert _shop_codes(stand_in, shop_domain) == ["JAMIE10"]
    assert discount["value"] == {"percentage": 0.1}  # README: no percent_off or amount_off -> 10 % off
    assert [c["handle"] for c in merchant.get("/api/creators").json()["creators"]] == ["jamie"]


def test_an_invalid_row_reports_invalid_with_its_reason_and_creates_nothing(
    merchant, runtime, stand_in, shop_domain
):
    report = _report(merchant, runtime, "name,handle,code,percent_off\nJamie Lee,jamie,JAMIE150,150\n")

    (row,) = report["rows"]
    assert row["status"] == "invalid"
    assert "percent_off" in row["message"] and "between 0 and 100" in row["message"]
    assert stand_in.control.discounts(shop_domain) == []
    assert merchant.get("/api/creators").json()["creators"] == []


def test_a_code_already_in_the_shop_reports_clash_and_creates_nothing(
    merchant, runtime, stand_in, shop_domain
):
    stand_in.control.create_discount(shop_domain, "TAKEN10", percentage=0.1)

    report = _report(merchant, runtime, "name,handle,code\nTaken,taken,taken10\n")

    (row,) = report["rows"]
    assert row["status"] == "clash" and "TAKEN10" in row["message"].upper()
    assert report["counts"] == {"clash": 1}
    assert _shop_codes(stand_in, shop_domain) == ["TAKEN10"]
    assert merchant.get("/api/creators").json()["creators"] == []


def test_import_killed_half_way_and_run_again_creates_nothing_twice(
    merchant, runtime, stand_in, shop_domain, tmp_path
):
    csv_file = tmp_path / "creators.csv"
    csv_file.write_text(_csv(200))
    stand_in.control.faults(shop_domain, throttle={"maximum": 25, "restore_rate": 200})
    settings = runtime.settings
    env = app_environment(settings)
    cli = [
        str(Path(sys.executable).with_name("shopify-roi")),
        "creators",
        "import",
        shop_domain,
        str(csv_file),
    ]
    first = subprocess.Popen(cli, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while len(_shop_codes(stand_in, shop_domain)) < 80 and time.time() < deadline and first.poll() is None:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)  # mid-run: rows done, perhaps one half-made
    first.wait(10)
    made_before = len(_shop_codes(stand_in, shop_domain))
    assert 80 <= made_before < 200, f"killed too late or too early ({made_before} codes)"

    second = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr

    codes = _shop_codes(stand_in, shop_domain)
    assert Counter(codes).most_common(1)[0][1] == 1  # no code twice
    assert set(codes) == {f"CODE{i:03d}" for i in range(200)}
    creators = merchant.get("/api/creators").json()["creators"]
    assert len(creators) == 200 and all(c["code"]["status"] == "active" for c in creators)
    assert "200 rows" in second.stdout
