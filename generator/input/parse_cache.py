"""Parsed incident files kept between builds (.cache/frankly/parsed/).

Composing a file's YAML with positions (yamlnodes.py, pure Python) is most of
the time of reading it: ~3 s of every `frankly build` at 10,000 entries, though
a build after a one-file change has one file to read anew. So `frankly build`
keeps what parsing gives, the file's data as plain JSON values, in one file per
entry named by

    key = SHA-256(how this Frankly parses, SHA-256 of the file's text)

and validation (pydantic, the model) runs on that data as on freshly parsed
data: the model's rules, a changed schema or a changed time-zone setting apply
to cached data too. "How this Frankly parses" is the bytes of every module of
generator/input, PyYAML's and libyaml's versions and Python's: any change there
and nothing cached is read. Data, not pickled objects: a cache restored from
elsewhere (CI's) can hold wrong values at worst, never code that would run.

Only a file in which loading found no problem at all (parsing, validation,
the checks of load.py) is kept, so a file with a problem is parsed again on
each build and reported at its exact FILE:LINE:COL. A cached file that does not read back whole (truncated, changed,
another key) is ignored and written again. Files are written to a temporary
name and renamed into place: builds running at once never read half a file.
Entries no build read are removed at the end of a whole load (:func:`prune`).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from pathlib import Path

import yaml

#: Raise when what is stored or how it is keyed changes.
FORMAT = 1
_INPUT_PACKAGE = Path(__file__).parent

_folder: Path | None = None
_fingerprint: str | None = None
_used: set[str] = set()
_staged: list[tuple[str, bytes, str]] = []


def use_parse_cache(folder: Path | None) -> None:
    """Keep parsed files in ``folder`` (normally .cache/frankly/parsed); None: no cache."""
    global _folder
    _folder = folder
    _used.clear()
    _staged.clear()


def _parser_fingerprint() -> str:
    """What the data a text parses to can depend on besides the text (see the module's text)."""
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256(json.dumps({
            "format": FORMAT, "python": platform.python_version(), "implementation": platform.python_implementation(),
            "pyyaml": yaml.__version__, "libyaml": yaml._yaml.get_version_string(),
        }, sort_keys=True).encode())
        for module in sorted(_INPUT_PACKAGE.glob("*.py")):
            digest.update(module.name.encode() + b"\0" + hashlib.sha256(module.read_bytes()).digest())
        _fingerprint = digest.hexdigest()
    return _fingerprint


def _key(digest: str) -> str:
    return hashlib.sha256(f"{_parser_fingerprint()}\0{digest}".encode()).hexdigest()


def lookup(digest: str) -> dict | None:
    """The data a text of SHA-256 ``digest`` parses to, if kept and read back whole; else None."""
    if _folder is None:
        return None
    key = _key(digest)
    _used.add(key)
    try:
        with open(_folder / key, "rb") as handle:
            raw = handle.read()
        head, _, body = raw.partition(b"\n")
        if head != f"frankly-parsed {FORMAT} {key} {hashlib.sha256(body).hexdigest()}".encode():
            return None
        data = json.loads(body)
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def serialized(data: dict) -> bytes | None:
    """``data`` as :func:`stage` keeps it; None without a cache (or for data JSON cannot hold)."""
    if _folder is None:
        return None
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    except (ValueError, TypeError, RecursionError):
        return None


def stage(digest: str, body: bytes, owner: str) -> None:
    """Keep ``body`` (:func:`serialized`), what a text of SHA-256 ``digest`` parsed to, once
    :func:`commit` knows its file, ``owner``, has no problem at all."""
    if _folder is not None:
        _staged.append((digest, body, owner))


def commit(troubled: set[str]) -> None:
    """Write what was staged, but for the files named in ``troubled``: those with a problem,
    parsed again until they have none. A cache that cannot be written is no cache."""
    staged = _staged[:]
    _staged.clear()
    for digest, body, owner in staged:
        if owner not in troubled:
            _store(digest, body)


def _store(digest: str, body: bytes) -> None:
    if _folder is None:
        return
    key = _key(digest)
    _used.add(key)
    head = f"frankly-parsed {FORMAT} {key} {hashlib.sha256(body).hexdigest()}\n".encode()
    try:
        _folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=_folder, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(head + body)
            os.replace(temporary, _folder / key)  # whole or not at all, whoever else writes it
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


def staged_count() -> int:
    """How much is staged now: a forked process hands over what it staged beyond it."""
    return len(_staged)


def handed_over(inherited: int) -> tuple[set[str], list[tuple[str, bytes, str]]]:
    """What this forked process looked up, and staged beyond the ``inherited`` first items,
    for the process it loads files for (load.py): :func:`take_over` there, or that process
    would prune what was read here and never store what was parsed here."""
    return set(_used), _staged[inherited:]


def take_over(state: tuple[set[str], list[tuple[str, bytes, str]]]) -> None:
    """Count what another process looked up and staged (:func:`handed_over`) as done here."""
    used, staged = state
    _used.update(used)
    _staged.extend(staged)


def prune() -> None:
    """Remove the kept files no lookup or store asked for since use_parse_cache (older
    texts, other versions of Frankly, temporary files of killed builds)."""
    if _folder is None or not _used:
        return
    try:
        names = os.listdir(_folder)
    except OSError:
        return
    for name in names:
        if name not in _used:
            try:
                os.unlink(_folder / name)
            except OSError:
                pass  # removed by a build at the same time, or a folder: not ours
