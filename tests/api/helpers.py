"""Validating ninjs documents against IPTC's official schema."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from jsonschema import Draft202012Validator

# IPTC ninjs 2.2 (CC BY 4.0), kept beside the project for its tests.
SCHEMA_PATH = Path(settings.BASE_DIR).parent / "shared" / "standards" / "ninjs-schema_2.2.json"
DATE_TIME_KEYS = {"firstcreated", "versioncreated", "contentcreated", "embargoed", "expires"}
URI_KEYS = {"uri", "href", "schema"}


@cache
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _formats(value, path="") -> list[str]:
    # jsonschema checks "date-time" and "uri" only with optional packages installed; check
    # them here so the test does not depend on what else is in the environment.
    problems = []
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}"
            if key in DATE_TIME_KEYS and isinstance(item, str):
                try:
                    moment = datetime.fromisoformat(item)
                    if moment.tzinfo is None:
                        problems.append(f"{where}: no time zone in {item!r}")
                except ValueError:
                    problems.append(f"{where}: not a date-time: {item!r}")
            elif key in URI_KEYS and isinstance(item, str):
                parts = urlsplit(item)
                if not (parts.scheme and parts.netloc):
                    problems.append(f"{where}: not an absolute URI: {item!r}")
            else:
                problems += _formats(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += _formats(item, f"{path}[{index}]")
    return problems


def assert_valid_ninjs(document: dict) -> None:
    """``document`` validates against the ninjs 2.2 schema, formats included."""
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator().iter_errors(document)
    ]
    errors += _formats(document)
    assert not errors, "\n".join(errors)
