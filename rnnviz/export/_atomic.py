"""All-or-nothing file writes for every export (HTML page, SVG).

The text goes to a new temporary file in the destination's folder, is flushed to disk,
and only then replaces the destination with ``os.replace`` (atomic on POSIX and Windows
when both names are on the same file system, which the shared folder guarantees). A
full disk, a file-size limit or any other error while writing raises, removes the
temporary file and leaves an existing file at ``path`` exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import secrets
import shutil

__all__ = ["write_atomic"]


def _checked_path(path: object, what: str) -> pathlib.Path:
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(
            f"{what} needs path to be a file path (str or pathlib.Path); "
            f"got {type(path).__name__} {path!r}."
        )
    path = pathlib.Path(path)
    if path.is_dir():
        raise ValueError(f"{what} writes a file, but path {str(path)!r} is a folder.")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"{what}: the folder {str(path.parent)!r} of path {str(path)!r} does not exist; "
            "create it first."
        )
    return path


def write_atomic(path: object, text: str, *, what: str = "export") -> pathlib.Path:
    """Write ``text`` (UTF-8) to ``path`` completely, or not at all.

    Parameters
    ----------
    path : str or path-like
        The destination file; its folder must exist. An existing file is replaced only
        once the new content is completely on disk, and keeps its permission bits.
    text : str
        The file's content.
    what : str
        The caller's name for messages (``"to_html"``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OSError
        When writing fails (disk full, file-size limit, permissions): nothing is left
        behind and the old file at ``path``, if any, is untouched.
    """
    path = _checked_path(path, what)
    data = text.encode("utf-8")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never reuse someone else's file; mode 0o666 lets the umask decide, as open() does
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path
