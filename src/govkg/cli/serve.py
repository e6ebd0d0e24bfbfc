"""The serve sub-command: the web app on Werkzeug or waitress, or one request answered in-process."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from govkg.cli import logs
from govkg.cli.common import EXIT_INVALID, EXIT_OK, CliError, federation_options
from govkg.engine import ENGINES

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["SERVERS", "add_parsers", "cmd_serve", "serve_config"]

SERVERS = ("granian", "waitress")  # production HTTP servers (docs/reliability.md compares them)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Register serve."""
    _serve_parser(sub)


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the dataset: SPARQL 1.1 endpoint, downloads, descriptions")
    p.add_argument("--host", default=os.environ.get("GOVKG_HOST", "127.0.0.1"), help="default: 127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("GOVKG_PORT", "8000")), help="default: 8000")
    p.add_argument("--engine", choices=sorted(ENGINES), help="query engine (default: $GOVKG_ENGINE or oxigraph)")
    given = p.add_mutually_exclusive_group()
    given.add_argument("--dataset", type=Path, help="serve this built dataset (.nq/.trig) instead of build/govkg.nq")
    given.add_argument(
        "--data",
        nargs="+",
        action="extend",
        metavar="FILE",
        help="serve any RDF files instead (.nt .ttl .nq .trig .rdf .jsonld, .gz too; triples in the default graph)",
    )
    p.add_argument(
        "--graph",
        action="append",
        default=[],
        metavar="IRI=FILE",
        help="also serve FILE as the named graph IRI; repeatable",
    )
    p.add_argument("--no-project", action="store_true", help="serve only the --graph files")
    p.add_argument("--timeout", type=float, help="query deadline in seconds (default: $GOVKG_QUERY_TIMEOUT or 30)")
    p.add_argument(
        "--production", action="store_true", help="serve with a production server (drains on SIGTERM): see --server"
    )
    p.add_argument(
        "--server",
        choices=SERVERS,
        default=os.environ.get("GOVKG_SERVER", "waitress"),
        help="the production HTTP server (default: $GOVKG_SERVER or waitress)",
    )
    p.add_argument(
        "--workers",
        type=int,
        help="query worker processes, each killed past its deadline (default: $GOVKG_QUERY_WORKERS or 4; "
        "0: threads of the server process, whose deadlines cannot stop a running query)",
    )
    p.add_argument("--threads", type=int, default=16, help="request threads in production (default: 16)")
    p.add_argument(
        "--fast-lane",
        type=int,
        metavar="N",
        help="queries at once answered in the server, no hop to a worker, when their shape was seen to be fast "
        "and no more queries run; such queries cannot be killed (default: $GOVKG_FAST_LANE_SLOTS or 0: every "
        "query in a worker; docs/reliability.md)",
    )
    p.add_argument("--public-url", help="the public base URL absolute links use (default: $GOVKG_PUBLIC_URL)")
    p.add_argument("--writable", action="store_true", help="accept authenticated SPARQL Update and Graph Store writes")
    p.add_argument(
        "--store",
        help="the durable store folder of a writable server (seeded once), or the http(s) URL of a SPARQL 1.1 "
        "store's query endpoint to serve instead of files (read-only; fill it with `govkg push`)",
    )
    p.add_argument("--tokens", type=Path, help="a file of 'name token' lines (default: $GOVKG_WRITE_TOKENS)")
    p.add_argument("--get", metavar="PATH", help="answer one GET request in-process, print it and exit")
    federation_options(p)
    p.set_defaults(func=cmd_serve)


def serve_config(args: argparse.Namespace) -> dict[str, object]:
    """The app configuration given on the command line (GOVKG_* variables fill in the rest)."""
    config: dict[str, object] = {"ROOT": str(args.root), "BASE_IRI": args.base_iri, "PROJECT": not args.no_project}
    for key, value in [
        ("ENGINE", args.engine),
        ("QUERY_TIMEOUT", args.timeout),
        ("QUERY_WORKERS", args.workers),
        ("FAST_LANE_SLOTS", args.fast_lane),
        ("PUBLIC_URL", args.public_url),
        ("WRITABLE", args.writable or None),
        ("STORE", args.store and not _is_url(args.store) and str(args.store)),
        ("STORE_URL", args.store if args.store and _is_url(args.store) else None),
        ("WRITE_TOKENS_FILE", args.tokens and str(args.tokens)),
        ("DATASET", args.dataset and str(args.dataset)),
        ("DATA", args.data),
        ("GRAPHS", args.graph or None),
        ("SERVICE_ALLOWLIST", [] if args.no_federation else args.allow_service),
    ]:
        if value is not None:
            config[key] = value
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the built dataset (building it first when missing or older than its inputs)."""
    from govkg.web import ConfigError, create_app, server  # the web stack loads only for this command

    given = args.dataset or args.data or os.environ.get("GOVKG_DATASET") or os.environ.get("GOVKG_DATA")
    given = given or (args.store and _is_url(args.store)) or os.environ.get("GOVKG_STORE_URL")
    if not args.no_project and not given and _stale(args.root):
        from govkg.cli.data import cmd_build

        sys.stderr.write("govkg: building the dataset first (build/ is missing or older than its inputs)\n")
        if cmd_build(argparse.Namespace(root=args.root, base_iri=args.base_iri, out=args.root / "build")):
            return EXIT_INVALID
    config = serve_config(args)
    if args.get and args.workers is None:
        config["QUERY_WORKERS"] = 0  # one request, answered in this process: no worker to start
    if args.workers is not None and args.workers < 0:
        raise CliError("--workers must be 0 or more")
    logs.configure()
    if args.production and args.server == "granian" and not args.get:
        return _granian(args, config)
    try:
        app = create_app(config)
    except ConfigError as error:
        raise CliError(str(error)) from None
    if args.get:
        return _get(app, args.get)
    if args.production:
        server.production(app, args.host, args.port, args.threads)
        return EXIT_OK
    sys.stderr.write(f"govkg: SPARQL endpoint at http://{args.host}:{args.port}/sparql\n")
    try:
        server.development(app, args.host, args.port)
    finally:
        app.extensions["govkg"].runner.close()
    return EXIT_OK


def _granian(args: argparse.Namespace, config: dict[str, object]) -> int:
    """Serve on granian, whose worker process builds the app; in-flight answers get the deadline + 5 s to finish."""
    from govkg.web import DEFAULTS, granian_server

    timeout = args.timeout if args.timeout is not None else os.environ.get("GOVKG_QUERY_TIMEOUT")
    grace = float(DEFAULTS["QUERY_TIMEOUT"] if timeout is None else timeout) + 5
    granian_server.serve(functools.partial(_built, config), args.host, args.port, args.threads, grace)
    return EXIT_OK


def _built(config: dict[str, object]) -> Flask:
    """The app, made in granian's worker process; a configuration error ends it with the command's one line."""
    from govkg.web import ConfigError, create_app

    logs.configure()
    try:
        return create_app(config)
    except ConfigError as error:
        sys.stderr.write(f"govkg: error: {error}\n")
        raise SystemExit(EXIT_INVALID) from None


def _get(app: Flask, path: str) -> int:
    """Answer one GET in-process (like `datasette --get`): body to stdout, exit 1 on an error status."""
    response = app.test_client().get(path)
    sys.stdout.buffer.write(response.get_data())
    return EXIT_OK if response.status_code < 400 else EXIT_INVALID


def _stale(root: Path) -> bool:
    """Whether the project's built dataset is missing or older than its inputs (the build pipeline, pySHACL and
    owlrl load only for this: serving a given file never needs them)."""
    from govkg import build as buildmod

    return buildmod.is_stale(root, root / "build")


def _is_url(store: str) -> bool:
    """Whether --store names a remote store (an http(s) URL) rather than a folder."""
    return store.startswith(("http://", "https://"))
