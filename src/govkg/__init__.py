"""govkg: an open knowledge graph of international AI governance.

The core is plain functions: `govkg.build` (load → reason → validate → write), `govkg.validate`, `govkg.extract`;
queries go through an engine opened by `govkg.engine.open_engine`; the web app is `govkg.web.create_app`. Every
error meant for a person is a `govkg.errors.GovkgError` with a one-line message.
"""

__version__ = "0.1.0"  # the one version string (pyproject.toml reads it)

__all__ = ["__version__"]
