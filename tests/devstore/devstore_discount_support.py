"""GraphQL operations and a small client shared by the stand-in's discount tests (every
operation here is valid against the Admin schema; the stand-in refuses invalid ones)."""

from __future__ import annotations

from devstore_support import Api

NODE = """
  id
  codeDiscount {
    __typename
    ... on DiscountCodeBasic {
      title status startsAt endsAt usageLimit appliesOncePerCustomer asyncUsageCount tags
      combinesWith { orderDiscounts productDiscounts shippingDiscounts }
      customerGets {
        value {
          __typename
          ... on DiscountPercentage { percentage }
          ... on DiscountAmount { amount { amount currencyCode } appliesOnEachItem }
        }
        items { __typename ... on AllDiscountItems { allItems } }
      }
      minimumRequirement { ... on DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal { amount } } }
      codes(first: 10) { nodes { id code } pageInfo { hasNextPage endCursor } }
      codesCount { count }
    }
  }
"""
CREATE = (
    "mutation Create($input: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $input) {"
    " codeDiscountNode {" + NODE + "} userErrors { field code message extraInfo } } }"
)
UPDATE = (
    "mutation Update($id: ID!, $input: DiscountCodeBasicInput!) {"
    " discountCodeBasicUpdate(id: $id, basicCodeDiscount: $input) {"
    " codeDiscountNode {" + NODE + "} userErrors { field code message } } }"
)
BY_CODE = "query ByCode($code: String!) { codeDiscountNodeByCode(code: $code) {" + NODE + "} }"
ACTIVATE = (
    "mutation A($id: ID!) { discountCodeActivate(id: $id) { codeDiscountNode {"
    + NODE
    + "} userErrors { field code message } } }"
)
DEACTIVATE = ACTIVATE.replace("discountCodeActivate", "discountCodeDeactivate")
DELETE = (
    "mutation D($id: ID!) { discountCodeDelete(id: $id) { deletedCodeDiscountId"
    " userErrors { field code message } } }"
)
NODES = (
    "query N($ids: [ID!]!) { nodes(ids: $ids) { __typename id"
    " ... on DiscountCodeNode { codeDiscount { ... on DiscountCodeBasic { title } } } } }"
)
DISCOUNT_NODE = (
    "query DN($id: ID!) { discountNode(id: $id) { id discount { __typename"
    " ... on DiscountCodeBasic { title status } } }"
    " codeDiscountNode(id: $id) { id } }"
)
BULK_ADD = (
    "mutation B($id: ID!, $codes: [DiscountRedeemCodeInput!]!) {"
    " discountRedeemCodeBulkAdd(discountId: $id, codes: $codes) {"
    " bulkCreation { id done codesCount importedCount failedCount } userErrors { field code message } } }"
)
BULK_QUERY = (
    "query C($id: ID!) { discountRedeemCodeBulkCreation(id: $id) {"
    " id done codesCount importedCount failedCount"
    " codes(first: 250) { nodes { code errors { field message code } discountRedeemCode { id code } } } } }"
)


def discount_input(code="ANNA15", **overrides) -> dict:
    return {
        "title": "Creator: @anna 15% off",
        "code": code,
        "startsAt": "2026-01-01T00:00:00Z",
        "endsAt": None,
        "context": {"all": "ALL"},
        "customerGets": {"value": {"percentage": 0.15}, "items": {"all": True}},
        "appliesOncePerCustomer": True,
        "usageLimit": None,
        "combinesWith": {
            "orderDiscounts": False,
            "productDiscounts": False,
            "shippingDiscounts": True,
        },
        "tags": ["creator:anna"],
        **overrides,
    }


class Admin:
    """GraphQL calls with one token; every answer must be HTTP 200 without top-level errors."""

    def __init__(self, api: Api, token: str):
        self.api, self.token = api, token

    def raw(self, query: str, **variables) -> dict:
        response = self.api.graphql(query, self.token, variables=variables)
        assert response.status_code == 200, response.text
        return response.json()

    def __call__(self, query: str, **variables) -> dict:
        body = self.raw(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def create(self, code="ANNA15", **overrides) -> dict:
        payload = self(CREATE, input=discount_input(code, **overrides))["discountCodeBasicCreate"]
        assert payload["userErrors"] == []
        return payload["codeDiscountNode"]
