"""External identifiers: checked links from the reference table, coverage, and candidates by reconciliation."""

from govkg.link.reference import LINKS_FILE, LinkError, link_graph

__all__ = ["LINKS_FILE", "LinkError", "link_graph"]
