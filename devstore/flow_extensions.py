"""Reading the app's Flow extensions (``extensions/<name>/shopify.extension.toml`` next to
``shopify.app.toml``), as Shopify holds them once the app is deployed, and judging a trigger payload
against its trigger's declared fields.

Sources: "Flow trigger reference" (https://shopify.dev/docs/apps/build/flow/triggers/reference) and
"Flow action reference" (https://shopify.dev/docs/apps/build/flow/actions/reference): ``[[extensions]]``
``name`` (required), ``type`` (``flow_trigger`` / ``flow_action``), ``handle`` (required, at most 30
characters, letters, digits and hyphens, unique in the app), ``description``; an action's ``runtime_url``
(required); ``[[settings.fields]]`` with ``type`` and, for a custom field, ``key``; the reference fields
send ``customer_id``, ``order_id``, ``product_id``.

Stricter readings (not documented either way): a custom field is required in the trigger payload; a key
the extension does not declare is refused; a reference must name an object the shop holds; a
``number_decimal`` value must be a JSON number (a numeric string is refused).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

HANDLE_RE = re.compile(r"[A-Za-z0-9-]{1,30}")
TRIGGER_KEY_RE = re.compile(r"[A-Za-z\s]*")
REFERENCES = {
    "order_reference": "order_id",
    "customer_reference": "customer_id",
    "product_reference": "product_id",
}
TYPES = ("flow_trigger", "flow_action", "flow_trigger_lifecycle_callback")
CUSTOM = ("single_line_text_field", "multi_line_text_field", "number_decimal", "boolean", "email", "url")


class ExtensionError(ValueError):
    """An extension file Shopify CLI would refuse to deploy."""


@dataclass(frozen=True)
class Field:
    type: str
    key: str  # a reference field's payload key (order_id, ...)
    required: bool


@dataclass(frozen=True)
class Extension:
    type: str
    handle: str
    name: str
    fields: tuple[Field, ...]
    url: str | None = None  # an action's runtime_url, a lifecycle callback's url (absolute or app-relative)


def _url(value, path: Path, key: str) -> str:
    """An absolute https URL or a path resolved against the app's URL (changelog "Flow Trigger Lifecycle
    Callback extensions now support relative url paths", https://shopify.dev/changelog/shopify-flow-flow-
    trigger-lifecycle-callback-extensions-now-support-relative-url-paths; protocol-relative refused)."""
    text = str(value or "")
    if text.startswith("https://") or (text.startswith("/") and not text.startswith("//")):
        return text
    raise ExtensionError(f"{path}: {key} must be an https URL or a path starting with /")


def _field(spec: dict, where: str, extension_type: str) -> Field:
    """One ``[[settings.fields]]`` entry, checked as Shopify CLI's flow specifications do
    (github Shopify/cli packages/app/src/cli/services/flow/validation.ts ``validateFieldShape``,
    specifications/flow_trigger.ts ``FlowTriggerSettingsSchema``): a trigger's custom field key is letters
    and spaces; an action's custom field needs a ``key`` and a ``name``, and takes nothing else."""
    kind = spec.get("type")
    if kind in REFERENCES:
        return Field(kind, REFERENCES[kind], bool(spec.get("required", True)))
    if kind not in CUSTOM:
        raise ExtensionError(
            f"{where}: field type {kind!r} is not one of {', '.join([*REFERENCES, *CUSTOM])}"
        )
    key = spec.get("key")
    if not isinstance(key, str) or not key:
        raise ExtensionError(f"{where}: a {kind} field needs a key")
    if extension_type == "flow_trigger" and not TRIGGER_KEY_RE.fullmatch(key):
        raise ExtensionError(f"{where}: a trigger field key has only letters and spaces, not {key!r}")
    if extension_type == "flow_action":
        if not isinstance(spec.get("name"), str):
            raise ExtensionError(f"{where}: an action's {kind} field needs a name")
        extra = set(spec) - {"type", "key", "name", "description", "required"}
        if extra:
            raise ExtensionError(f"{where}: an action field does not take {', '.join(sorted(extra))}")
    return Field(kind, key, bool(spec.get("required", True)))


def read(path: Path) -> list[Extension]:
    """The Flow extensions of one ``shopify.extension.toml`` (other types are skipped)."""
    data = tomllib.loads(path.read_text())
    found = []
    for ext in data.get("extensions") or []:
        if ext.get("type") not in TYPES:
            continue
        handle, name = ext.get("handle"), ext.get("name")
        if not isinstance(handle, str) or not HANDLE_RE.fullmatch(handle) or not name:
            raise ExtensionError(
                f"{path}: needs a name and a handle of at most 30 letters, digits or hyphens"
            )
        url = None
        if ext["type"] == "flow_action":
            url = _url(ext.get("runtime_url"), path, "runtime_url")
        elif ext["type"] == "flow_trigger_lifecycle_callback":
            url = _url(ext.get("url"), path, "url")
        fields = tuple(
            _field(f, str(path), ext["type"]) for f in (data.get("settings") or {}).get("fields") or []
        )
        found.append(Extension(ext["type"], handle, name, fields, url))
    return found


def absolute(url: str, app_url: str) -> str:
    """The URL Flow calls: a relative one resolved against the app's URL."""
    return url if "://" in url else app_url.rstrip("/") + url


def load(app_toml: Path | None) -> dict[str, Extension]:
    """handle -> extension, from the ``extensions/`` folder beside ``shopify.app.toml``."""
    if app_toml is None:
        return {}
    out: dict[str, Extension] = {}
    for path in sorted((Path(app_toml).parent / "extensions").glob("*/shopify.extension.toml")):
        for ext in read(path):
            if ext.handle in out:
                raise ExtensionError(f"two extensions have the handle {ext.handle}")
            out[ext.handle] = ext
    return out


def _value_error(field: Field, value) -> str | None:
    if field.type in REFERENCES:
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        return None if ok else "must be a numeric id"
    if field.type == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if field.type == "number_decimal":  # stricter: a JSON number, not a numeric string
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        return None if ok else "must be a number"
    return None if isinstance(value, str) else "must be a string"


def payload_errors(ext: Extension, payload, exists) -> list[dict]:
    """Shopify's userErrors for a trigger payload ([] when it fits); ``exists(key, id)`` says whether a
    referenced object is in the shop."""
    if not isinstance(payload, dict):
        return [{"field": ["payload"], "message": "Payload must be a JSON object"}]
    errors = []
    declared = {f.key: f for f in ext.fields}
    for key in payload:
        if key not in declared:
            errors.append({"field": ["payload", key], "message": f"{key} is not a field of {ext.handle}"})
    for field in ext.fields:
        if field.key not in payload:
            if field.required:
                errors.append({"field": ["payload", field.key], "message": f"{field.key} is required"})
            continue
        problem = _value_error(field, payload[field.key])
        if problem is None and field.type in REFERENCES and not exists(field.key, payload[field.key]):
            problem = "does not exist in this shop"
        if problem:
            errors.append({"field": ["payload", field.key], "message": f"{field.key} {problem}"})
    return errors
