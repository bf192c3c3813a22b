"""Is a metafield value valid for its type? The stand-in's reading of Shopify's "List of data types"
(https://shopify.dev/docs/apps/build/custom-data/metafields/list-of-data-types): values are strings;
``single_line_text_field`` has no line breaks, ``date`` is ISO 8601 ``YYYY-MM-DD``, ``date_time`` an ISO
8601 time, ``number_integer`` a whole number from -9,007,199,254,740,991 to 9,007,199,254,740,991,
``boolean`` ``true`` or ``false``. Returns the reason a value is refused, or None.
"""

from __future__ import annotations

import re
from datetime import date, datetime

INTEGER_LIMIT = 9_007_199_254_740_991
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def refusal(type_name: str, value: str) -> str | None:
    """Why ``value`` is not a valid ``type_name`` value (None: it is)."""
    if value == "":
        return "Value can't be blank."
    if type_name == "single_line_text_field" and ("\n" in value or "\r" in value):
        return "Value must be a single line of text."
    if type_name == "date":
        try:
            if not _DATE.match(value):
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            return "Value must be in YYYY-MM-DD format."
    if type_name == "date_time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return "Value must be in ISO 8601 date and time format."
    if type_name == "number_integer" and (not _INTEGER.match(value) or abs(int(value)) > INTEGER_LIMIT):
        return "Value must be an integer."
    if type_name == "boolean" and value not in ("true", "false"):
        return "Value must be true or false."
    return None
