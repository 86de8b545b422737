"""Incident templates: the first message of the outages a team knows will
happen, prepared in calm times so that at 3 a.m. it goes out in seconds.

One file per template in ``site_config/templates/<name>.yaml`` (beside
site.yaml). Any text may hold placeholders, ``{region}``, filled in by
``frankly new --template NAME --set region=Bavaria``. `frankly check`
validates the templates with FILE:LINE:COL like every other input; builds
and the editing commands do not read them, so a broken template never holds
up an update during an outage.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from generator.input.load import read_mapping
from generator.input.model import Site, StrictModel
from generator.input.problems import Problems, display_path
from generator.input.sentences import report_validation
from generator.input.values import ComponentId, ImpactValue, KindValue, NonEmptyText, OneLineText, StatusValue, Text

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Template(StrictModel):
    """A prepared entry: what `frankly new --template` writes, placeholders filled in."""

    kind: KindValue = Field("incident", validate_default=True, description="incident, maintenance or notice.")
    title: OneLineText = Field(description="Title of the entry; may hold {placeholders}.")
    summary: Text | None = Field(None, description="One paragraph on what happened (default: the first message).")
    impact: ImpactValue | None = Field(None, description="none, minor, major or critical (default: by kind).")
    components: dict[ComponentId, StatusValue] = Field(default_factory=dict, description="Affected components with their statuses.")
    message: NonEmptyText = Field(description="The first update for customers (Markdown); may hold {placeholders}.")
    next_update: Text | None = Field(None, description="Promise of the next update: 30m, 1h, a time of day or a timestamp.")
    resolution: Text | None = Field(None, description="A standard closing message for `frankly resolve SLUG --template NAME`.")

    def placeholders(self) -> list[str]:
        """The placeholder names, in the order they first appear."""
        found: list[str] = []
        for text in self.texts():
            for name in PLACEHOLDER.findall(text):
                if name not in found:
                    found.append(name)
        return found

    def texts(self) -> list[str]:
        return [t for t in (self.title, self.summary, self.message, self.next_update, self.resolution) if t]


def fill(text: str | None, values: dict[str, str]) -> str | None:
    """``text`` with each {placeholder} replaced (all must have a value: see missing())."""
    return None if text is None else PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def templates_dir(paths) -> Path:
    return paths.site_config.parent / "templates"


def load_templates(paths, site: Site | None, problems: Problems) -> dict[str, Template]:
    """Every template of the project, validated; problems added for the others."""
    folder = templates_dir(paths)
    found: dict[str, Template] = {}
    if not folder.is_dir():
        return found
    for file in sorted(folder.iterdir()):
        if file.name.startswith(".") or file.suffix.lower() not in (".yaml", ".yml"):
            continue
        shown = display_path(file, paths.root)
        if file.suffix != ".yaml" or not NAME.fullmatch(file.stem):
            problems.add(shown, 1, 1, "a template is named <name>.yaml with lower-case letters, digits and hyphens, e.g. sms-delay.yaml")
            continue
        read = read_mapping(file, shown, paths.root, problems, keys="title:, message:, components:, ...")
        if read is None:
            continue
        data, smap = read
        try:
            template = Template.model_validate(data)
        except ValidationError as exc:
            report_validation(exc, Template, smap, shown, problems)
            continue
        known = {c.id for c in site.components} if site else None
        bad = [cid for cid in template.components if known is not None and cid not in known]
        for cid in bad:
            pos = smap.key(("components", cid))
            problems.add(shown, pos.line, pos.column, f"unknown component '{cid}'; components in site_config/site.yaml: {', '.join(sorted(known or ()))}")
        if not bad:
            found[file.stem] = template
    return found


def missing(template: Template, values: dict[str, Any]) -> list[str]:
    return [name for name in template.placeholders() if not values.get(name)]
