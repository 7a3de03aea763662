"""Writing files so that nothing is lost: check the target first, write a temporary sibling, rename.

Every file the package writes (reports, ``.keras`` models, exports, released notebooks, timings)
goes through these helpers:

- :func:`check_output_path` before any long work: refuses an existing target without ``overwrite``,
  a missing parent folder, a folder where a file is expected (or a file where a folder is), and a
  folder without write permission, each with a message naming the path.
- :func:`write_text` / :func:`write_bytes`: the data goes to a temporary file in the same folder,
  flushed and ``fsync``-ed, then ``os.replace``-d over the target.
- :func:`write_with`: the same for a writer that needs a path (``model.save(path)``); the temporary
  name keeps the target's suffix, so Keras still sees a ``.keras`` file.
- :func:`replace_dir`: a folder (a SavedModel) is written to a temporary sibling folder, then
  swapped in; the old folder is removed only once the new one is complete.

On any failure (a full disk, an exception in the writer, Ctrl+C) the old target is intact and the
temporary file or folder is removed.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> report = check_output_path(folder / "grades.md", overwrite=False, what="report")
    >>> write_text(report, "# Notas\\n").read_text()
    '# Notas\\n'
    >>> check_output_path(report, overwrite=False, what="report")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Cannot write the report '...grades.md': it already exists (pass --overwrite to replace it...
"""

from __future__ import annotations

import os
import pathlib
import secrets
import shutil
from collections.abc import Callable

__all__ = ["check_output_path", "replace_dir", "write_bytes", "write_text", "write_with"]


def check_output_path(
    path: str | os.PathLike, overwrite: bool = False, what: str = "file", kind: str = "file"
) -> pathlib.Path:
    """Check, before any long work, that ``path`` can be written; return it as a ``Path``.

    Args:
        path: the file (or folder, with ``kind="dir"``) that will be written.
        overwrite: allow replacing an existing target.
        what: what the target is, for the messages ("report", "model", "export").
        kind: ``"file"`` or ``"dir"``.

    Raises:
        ValueError: the target exists and ``overwrite`` is false; or a file stands where a folder
            is expected (the target with ``kind="dir"``, or the parent). (``ValueError`` rather
            than ``NotADirectoryError``, so the CLI prints it as one ``error:`` line.)
        IsADirectoryError: a folder stands where a file is expected.
        FileNotFoundError: the parent folder does not exist.
        PermissionError: the parent folder (or an existing target file) is not writable.
    """
    if kind not in ("file", "dir"):
        raise ValueError(f"kind must be 'file' or 'dir', not {kind!r}")
    target = pathlib.Path(path)
    shown = repr(str(target))
    if kind == "file" and target.is_dir():
        raise IsADirectoryError(f"Cannot write the {what} {shown}: it is a folder, not a file.")
    if kind == "dir" and target.exists() and not target.is_dir():
        raise ValueError(f"Cannot write the {what} {shown}: it is a file, not a folder.")
    if target.exists() and not overwrite:
        raise ValueError(
            f"Cannot write the {what} {shown}: it already exists (pass --overwrite to "
            "replace it, or choose another name)."
        )
    folder = target.parent
    if not folder.exists():
        raise FileNotFoundError(f"Cannot write the {what} {shown}: folder {str(folder)!r} does not exist.")
    if not folder.is_dir():
        raise ValueError(f"Cannot write the {what} {shown}: {str(folder)!r} is a file, not a folder.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(
            f"Cannot write the {what} {shown}: no write permission in folder {str(folder)!r}."
        )
    if kind == "file" and target.exists() and not os.access(target, os.W_OK):
        raise PermissionError(f"Cannot write the {what} {shown}: the file is read-only.")
    return target


def _sibling(target: pathlib.Path, tag: str) -> pathlib.Path:
    """A fresh hidden name beside ``target`` that keeps its suffix: ``.model.1a2b.partial.keras``."""
    return target.with_name(f".{target.stem}.{secrets.token_hex(4)}.{tag}{target.suffix}")


def _create_temp(target: pathlib.Path) -> tuple[int, pathlib.Path]:
    """Create (exclusively) an empty temporary file beside ``target``; mode follows the umask."""
    for _ in range(100):
        temp = _sibling(target, "partial")
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:  # pragma: no cover - 32 random bits taken
            continue
    raise FileExistsError(f"Could not create a temporary file beside {str(target)!r}.")  # pragma: no cover


def _fsync_file(path: pathlib.Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: pathlib.Path) -> None:
    """Make a rename in ``folder`` durable (ignored where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def _commit(temp: pathlib.Path, target: pathlib.Path) -> None:
    if target.exists():
        try:
            shutil.copymode(target, temp)  # a replaced file keeps its permissions
        except OSError:  # pragma: no cover
            pass
    os.replace(temp, target)
    _fsync_dir(target.parent)


def write_bytes(path: str | os.PathLike, data: bytes) -> pathlib.Path:
    """Write ``data`` to ``path`` atomically (temporary sibling, fsync, rename); return the path."""
    target = pathlib.Path(path)
    fd, temp = _create_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _commit(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> pathlib.Path:
    """Write ``text`` to ``path`` atomically, as written (no newline translation); return the path."""
    return write_bytes(path, text.encode(encoding))


def write_with(path: str | os.PathLike, writer: Callable[[pathlib.Path], object]) -> pathlib.Path:
    """Let ``writer(temp_path)`` write the file, then move it over ``path`` atomically.

    ``temp_path`` is a new empty file in the same folder whose name ends in the target's suffix
    (``model.save`` needs ``.keras``); the writer may replace it. Example:
    ``write_with("m.keras", model.save)``.
    """
    target = pathlib.Path(path)
    fd, temp = _create_temp(target)
    os.close(fd)
    try:
        writer(temp)
        if not temp.is_file():
            raise FileNotFoundError(f"Writing {str(target)!r} produced no file.")
        _fsync_file(temp)
        _commit(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def replace_dir(path: str | os.PathLike, writer: Callable[[pathlib.Path], object]) -> pathlib.Path:
    """Let ``writer(temp_dir)`` build a folder, then swap it in for ``path``.

    ``temp_dir`` is a sibling of ``path`` that does not exist yet (``model.export`` creates it).
    Only after the writer returns is an existing ``path`` moved aside, the new folder renamed into
    place and the old one deleted; if the writer fails, ``path`` is untouched and ``temp_dir`` is
    removed. The two renames are not one atomic step, but no moment leaves no complete folder on
    disk: if the second rename fails, the old folder is moved back.
    """
    target = pathlib.Path(path)
    temp = _sibling(target, "partial")
    try:
        writer(temp)
        if not temp.is_dir():
            raise FileNotFoundError(f"Writing {str(target)!r} produced no folder.")
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = _sibling(target, "old")
        os.replace(target, old)
    try:
        os.replace(temp, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        shutil.rmtree(temp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    _fsync_dir(target.parent)
    return target
