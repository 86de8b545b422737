"""The base of every model of the format: strict, frozen, no unknown keys."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    # extra='forbid' turns a typo ('titel:') into an error instead of lost text.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, arbitrary_types_allowed=True)

    def model_post_init(self, context: Any, /) -> None:
        # pydantic gives every object its own set of the field names it was
        # given: at 10,000 entries, 90,000 sets and a quarter of the model's
        # memory. Frozen objects never change theirs (model_copy copies it),
        # so objects given the same fields can share one.
        fields_set = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(frozenset(fields_set), fields_set))


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
