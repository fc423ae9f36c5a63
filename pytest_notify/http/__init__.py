"""The HTTP layer: a plain WSGI app on werkzeug and pyjwt (never pytest)."""
