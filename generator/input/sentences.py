"""pydantic's validation errors as sentences an editor acts on, each at the
position of the value (or of the key) it is about."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.input.problems import Problems
from generator.input.yamlsource import Path_, SourceMap



def report_validation(exc: ValidationError, root: type[BaseModel], smap: SourceMap, shown: str, problems: Problems) -> None:
    errors = exc.errors(include_url=False)
    # 'titel:' gives "unknown key 'titel' (did you mean 'title'?)"; the matching
    # "required key 'title' is missing" would only repeat it.
    meant = {
        tuple(e["loc"][:-1]) + (hint,)
        for e in errors if e["type"] == "extra_forbidden"
        for hint in difflib.get_close_matches(str(e["loc"][-1]), _allowed_keys(root, tuple(e["loc"][:-1])), n=1)
    }
    for error in errors:
        typed: Path_ = tuple(error["loc"])
        at = (error.get("ctx") or {}).get("key_at")  # a rule of the whole model names the key it is about
        on_key = typed[-1:] == ("[key]",)  # a mapping's key (a language code under translations:)
        typed = tuple(at) if at else typed[:-1] if on_key else typed
        loc = _without_tags(root, typed)
        kind = error["type"]
        if kind == "missing" and typed in meant:
            continue
        if at or on_key:
            pos = smap.key(loc)
        elif kind == "extra_forbidden":
            pos = smap.key(loc)
        elif kind == "missing" or kind == "union_tag_not_found" and not isinstance(error.get("input"), dict):
            pos = smap.value(loc[:-1] if kind == "missing" else loc)
        elif kind == "union_tag_invalid":
            pos = smap.value(loc + (error["ctx"]["discriminator"].strip("'"),))
        else:
            pos = smap.value(loc)
        problems.add(shown, pos.line, pos.column, _sentence(error, loc, root, typed))


def _without_tags(root: type[BaseModel], loc: Path_) -> Path_:
    """pydantic puts the chosen member of a ``type:``-tagged union in an error's
    location (('notify', 0, 'slack', 'url_env')); the file has no such key."""
    out: list = []
    tp: Any = root
    for part in loc:
        members = _tagged_members(tp)
        if members and isinstance(part, str) and part in members:
            tp = members[part]
            continue
        out.append(part)
        tp = _inner(tp, part) if tp is not None else None
    return tuple(out)


def _tagged_members(tp: Any) -> dict[str, type[BaseModel]]:
    """The members of a union of models told apart by their ``type`` literal, by tag."""
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return {}
    members = {}
    for arg in typing.get_args(tp):
        field = arg.model_fields.get("type") if isinstance(arg, type) and issubclass(arg, BaseModel) else None
        if field is None or typing.get_origin(field.annotation) is not typing.Literal:
            return {}
        members[typing.get_args(field.annotation)[0]] = arg
    return members


def _sentence(error: dict, loc: Path_, root: type[BaseModel], typed: Path_) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    name = _field_name(loc)
    if kind == "frankly":
        return f"{name}: {error['msg']}" if name and "key_at" not in ctx else error["msg"]
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing{_where(loc[:-1])}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        key = ctx.get("discriminator", "'type'").strip("'")
        tags = ", ".join(_tagged_members(_type_at(root, typed)))
        if kind == "union_tag_invalid":
            return f"{name}.{key}: '{ctx.get('tag')}' is not allowed; use one of: {tags}"
        if not isinstance(value, dict):
            return f"{name}: expected a mapping (key: value lines) with '{key}:' ({tags}), got {_show(value)}"
        return f"required key '{key}' is missing in {name}; use one of: {tags}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(root, typed[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        guess = f" (did you mean '{hint[0]}'?)" if hint else ""
        return f"unknown key '{loc[-1]}'{guess}{_where(loc[:-1])}; allowed keys: {', '.join(allowed)}"
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "").replace("'", "")
        expected = expected.replace(" or ", ", ")
        return f"{name}: '{value}' is not allowed; use one of: {expected}"
    if kind == "bool_type":
        return f"{name}: expected true or false, got {_show(value)}"
    if kind == "string_pattern_mismatch":
        return f"{name}: '{value}' is not a valid id; use lower-case letters, digits and hyphens, e.g. sms-delivery"
    if kind == "too_short":
        if isinstance(value, str):
            return f"{name}: must not be empty"
        wanted = ctx.get("min_length", 1)
        return f"{name}: needs at least {'one item' if wanted == 1 else f'{wanted} items'}"
    if kind in ("list_type", "tuple_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = "a list (lines starting with '- ')" if kind in ("list_type", "tuple_type") else "a mapping (key: value lines)"
        return f"{name}: expected {wanted}, got {_show(value)}"
    return f"{name}: {error['msg']}" if name else error["msg"]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f"'{value}'"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"{value!r}"


def _field_name(loc: Path_) -> str:
    """'updates #3.status': the name of a location, items counted from 1 as editors
    count them (and as every other message says "update #3")."""
    out = ""
    for part in loc:
        out += f" #{part + 1}" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _where(loc: Path_) -> str:
    return f" in {_field_name(loc)}" if loc else ""


def _type_at(root: type[BaseModel], loc: Path_) -> Any:
    model: Any = root
    for part in loc:
        model = _inner(model, part)
        if model is None:
            return None
    return model


def _allowed_keys(root: type[BaseModel], loc: Path_) -> list[str]:
    model = _unwrap(_type_at(root, loc))
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or k for k, field in model.model_fields.items() if k != "slug"]
    return []


def _inner(tp: Any, part: str | int) -> Any:
    """The type found one step inside ``tp`` (field of a model, item of a list, member of a tagged union)."""
    members = _tagged_members(tp)
    if members and part in members:
        return members[part]  # type: ignore[index]
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        field = tp.model_fields.get(str(part)) or next((f for f in tp.model_fields.values() if f.alias == part), None)
        return field.annotation if field else None
    origin = typing.get_origin(tp)
    if origin in (list, tuple):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    return None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0]
        else:
            return tp
