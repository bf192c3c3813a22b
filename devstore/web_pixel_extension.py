"""Reading the app's web pixel extension (``extensions/<name>/shopify.extension.toml`` beside
``shopify.app.toml``, or ``DevstoreConfig.web_pixel_extension_dir``) as Shopify holds it once the app is
deployed: its settings definition (what ``webPixelCreate``/``webPixelUpdate`` validate against), its
``[customer_privacy]`` needs (what the storefront's pixel manager checks before loading it) and its
``src/`` files (what the strict sandbox runs).

Sources: "Build web pixels", https://shopify.dev/docs/apps/build/marketing-analytics/build-web-pixels
(``type = "web_pixel_extension"``, ``runtime_context = "strict"``, ``[settings] type = "object"`` with
``[settings.fields.<key>]`` of ``type = "single_line_text_field"`` and ``validations``); webPixelCreate,
https://shopify.dev/docs/api/admin-graphql/latest/mutations/webPixelCreate ("Shopify validates it against
the settings definition in shopify.extension.toml"; its example answers ``INVALID_SETTINGS``, field
``["webPixel"]``, "Missing keys: trackingId"); "Pixel privacy",
https://shopify.dev/docs/api/web-pixels-api/pixel-privacy ("Shopify's pixel manager will only load your
pixel if there is visitor permission for all of the settings that your pixels declares as required").

Stricter readings (not documented either way): every declared field is required and must be a string; a
key the definition does not declare is refused ("Unknown keys: ..."); only ``single_line_text_field``
fields and the ``min``/``max`` (length), ``regex`` and ``choices`` validations are known, anything else
makes the definition invalid (``INVALID_SETTINGS_DEFINITION``); a ``runtime_context`` other than
``strict`` is ``INVALID_RUNTIME_CONTEXT`` (app pixels run only in the strict sandbox); two web pixel
extensions in one app are an invalid definition.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

TYPE = "web_pixel_extension"
FIELD_TYPES = ("single_line_text_field",)
VALIDATIONS = ("min", "max", "regex", "choices")
PRIVACY = {  # the TOML key -> the customerPrivacy flag it requires
    "analytics": "analyticsProcessingAllowed",
    "marketing": "marketingAllowed",
    "preferences": "preferencesProcessingAllowed",
    "sale_of_data": "saleOfDataAllowed",
}
PACKAGE = "@shopify/web-pixels-extension"
IMPORT_RE = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])@shopify/web-pixels-extension\2""")


class ExtensionError(ValueError):
    """The extension is in a state Shopify would not accept; ``code`` is the ErrorsWebPixelUserErrorCode."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class SettingField:
    key: str
    type: str
    validations: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class PixelExtension:
    directory: Path
    name: str
    runtime_context: str
    fields: tuple[SettingField, ...]
    requires: tuple[str, ...]  # customerPrivacy flags that must all be allowed for the pixel to load


def _is_pixel(path: Path) -> bool:
    data = tomllib.loads(path.read_text())
    kinds = [data.get("type")] + [e.get("type") for e in data.get("extensions") or [] if isinstance(e, dict)]
    return TYPE in kinds


def locate(app_toml: Path | None, directory: Path | None) -> Path | None:
    """The extension's directory: the configured one, else the one web pixel extension beside the TOML."""
    if directory is not None:
        return Path(directory) if (Path(directory) / "shopify.extension.toml").is_file() else None
    if app_toml is None:
        return None
    found = [
        p.parent for p in sorted((Path(app_toml).parent / "extensions").glob("*/shopify.extension.toml"))
    ]
    found = [d for d in found if _is_pixel(d / "shopify.extension.toml")]
    if len(found) > 1:
        raise ExtensionError("INVALID_SETTINGS_DEFINITION", "The app has more than one web pixel extension.")
    return found[0] if found else None


def _field(key: str, spec) -> SettingField:
    if not isinstance(spec, dict) or spec.get("type") not in FIELD_TYPES:
        raise ExtensionError("INVALID_SETTINGS_DEFINITION", f"Setting {key} has an unsupported type.")
    rules = []
    for rule in spec.get("validations") or []:
        if not isinstance(rule, dict) or rule.get("name") not in VALIDATIONS:
            raise ExtensionError("INVALID_SETTINGS_DEFINITION", f"Setting {key} has an unknown validation.")
        rules.append((rule["name"], rule.get("value")))
    return SettingField(key, spec["type"], tuple(rules))


