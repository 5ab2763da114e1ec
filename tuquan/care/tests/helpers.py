"""Searching responses and files for a name, whatever their format."""

from __future__ import annotations

import html
import io
import json
import zipfile
from typing import Any


def text_of(data: bytes) -> str:
    """Plain text of a response body: zipped formats (xlsx, docx) are opened and every
    member read, XML and HTML character references resolved, JSON's \\u escapes undone."""
    if data[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(data)):
        parts: list[str] = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                parts.append(text_of(z.read(name)))
        return "\n".join(parts)
    text = data.decode("utf-8", "replace")
    try:
        text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        pass
    return text + "\n" + html.unescape(text)


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)
