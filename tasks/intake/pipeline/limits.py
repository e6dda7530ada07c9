"""Checks on a file before any parsing: its type, size and zip structure (FORMS.md "Files")."""

from __future__ import annotations

import zipfile
from pathlib import Path

import olefile

from models.settings import Limits
from tasks.core.errors import os_error_text

ACCEPTED_SUFFIXES = frozenset({".xlsx", ".xlsm"})
SAVE_AS_XLSX = "Hãy lưu tệp dưới dạng Excel Workbook (.xlsx)"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MB = 1024 * 1024
# Tiny parts (an empty sheet) compress absurdly well; the ratio matters only past this.
_RATIO_FLOOR_BYTES = 1 * _MB


class FileRefused(Exception):
    """A file refused before or while opening it; `message` is the Vietnamese line to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def not_excel(name: str) -> FileRefused:
    """The refusal for anything that is not a readable workbook."""
    return FileRefused(f"Tệp '{name}' không phải tệp Excel hợp lệ")


def _mb(n: float) -> str:
    return f"{n / _MB:.1f}".replace(".", ",")


def check_file(path: Path, limits: Limits) -> None:
    """Refuse a file by type, size and zip structure before parsing it (FileRefused)."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise FileRefused(f"Tệp '{name}': {SAVE_AS_XLSX}")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as e:
        raise FileRefused(f"Không đọc được tệp '{name}': {os_error_text(e)}") from e
    if size > limits.file_mb * _MB:
        raise FileRefused(
            f"Tệp '{name}' có dung lượng {_mb(size)} MB, vượt giới hạn {limits.file_mb} MB"
        )
    if head == _OLE2_MAGIC:
        if is_encrypted(path):
            raise FileRefused(
                f"Tệp '{name}' được đặt mật khẩu (nội dung bị mã hóa, không đọc được): "
                "hãy gỡ mật khẩu rồi gửi lại"
            )
        # An Excel 97–2003 file renamed .xlsx.
        raise FileRefused(f"Tệp '{name}' là định dạng Excel cũ (.xls): {SAVE_AS_XLSX}")
    check_zip(path, limits)


def is_encrypted(path: Path) -> bool:
    """An OLE container holding an `EncryptionInfo` stream: Excel's password-protected
    workbook ([MS-OFFCRYPTO]); a damaged container is not one."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("EncryptionInfo"))
    except Exception:  # olefile raises anything from OSError to struct.error on a damaged one
        return False


def check_zip(path: Path, limits: Limits) -> None:
    """Entry count, declared uncompressed size and compression ratio, from the central directory.

    zipfile never inflates an entry past its declared size (it stops and fails the CRC), so the
    declared sizes bound the work openpyxl can be made to do."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise not_excel(name) from e
    if len(infos) > limits.zip_entries:
        raise FileRefused(
            f"Tệp '{name}' có {len(infos)} thành phần nén, vượt giới hạn {limits.zip_entries}"
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:  # e.g. a .docx renamed .xlsx
        raise not_excel(name)
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > limits.uncompressed_mb * _MB:
        raise FileRefused(
            f"Tệp '{name}' khi giải nén có dung lượng {_mb(total)} MB, "
            f"vượt giới hạn {limits.uncompressed_mb} MB"
        )
    if total > _RATIO_FLOOR_BYTES and total > limits.compression_ratio * max(packed, 1):
        ratio = total // max(packed, 1)
        raise FileRefused(
            f"Tệp '{name}' có tỷ lệ nén {ratio}:1, vượt giới hạn {limits.compression_ratio}:1"
        )
