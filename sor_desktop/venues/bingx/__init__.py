"""Everything sor-desktop knows and does specially for bingx, in one place.

Modules here: ``heartbeat`` (BingX's text Ping counted as the link's sign of life; no book rules
are needed: every depth frame is a whole book), ``account`` (position mode, what an order says
about it, the swap balance), ``errors`` (which codes mean "certainly not placed", each with its
source), ``deadman`` (the swap cancel-all-after countdown). The key probe is the bingx part of
``venues/permissions.py``. ``venues/quirks.py`` is the index of what is verified and where.
"""
