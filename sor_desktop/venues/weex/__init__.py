"""Everything sor-desktop knows and does specially for weex, in one place.

Modules here (added as they are needed): ``errors`` (which codes mean "certainly not
placed", each with its source), ``books`` (sequence and heartbeat rules), ``account``
(position mode, cancel scope, dead-man switch), ``probe`` (key permissions).
``venues/quirks.py`` is the index of what is verified and where.
"""
