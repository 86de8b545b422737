"""Editing incident files during an outage: new, update, resolve, apologize, compensate.

Editors run these commands while things are on fire, so each edit must be
impossible to get subtly wrong and must never lose what is already written:

* The existing file is never re-serialised. Its text is kept byte for byte
  (comments, key order, quoting, blank lines) and only the new text is
  inserted (:mod:`.yamltext`).
* After the insertion the whole file is read again and must hold exactly
  the old data plus the new part (:mod:`.plans`).
* The whole project is validated on the would-be content before anything is
  written, and the file is replaced atomically (:mod:`.entries`).

What the editor typed is checked in :mod:`.values`; the new-site scaffold of
`frankly init` is :mod:`.scaffold`. Nothing here imports mkdocs or click: the
command line (:mod:`generator.cli.editing`) turns :class:`EditError` into a
message and exit status 1.
"""
