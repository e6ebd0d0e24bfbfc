"""The shared file reader's bounds (engine/files.py)."""

from __future__ import annotations

import gzip
import io
from typing import IO, cast

import pytest

from govkg.engine import files
from govkg.engine.errors import EngineError


def test_a_json_ld_document_is_read_whole_only_up_to_its_bound() -> None:
    assert files._whole(io.BytesIO(b"x" * 1000), 1000) == b"x" * 1000
    bomb = cast(IO[bytes], gzip.GzipFile(fileobj=io.BytesIO(gzip.compress(b" " * 10_000_000))))  # 10 kB to 10 MB
    with pytest.raises(EngineError, match=r"^a JSON-LD document over 1,000 bytes \(uncompressed\)"):
        files._whole(bomb, 1000)
    assert bomb.tell() == 1001  # the rest was never read
