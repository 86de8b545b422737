"""X's own length rules (PyPI twitter-text-parser), importable on every Python.

twitter-text-parser reads its emoji table with ``pkg_resources.resource_string``, and
does not declare setuptools: ``pkg_resources`` is absent from Python 3.12+ virtualenvs
and from setuptools 81 onwards, so a plain ``import twitter_text`` fails there. When it
is missing (and always unless something imported it already: importing setuptools'
pkg_resources costs a tenth of a second and a deprecation warning), that single call
is answered by importlib.resources.
"""

from __future__ import annotations

import sys
import types
from importlib import resources


def _resource_string(module: str, name: str) -> bytes:
    """pkg_resources' meaning: ``name`` in the folder of ``module`` (a module or a package)."""
    package = module if hasattr(sys.modules.get(module), "__path__") else module.rpartition(".")[0]
    return (resources.files(package) / name).read_bytes()


if sys.modules.get("pkg_resources") is None:
    _shim = types.ModuleType("pkg_resources")
    _shim.resource_string = _resource_string  # type: ignore[attr-defined]
    sys.modules["pkg_resources"] = _shim
    try:
        from twitter_text import parse_tweet
    finally:
        del sys.modules["pkg_resources"]  # nothing else sees the stand-in
else:
    from twitter_text import parse_tweet

__all__ = ["parse_tweet"]
