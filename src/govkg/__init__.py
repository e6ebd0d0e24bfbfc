"""govkg: an open knowledge graph of international AI governance.

Public API: `govkg.build.build` (load, reason, validate), `govkg.build.write`, `govkg.build.check`,
`govkg.validate.validate`, `govkg.query.run`, `govkg.extract.extract`.
"""

__version__ = "0.1.0"
