"""Frankly: honest status pages compiled from incident YAML files.

The package flows one way, and its subpackages are named after the steps
(ARCHITECTURE.md draws it; import-linter's contracts in pyproject.toml hold it):

``input``        YAML files -> validated, typed model (and FILE:LINE:COL problems)
``facts``        the model -> facts computed once: status, durations, accountability
``outputs``      facts -> pages, feeds, JSON, badges, cards, posts (no mkdocs)
``publication``  outputs -> a site, through mkdocs and Material (the only mkdocs code)
``checks``       what `frankly check` adds to validation: commitments, kept addresses
``editing``      the editing commands' engine: new text into existing files, safely
``cli``          the `frankly` command
``bench``        `make bench`: synthetic sites, time and memory
"""

__version__ = "0.1.0"