def _privacy(data: dict) -> tuple[str, ...]:
    privacy = data.get("customer_privacy") or {}
    needs = [PRIVACY[k] for k in ("analytics", "marketing", "preferences") if privacy.get(k) is True]
    if privacy.get("sale_of_data") == "enabled":
        needs.append(PRIVACY["sale_of_data"])
    return tuple(needs)


def load(app_toml: Path | None, directory: Path | None = None) -> PixelExtension | None:
    """The app's web pixel extension, or None when it has none (``NO_EXTENSION``); ExtensionError when its
    definition is one Shopify would not hold."""
    where = locate(app_toml, directory)
    if where is None:
        return None
    try:
        data = tomllib.loads((where / "shopify.extension.toml").read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExtensionError("INVALID_SETTINGS_DEFINITION", f"shopify.extension.toml: {exc}") from None
    settings = data.get("settings") or {}
    if settings and settings.get("type") != "object":
        raise ExtensionError("INVALID_SETTINGS_DEFINITION", 'The settings type must be "object".')
    fields = tuple(_field(k, v) for k, v in (settings.get("fields") or {}).items())
    return PixelExtension(
        directory=where,
        name=str(data.get("name") or where.name),
        runtime_context=str(data.get("runtime_context") or ""),
        fields=fields,
        requires=_privacy(data),
    )


def parse_settings(value) -> tuple[dict | None, dict | None]:
    """The settings object from the ``JSON`` input: a JSON-encoded string (the getting-started page) or an
    object (the reference's example); (settings, None) or (None, userError)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None, user_error(
                "INVALID_CONFIGURATION_JSON", "The provided settings is not a valid JSON."
            )
    if not isinstance(value, dict):
        return None, user_error("INVALID_SETTINGS", "Settings must be a JSON object.")
    return value, None


def user_error(code: str, message: str, field: list[str] | None = None) -> dict:
    return {"field": field if field is not None else ["webPixel"], "code": code, "message": message}


def _rule_error(field: SettingField, value: str) -> str | None:
    for name, arg in field.validations:
        if name == "min" and len(value) < int(arg):
            return f"{field.key} must be at least {arg} characters"
        if name == "max" and len(value) > int(arg):
            return f"{field.key} must be at most {arg} characters"
        if name == "regex" and not re.fullmatch(str(arg), value):
            return f"{field.key} does not match {arg}"
        if name == "choices" and value not in (json.loads(arg) if isinstance(arg, str) else arg):
            return f"{field.key} is not one of the choices"
    return None


def settings_errors(ext: PixelExtension, settings: dict) -> list[dict]:
    """``INVALID_SETTINGS`` userErrors for settings that do not match the definition ([] when they do)."""
    declared = {f.key: f for f in ext.fields}
    problems = []
    missing = [k for k in declared if k not in settings]
    if missing:
        problems.append(f"Missing keys: {', '.join(missing)}")
    unknown = [k for k in settings if k not in declared]
    if unknown:
        problems.append(f"Unknown keys: {', '.join(unknown)}")
    for key, field in declared.items():
        if key not in settings:
            continue
        if not isinstance(settings[key], str):
            problems.append(f"{key} must be a string")
        elif (rule := _rule_error(field, settings[key])) is not None:
            problems.append(rule)
    return [user_error("INVALID_SETTINGS", p) for p in problems]


def source(ext: PixelExtension, relative: str, package_url: str) -> str | None:
    """A file of the extension's ``src/`` as the sandbox loads it: ``@shopify/web-pixels-extension``
    resolved to ``package_url`` (what Shopify CLI's bundler does), an extensionless relative import
    resolved to its ``.js`` file; None for anything outside ``src/`` or missing. Other bare imports are
    left as they are (the browser refuses them: the stand-in bundles nothing else)."""
    root = (ext.directory / "src").resolve()
    path = (root / relative).resolve()
    if not path.is_file() and path.with_name(path.name + ".js").is_file():
        path = path.with_name(path.name + ".js")
    if root not in path.parents or not path.is_file() or path.suffix not in (".js", ".mjs"):
        return None
    return IMPORT_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{package_url}{m.group(2)}", path.read_text())
