"""What the bulk-operation tests share: the run mutation (grouped or not), an orders query like the
one the app's backfill sends, and running one operation to its end through the Admin GraphQL
endpoint. Named uniquely so it cannot clash with another helper module on sys.path."""

from __future__ import annotations

import time

RUN = """mutation Run($q: String!) { bulkOperationRunQuery(query: $q) {
  bulkOperation { id status } userErrors { field code message } } }"""
RUN_GROUPED = """mutation Run($q: String!) { bulkOperationRunQuery(query: $q, groupObjects: true) {
  bulkOperation { id status } userErrors { field code message } } }"""
POLL = """query Poll($id: ID!) { bulkOperation(id: $id) {
  id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt
  query } }"""
INNER = """{
  orders(query: "updated_at:>='2026-01-01T00:00:00Z' AND created_at:<=2026-12-31") {
    edges { node {
      id legacyResourceId name createdAt updatedAt processedAt cancelledAt test taxesIncluded
      currencyCode presentmentCurrencyCode displayFinancialStatus discountCodes
      customAttributes { key value } tags customer { id }
      customerJourneySummary { lastVisit { landingPage referrerUrl } }
      lineItems { edges { node {
        id quantity originalUnitPriceSet { shopMoney { amount currencyCode } }
        discountAllocations { allocatedAmountSet { shopMoney { amount } } }
        taxLines { priceSet { shopMoney { amount } } } } } }
      refunds { id createdAt }
    } }
  }
}"""


def gql(api, token, query, **variables) -> dict:
    response = api.graphql(query, token, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def wait_done(api, token, op_id, timeout=10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        op = gql(api, token, POLL, id=op_id)["bulkOperation"]
        if op["status"] not in ("CREATED", "RUNNING"):
            return op
        time.sleep(0.05)
    raise TimeoutError(op_id)


def run_bulk(api, token, inner=INNER, run=RUN) -> dict:
    answer = gql(api, token, run, q=inner)["bulkOperationRunQuery"]
    assert answer["userErrors"] == [], answer
    return wait_done(api, token, answer["bulkOperation"]["id"])
