"""Input: what editors wrote, read and validated.

``yamlsource`` reads YAML with positions and limits, ``values`` and ``model``
type every field, ``load`` reads a whole project into a :class:`~.load.Catalog`
and turns every mistake into a ``FILE:LINE:COL`` :class:`~.problems.Problem`.
Imports nothing else of Frankly.
"""
