"""A multipart/form-data body read as it streams in (WEB.md "Security", uploads): every file
part is written to disk in chunks, hashed on the way, and the request is refused with 413 as
soon as one file passes the per-file limit or one file too many begins — before the body is
read whole. Never a whole file in memory (Starlette's own parser has no per-file limit)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

MAX_FIELDS = 50
MAX_FIELD_BYTES = 64 * 1024


class TooLarge(Exception):
    """The body passes a limit: answer 413 (the message is Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadForm(Exception):
    """Not a multipart/form-data body this app can read (400)."""


@dataclass(frozen=True)
class Upload:
    """One file as received: the name the browser gave, where it is on disk, its SHA-256."""

    name: str
    path: Path
    sha256: str
    size: int


@dataclass
class Received:
    """The body: its plain fields (each may repeat) and its files in order."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[Upload] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        """The first value of a field, stripped; None when absent or blank."""
        values = [v.strip() for v in self.fields.get(name, []) if v.strip()]
        return values[0] if values else None


def size_text(limit: int) -> str:
    """A byte limit as an organiser reads it: 20 MB, 512 KB."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB".replace(".", ",")
    return f"{limit / 1024:g} KB".replace(".", ",")


def safe_name(raw: str, index: int) -> str:
    """The file's own name without any folder (a browser may send `C:\\fakepath\\x.xlsx`),
    control characters dropped; a blank one gets a name by its position."""
    name = re.split(r"[\\/]", raw)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or f"tep-{index}.xlsx"


class _Reader:
    def __init__(self, folder: Path, file_field: str, max_files: int, max_file_bytes: int) -> None:
        self.folder = folder
        self.file_field = file_field
        self.max_files = max_files
        self.max_file_bytes = max_file_bytes
        self.received = Received()
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._file_name: str | None = None
        self._out: IO[bytes] | None = None
        self._digest: Any = None
        self._size = 0
        self._data = bytearray()
        self._fields = 0
        self._mode = "skip"  # this part is a kept "file", a plain "field", or skipped

    def on_part_begin(self) -> None:
        self._disposition, self._file_name, self._size = b"", None, 0
        self._data, self._mode = bytearray(), "skip"

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self._fields += 1
            if self._fields > MAX_FIELDS:
                raise TooLarge("Yêu cầu có quá nhiều trường.")
            self._mode = "field"
            return
        raw = options[b"filename"].decode("utf-8", "replace")
        if self._name != self.file_field or not raw:
            return  # another file field, or a file input left empty: nothing kept
        index = len(self.received.files) + 1
        if index > self.max_files:
            raise TooLarge(f"Mỗi lần gửi tối đa {self.max_files} tệp.")
        self._file_name = safe_name(raw, index)
        folder = self.folder / str(index)
        folder.mkdir()
        self._path = folder / self._file_name
        self._out = self._path.open("wb")
        self._digest = hashlib.sha256()
        self._mode = "file"

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        self._size += len(chunk)
        if self._mode == "file" and self._out is not None:
            if self._size > self.max_file_bytes:
                raise TooLarge(
                    f"Tệp '{self._file_name}' lớn quá {size_text(self.max_file_bytes)} (giới "
                    "hạn mỗi tệp); không nhận."
                )
            self._out.write(chunk)
            self._digest.update(chunk)
        elif self._mode == "field":
            if self._size > MAX_FIELD_BYTES:
                raise TooLarge("Một trường của yêu cầu quá dài.")
            self._data.extend(chunk)

    def on_part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
            assert self._file_name is not None
            self.received.files.append(
                Upload(self._file_name, self._path, self._digest.hexdigest(), self._size)
            )
        elif self._mode == "field" and self._name:
            text = self._data.decode("utf-8", "replace")
            self.received.fields.setdefault(self._name, []).append(text)

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None


async def _plain_fields(request: Request) -> Received:
    """A url-encoded body (fields only), at most MAX_FIELDS fields of MAX_FIELD_BYTES."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FIELDS * MAX_FIELD_BYTES:
            raise TooLarge("Nội dung gửi lên quá lớn.")
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    if len(pairs) > MAX_FIELDS:
        raise TooLarge("Yêu cầu có quá nhiều trường.")
    received = Received()
    for name, value in pairs:
        received.fields.setdefault(name, []).append(value)
    return received


async def receive_files(
    request: Request, folder: Path, *, file_field: str, max_files: int, max_file_bytes: int
) -> Received:
    """Read the request's multipart body into `folder` (one sub-folder per file), chunk by
    chunk. TooLarge as soon as a limit is passed (the rest is never read); BadForm when the body
    is not multipart/form-data."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type == b"application/x-www-form-urlencoded":
        return await _plain_fields(request)  # a confirmation without files, say
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise BadForm("Yêu cầu phải là một biểu mẫu gửi tệp (multipart/form-data).")
    reader = _Reader(folder, file_field, max_files, max_file_bytes)
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": reader.on_part_begin,
            "on_part_data": reader.on_part_data,
            "on_part_end": reader.on_part_end,
            "on_header_field": reader.on_header_field,
            "on_header_value": reader.on_header_value,
            "on_header_end": reader.on_header_end,
            "on_headers_finished": reader.on_headers_finished,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (TooLarge, BadForm):
        raise
    except ValueError as e:  # python-multipart's MultipartParseError and friends
        raise BadForm("Không đọc được nội dung gửi lên.") from e
    finally:
        reader.close()
    return reader.received
