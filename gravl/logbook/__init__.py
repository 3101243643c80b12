"""The training log as the lifter reads it (issue 20): one entry per session, each with its
name, start, duration, volume, sets, PRs and notes (``entries``); deleting a log or a session
with Undo (``undo``); adding a session after the fact (``past``).

It sits above ``logs``, ``sessions``-level reads and ``stats``: it composes them and writes
through ``gravl.logs`` so every write recomputes recovery the way any other does.
"""
