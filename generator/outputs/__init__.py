"""Outputs: the facts turned into what readers and machines receive.

Each output has its module (``pages``, ``feeds``, ``api``, ``badges``,
``embed``, ``social`` and ``cards``, ``posts``, ``search``) and returns the
objects of the leaf ``files``; ``site`` is the hub that lists them all, and no
output imports it. Shared helpers below them: ``templating`` (the Jinja
environment), ``words``, ``timefmt``, ``markup``, ``urls``. Nothing here
imports mkdocs: a successor engine would reuse all of it.
"""
