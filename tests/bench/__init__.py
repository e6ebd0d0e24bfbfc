"""Tests of the benchmark scripts in bench/ (a package: tests/ingest/test_run.py has the same file name)."""
