"""The server-rendered web UI: Jinja2 pages with htmx, signed-in through a session cookie."""
