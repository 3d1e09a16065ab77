"""The in-tree scheduler plugins, one module per plugin, named after it (see
:mod:`.registry` for the name → factory map and :mod:`.names` for the names)."""
