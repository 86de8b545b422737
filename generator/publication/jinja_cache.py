"""Compiled Jinja templates kept between builds (.cache/frankly/jinja/).

Compiling the theme's and Frankly's templates was ~2 s of every build (about
50 templates; a one-entry rebuild does little else of that size). Jinja's own
bytecode cache stores each compiled template under its name and checks the
template's source on every load, so an edited template is compiled again. What
it does not check is how the environment compiles (delimiters, whitespace
options, extensions, autoescape, Jinja's version): those name the folder, so
environments that compile differently never share one.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import jinja2


def _compile_options(env: jinja2.Environment) -> str:
    autoescape = env.autoescape
    options = {
        "jinja": jinja2.__version__, "python": platform.python_version(),
        "syntax": [env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
                   env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix],
        "whitespace": [env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline],
        "extensions": sorted(env.extensions), "optimized": env.optimized, "finalize": repr(getattr(env.finalize, "__qualname__", env.finalize)),
        "autoescape": autoescape if isinstance(autoescape, bool) else f"{autoescape.__module__}.{autoescape.__qualname__}",
        "undefined": f"{env.undefined.__module__}.{env.undefined.__qualname__}", "is_async": env.is_async,
        "newstyle_gettext": getattr(env, "newstyle_gettext", None),
        # Jinja folds a filter on a constant while compiling unless it takes the context:
        # which filters can be folded is part of what the compiled code says.
        "folded_filters": sorted(name for name, f in env.filters.items() if getattr(f, "jinja_pass_arg", None) is None),
    }
    return hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:16]


def keep_compiled(env: jinja2.Environment, folder: Path, name: str) -> None:
    """Give ``env`` a bytecode cache in ``folder``/``name``-<how it compiles>."""
    target = folder / f"{name}-{_compile_options(env)}"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # no cache: compiled each time, as before
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(target))
