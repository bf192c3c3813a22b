"""The control client's calls for the Shopify features an app may write to (metafields, analytics
annotations and targets, marketing activities, Flow, the web pixel and the online store): what the
stand-in holds, and Flow's runner.
Mixed into ``devstore.testing.ControlClient``, whose ``_call(method, path, json)`` they use."""

from __future__ import annotations


class FeatureControls:
    def metafields(self, shop: str) -> list[dict]:
        """Every metafield the shop holds (``ownerId``, ``namespace``, ``key``, ``type``, ``value``)."""
        return self._call("GET", f"/shops/{shop}/metafields")["metafields"]

    def analytics(self, shop: str) -> dict:
        """The shop's analytics ``{annotations: [...], targets: [...]}``, each with ``createdBy``."""
        return self._call("GET", f"/shops/{shop}/analytics")

    def seed_annotation(self, shop: str, **fields) -> dict:
        """An annotation the merchant or another app made (the app under test may not change it)."""
        return self._call("POST", f"/shops/{shop}/analytics/annotations", json=fields)

    def marketing(self, shop: str) -> dict:
        """The shop's external marketing activities and day engagements (``activities``, ``engagements``)."""
        return self._call("GET", f"/shops/{shop}/marketing")

    def flow_triggers(self, shop: str) -> list[dict]:
        """Every Flow trigger event the app sent and the stand-in accepted (``handle``, ``payload``)."""
        return self._call("GET", f"/shops/{shop}/flow/triggers")["triggers"]

    def run_flow_action(
        self, shop: str, handle: str, properties: dict, action_run_id: str | None = None
    ) -> dict:
        """Flow runs the app's action (a signed POST to its runtime URL); the same ``action_run_id`` again
        is Flow's retry. Returns ``{action_run_id, status, body}`` (the app's answer)."""
        body = {"properties": properties, "action_run_id": action_run_id}
        return self._call("POST", f"/shops/{shop}/flow/actions/{handle}", body)

    def set_flow_workflow(self, shop: str, trigger: str, enabled: bool) -> dict:
        """A workflow starting with ``trigger`` is turned on or off: Flow's lifecycle callback reaches the app
        (``{status, body}``: its answer)."""
        return self._call("POST", f"/shops/{shop}/flow/workflows", {"trigger": trigger, "enabled": enabled})

    def storefront(self, shop: str, **settings) -> dict:
        """The shop's online store settings and the app's web pixel: ``{consent_required, order_id_form,
        web_pixel}``; sets ``consent_required`` (bool) or ``order_id_form`` (``gid``/``numeric``) if given."""
        if settings:
            return self._call("POST", f"/shops/{shop}/storefront", settings)
        return self._call("GET", f"/shops/{shop}/storefront")

    def set_web_pixel_extension(self, directory: str | None) -> dict:
        """Run the web pixel extension in ``directory`` (its shopify.extension.toml and src/) as the app's;
        None: the one beside shopify.app.toml. Returns ``{dir, found, error}``."""
        return self._call("POST", "/app/web-pixel-extension", {"dir": directory})
