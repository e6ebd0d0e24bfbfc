"""Ingestion: new source documents read, cleaned and made ready for extraction."""
