"""Frankly: honest status pages compiled from incident YAML files.

The package flows one way: ``load`` (YAML -> validated ``model``), ``derive``
(pure facts computed once), ``render`` (Markdown pages, later feeds and JSON),
and a thin ``plugin`` that publishes through mkdocs. Only ``plugin`` and
``cli`` import mkdocs.
"""

__version__ = "0.1.0"
