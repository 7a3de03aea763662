"""Nothing lost: atomic writes survive a full disk, output paths are refused before any work."""

from __future__ import annotations

import errno
import os
import pathlib
import zipfile

import pytest

from coursework import atomic
from coursework.atomic import check_output_path, replace_dir, write_bytes, write_text, write_with
from coursework.paths import check_model_file


def _leftovers(folder: pathlib.Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_write_text_replaces_and_keeps_permissions(tmp_path):
    target = tmp_path / "r.md"
    target.write_text("old")
    target.chmod(0o640)
    assert write_text(target, "nuevo\r\n") == target
    assert target.read_bytes() == b"nuevo\r\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_full_disk_during_fsync_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "grades.json"
    target.write_text('{"old": true}')
    monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(OSError) as info:
        write_bytes(target, b"x" * 100_000)
    assert info.value.errno == errno.ENOSPC
    assert target.read_text() == '{"old": true}'
    assert _leftovers(tmp_path) == []


def test_full_disk_inside_a_writer_keeps_the_old_model(tmp_path):
    target = tmp_path / "m.keras"
    target.write_bytes(b"old model")
    seen = []

    def save(path):  # like model.save: writes part of the file, then the disk is full
        seen.append(path)
        path.write_bytes(b"partial")
        _disk_full()

    with pytest.raises(OSError):
        write_with(target, save)
    assert seen[0].suffix == ".keras" and seen[0].parent == tmp_path
    assert target.read_bytes() == b"old model"
    assert _leftovers(tmp_path) == []


def test_interrupt_inside_a_writer_removes_the_temp_file(tmp_path):
    def save(path):
        path.write_bytes(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_with(tmp_path / "new.keras", save)
    assert list(tmp_path.iterdir()) == []


def test_write_with_moves_the_written_file_into_place(tmp_path):
    target = write_with(tmp_path / "m.keras", lambda p: p.write_bytes(b"model"))
    assert target.read_bytes() == b"model" and _leftovers(tmp_path) == []


def test_replace_dir_swaps_only_a_complete_folder(tmp_path):
    target = tmp_path / "export" / "1"
    target.parent.mkdir()
    target.mkdir()
    (target / "saved_model.pb").write_text("old")

    def failing(path):
        path.mkdir()
        (path / "saved_model.pb").write_text("half")
        _disk_full()

    with pytest.raises(OSError):
        replace_dir(target, failing)
    assert (target / "saved_model.pb").read_text() == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["1"]

    def good(path):
        path.mkdir()
        (path / "saved_model.pb").write_text("new")

    replace_dir(target, good)
    assert (target / "saved_model.pb").read_text() == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == ["1"]


def test_replace_dir_puts_the_old_folder_back_when_the_swap_fails(tmp_path, monkeypatch):
    target = tmp_path / "1"
    target.mkdir()
    (target / "a").write_text("old")
    real_replace = os.replace
    calls = []

    def replace(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the new folder into place
            _disk_full()
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(OSError):
        replace_dir(target, lambda p: (p.mkdir(), (p / "a").write_text("new")))
    assert (target / "a").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["1"]


def test_check_output_path_refusals_name_the_path(tmp_path):
    existing = tmp_path / "r.md"
    existing.write_text("x")
    with pytest.raises(ValueError, match=r"report '.*r\.md': it already exists \(pass --overwrite"):
        check_output_path(existing, what="report")
    assert check_output_path(existing, overwrite=True) == existing
    with pytest.raises(FileNotFoundError, match="folder '.*nope' does not exist"):
        check_output_path(tmp_path / "nope" / "r.md")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        check_output_path(tmp_path, overwrite=True)
    with pytest.raises(ValueError, match="is a file, not a folder"):
        check_output_path(existing / "r.md")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        check_output_path(existing, overwrite=True, kind="dir")
    assert check_output_path(tmp_path / "new", kind="dir") == tmp_path / "new"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_check_output_path_refuses_a_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(PermissionError, match="no write permission in folder '.*ro'"):
            check_output_path(folder / "r.md", what="report")
    finally:
        folder.chmod(0o755)


def test_check_model_file_tells_the_cases_apart(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        check_model_file(tmp_path / "none.keras")
    with pytest.raises(IsADirectoryError, match="is a folder, not a .keras model file"):
        check_model_file(tmp_path)
    saved = tmp_path / "export"
    saved.mkdir()
    (saved / "saved_model.pb").write_bytes(b"")
    with pytest.raises(IsADirectoryError, match="SavedModel folder"):
        check_model_file(saved)
    text = tmp_path / "notes.keras"
    text.write_text("hola")
    with pytest.raises(ValueError, match=r"is not a .keras model \(not a zip archive\)"):
        check_model_file(text)
    empty = tmp_path / "empty.keras"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match=r"is not a .keras model \(the file is empty\)"):
        check_model_file(empty)
    other = tmp_path / "other.keras"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ValueError, match="has no config.json"):
        check_model_file(other)
    with pytest.raises(ValueError, match="expected a .keras file"):
        check_model_file(text.rename(tmp_path / "notes.txt"))
    good = tmp_path / "good.keras"
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr("config.json", "{}")
    assert check_model_file(good) == good
