"""Where an export may write, and writing it whole.

An export is refused, with or without --force, onto any file the command reads (the database, its
-wal, -shm or journal, through a symbolic or hard link too) and onto anything but a regular file (a
device such as /dev/null, a FIFO, a socket): replacing those loses workshops or breaks the system.

An export is written whole or not at all. Each file is written beside its destination (on the
same disk, so the last step is one rename) and fsynced before it replaces anything; where Linux
allows, it is written as an unnamed file (O_TMPFILE) and named only once complete, so a full disk
or a kill while writing leaves nothing behind. A CSV export, a folder of files, is built in a
temporary folder beside its destination and swapped in whole (one atomic exchange where the system
offers it), so nobody ever finds old tables mixed with new ones.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from csi_tui.domain.errors import CsiError, InvalidInput


def _same(path: Path, other: Path) -> bool:
    if os.path.realpath(path) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(path, other)  # a hard link, or a path spelled through a bind mount
    except OSError:  # one of them does not exist (yet)
        return False


def refuse_reads(path: Path, reads: Iterable[Path], *, folder: bool = False,
                 role: str = "this export reads") -> None:
    """Refuse an export to ``path`` when the command reads it; for a folder export, also when the
    folder holds something it reads, since the folder is replaced whole. ``role``: what the
    database is to the command, for the message."""
    for read in reads:
        if _same(path, read):
            what = "the database" if not read.name.endswith(("-wal", "-shm", "-journal")) else (
                f"{read.name}, part of the database")
            raise InvalidInput(f"{path} is {what} {role}; choose another file")
        if folder and path.exists() and any(_same(path, parent) for parent in read.parents):
            raise InvalidInput(f"{path} holds the database this export reads, and a CSV export replaces "
                               "its folder whole; choose another folder")


def _writable_folder(folder: Path) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"{folder} is read-only; cannot export there")


def refuse_file(path: Path, force: bool, reads: Iterable[Path]) -> None:
    """The checks before an export to one file."""
    refuse_reads(path, reads)
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory; give a file name to export to")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise InvalidInput(f"{path} is not a regular file; csi-tui exports only to a file it can replace")
    if path.exists() and not force:
        raise InvalidInput(f"{path} already exists; add --force to replace it")
    if not path.parent.is_dir():
        raise InvalidInput(f"{path.parent} does not exist")
    _writable_folder(path.parent)


def refuse_folder(directory: Path, members: Iterable[str], force: bool, reads: Iterable[Path]) -> None:
    """The checks before an export of a folder of ``members``. Since the folder is replaced whole, a
    folder holding anything else (a person's own files) is refused even with --force."""
    refuse_reads(directory, reads, folder=True)
    if directory.exists() and not directory.is_dir():
        raise InvalidInput(f"{directory} is a file; give a directory to write the CSV files into")
    if not directory.parent.is_dir():
        raise InvalidInput(f"{directory.parent} does not exist")
    _writable_folder(directory.parent)
    if not directory.is_dir():
        return
    names = set(members)
    inside = sorted(os.listdir(directory))
    others = [name for name in inside if name not in names or not (directory / name).is_file()]
    if others:
        raise InvalidInput(f"{directory} holds other files than an export's ({', '.join(others)}); the export "
                           "replaces its folder whole, so give a new folder")
    if inside and not force:
        raise InvalidInput(f"{directory} already holds {', '.join(inside)}; add --force to replace them")


def not_written(path: Path, error: OSError) -> CsiError:
    return CsiError(f"{path}: could not be written ({error.strerror or error}); nothing was changed")


# --- writing ------------------------------------------------------------------------------------

_PROC_FD = "/proc/self/fd"


def _unnamed(folder: Path) -> int | None:
    """An unnamed file in ``folder`` (Linux's O_TMPFILE), or None where the system or the disk
    has none. It takes the usual permissions (0666 less the umask) and vanishes if never named."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir(_PROC_FD):
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY | os.O_CLOEXEC, 0o666)
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None
        raise


def _temporary_name(folder: Path, stem: str) -> Path:
    return folder / f".{stem}.{secrets.token_hex(6)}.partial"


def _named(folder: Path, stem: str) -> tuple[int, Path]:
    while True:
        name = _temporary_name(folder, stem)
        try:
            return os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o666), name
        except FileExistsError:
            continue


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fsync(fd)


def _name_unnamed(fd: int, target: Path) -> None:
    """Give an unnamed (O_TMPFILE) file a name: linkat(AT_SYMLINK_FOLLOW) through /proc. Python
    calls plain link(), which would link the /proc entry itself, unless a folder descriptor is
    given; so one is."""
    folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.link(f"{_PROC_FD}/{fd}", target.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _link(fd: int, folder: Path, stem: str) -> Path:
    """Give an unnamed file a temporary name in ``folder``."""
    while True:
        name = _temporary_name(folder, stem)
        try:
            _name_unnamed(fd, name)
            return name
        except FileExistsError:
            continue


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable. Best effort: some systems cannot open a folder to sync it, and by
    now the rename has happened, so failing the export would misreport it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _Pending:
    """One file's bytes, on the disk beside their destination and not yet anywhere anyone looks.
    Unnamed (where the system allows) until `move_to`: a kill before then leaves nothing."""

    def __init__(self, folder: Path, stem: str, data: bytes) -> None:
        self.folder, self.stem = folder, stem
        self.name: Path | None = None
        self.fd: int | None = _unnamed(folder)
        if self.fd is None:
            self.fd, self.name = _named(folder, stem)
        try:
            _write_all(self.fd, data)
        except BaseException:
            self.discard()
            raise

    def move_to(self, target: Path, *, fresh: bool = False) -> None:
        """Put the file at ``target``: replacing what is there, or (``fresh``) where nothing is."""
        assert self.fd is not None
        if self.name is None and fresh:
            _name_unnamed(self.fd, target)
        else:
            if self.name is None:
                self.name = _link(self.fd, self.folder, self.stem)
            os.replace(self.name, target)
        self.name = None
        self._close()

    def discard(self) -> None:
        if self.name is not None:
            self.name.unlink(missing_ok=True)
            self.name = None
        self._close()

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def write_whole(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename, or leave it (and its folder) as it was."""
    pending = None
    try:
        pending = _Pending(path.parent, path.name, data)
        pending.move_to(path)
        _fsync_folder(path.parent)
    except OSError as error:
        if pending is not None:
            pending.discard()
        raise not_written(path, error) from None


def _exchange(new: Path, old: Path) -> Path:
    """Put the folder ``new`` where ``old`` is; returns where the old folder's contents now are.
    Linux swaps the two in one step (renameat2 RENAME_EXCHANGE), so there is no moment without
    the folder; elsewhere the old one is moved aside first and put back if the second move fails."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None:
        at_fdcwd, rename_exchange = -100, 2
        if renameat2(at_fdcwd, os.fsencode(new), at_fdcwd, os.fsencode(old), rename_exchange) == 0:
            return new
        failure = ctypes.get_errno()
        if failure not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise OSError(failure, os.strerror(failure), str(old))
    aside = _temporary_name(old.parent, old.name)
    os.rename(old, aside)
    try:
        os.rename(new, old)
    except BaseException:
        os.rename(aside, old)
        raise
    return aside


def write_folder(directory: Path, files: Mapping[str, bytes]) -> None:
    """Replace the folder ``directory`` with one holding exactly ``files`` (name: bytes), whole:
    every file is written and fsynced before the folder changes, then the new folder takes the old
    one's place in one step. On a failure nothing is left but what was there before."""
    if directory.is_symlink():  # replace the folder it points to, not the link
        directory = Path(os.path.realpath(directory))
    parent = directory.parent
    pending: list[tuple[str, _Pending]] = []
    built: Path | None = None
    try:
        for name, data in files.items():
            pending.append((name, _Pending(parent, f"{directory.name}-{name}", data)))
        while built is None:
            candidate = _temporary_name(parent, directory.name)
            try:
                candidate.mkdir(0o777)  # the umask applies, as for any folder a person makes
                built = candidate
            except FileExistsError:
                continue
        if directory.is_dir():  # keep the permissions the facilitator gave the folder
            os.chmod(built, stat.S_IMODE(directory.stat().st_mode))
        for name, file in pending:
            file.move_to(built / name, fresh=True)
        _fsync_folder(built)
        if directory.is_dir():
            old = _exchange(built, directory)
            built = None
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(built, directory)
            built = None
        _fsync_folder(parent)
    except OSError as error:
        for _, file in pending:
            file.discard()
        if built is not None:
            shutil.rmtree(built, ignore_errors=True)
        raise not_written(directory, error) from None
