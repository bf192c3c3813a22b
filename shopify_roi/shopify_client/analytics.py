"""Analytics annotations and targets (Admin GraphQL 2026-10): create, update, delete one by id.

Annotations need `write_analytics_annotations`, targets `write_reports`
(https://shopify.dev/docs/apps/build/analytics/campaign-dashboard-targets-and-annotations). An app may change
only what it created: anything else is NOT_FOUND, as is a record already deleted.
"""

from __future__ import annotations

from shopify_roi.shopify_client.admin import AdminClient, UserErrors, load_query

ANNOTATION, TARGET = "annotation", "target"
_CREATE = {
    ANNOTATION: ("analytics_annotation_create", "analyticsAnnotationCreate", "analyticsAnnotation"),
    TARGET: ("analytics_target_create", "analyticsTargetCreate", "analyticsTarget"),
}
_UPDATE = {
    ANNOTATION: ("analytics_annotation_update", "analyticsAnnotationUpdate"),
    TARGET: ("analytics_target_update", "analyticsTargetUpdate"),
}


def _operation(field: str) -> str:
    return field[0].upper() + field[1:]  # the operation name in queries/*.graphql


def not_found(exc: UserErrors) -> bool:
    return any(e.get("code") == "NOT_FOUND" for e in exc.errors)


def create(client: AdminClient, kind: str, fields: dict) -> str:
    """Create the annotation or target; its gid. UserErrors when Shopify refused it."""
    name, field, node = _CREATE[kind]
    return client.mutate(load_query(name), {"input": fields}, field, _operation(field))[node]["id"]


def update(client: AdminClient, kind: str, gid: str, fields: dict) -> None:
    """Set `fields` on the app's annotation or target; UserErrors (NOT_FOUND: gone) when refused."""
    name, field = _UPDATE[kind]
    client.mutate(load_query(name), {"id": gid, "input": fields}, field, _operation(field))


def delete(client: AdminClient, kind: str, gid: str) -> None:
    """Delete the app's annotation or target; one already gone (NOT_FOUND) is no error."""
    try:
        if kind == ANNOTATION:
            field, name, variables = "analyticsAnnotationDelete", "analytics_annotation_delete", {"id": gid}
        else:
            field, name, variables = "analyticsTargetsDelete", "analytics_targets_delete", {"ids": [gid]}
        client.mutate(load_query(name), variables, field, _operation(field))
    except UserErrors as exc:
        if not not_found(exc):
            raise


__all__ = ["ANNOTATION", "TARGET", "UserErrors", "create", "delete", "not_found", "update"]
