"""Keep FORMAT.md's field tables equal to the model's own descriptions.

The descriptions are written once, on the pydantic fields; the tables in the
editor documentation are generated between ``<!-- fields:Model -->`` and
``<!-- /fields -->`` markers. ``python -m generator.input.formatdoc`` rewrites them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from generator.input import model, notifyconfig, templates, translated

MARKER = re.compile(r"(<!-- fields:(\w+) -->\n)(.*?)(<!-- /fields -->)", re.DOTALL)


def field_table(cls: type[BaseModel]) -> str:
    rows = ["| key | required | meaning |", "|---|---|---|"]
    for name, field in cls.model_fields.items():
        if name == "slug":
            continue
        required = "yes" if field.is_required() else "no"
        if field.default not in (PydanticUndefined, None, "", False) and not callable(field.default):
            required = f"no (default `{field.default}`)"
        if callable(field.default_factory) and name == "events":
            required = "no (default: all)"
        rows.append(f"| `{field.alias or name}` | {required} | {(field.description or '').replace('|', '/')} |")
    return "\n".join(rows) + "\n"


def refresh(text: str) -> str:
    def table(name: str) -> str:
        found = next(module for module in (model, notifyconfig, templates, translated) if hasattr(module, name))
        return field_table(getattr(found, name))

    return MARKER.sub(lambda m: m.group(1) + table(m.group(2)) + m.group(4), text)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "FORMAT.md")
    path.write_text(refresh(path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
