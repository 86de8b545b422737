"""Publication: the outputs written as a site through mkdocs and Material.

``plugin`` is the mkdocs plugin (a config class plus event methods);
``publish`` writes each entry's files, ``theme_shell`` fills pages into the
theme's chrome rendered once per page shape, ``workers`` renders entries in
forked processes. The only code that imports mkdocs.
"""
