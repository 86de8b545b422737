"""The benchmark: `make bench` (``python -m generator.bench``) builds synthetic
sites (``synthetic``) of several sizes and reports time and memory."""

import sys

#: The `frankly` command in a process of its own, as its console script runs it (generator.cli.run),
#: with this Python: what the bench measures, and what the tests run as an editor would.
FRANKLY = [sys.executable, "-c", "from generator.cli import run; run()"]
