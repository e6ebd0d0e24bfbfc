"""Run the app: Werkzeug's threaded server for one process, gunicorn for production (several workers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from govkg.web import create_app

__all__ = ["development", "production"]


def development(app: Flask, host: str, port: int) -> None:
    """One process, one thread per request (Werkzeug)."""
    app.run(host=host, port=port, threaded=True, use_reloader=False)


def production(config: Mapping[str, Any], host: str, port: int, workers: int, threads: int) -> None:
    """gunicorn with `workers` processes of `threads` threads; each worker loads its own store after fork."""
    from gunicorn.app.base import BaseApplication  # imported here: only this mode needs gunicorn

    timeout = float(config.get("QUERY_TIMEOUT") or 30)
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": int(timeout) + 30,
        "graceful_timeout": 10,
        "errorlog": "-",
        "loglevel": "warning",
        "preload_app": False,
    }

    class Application(BaseApplication):  # gunicorn's documented embedding API is a subclass
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return create_app(config)

    Application().run()
