"""Real files below the root: the only way hvshell reads or writes the disk
(file cmdlets, `>` redirection, script files, Export-/Import-Lab).

A path is walked one component at a time from a descriptor of the root
(`openat`-style: every step opens relative to the directory opened before
it, with O_NOFOLLOW), so what is checked is what is opened: a symlink is
read and followed by hand, only while it stays below the root, and a file
swapped for a symlink between two steps fails to open instead of leading
elsewhere.  Only regular files are read or written: a FIFO, a device or a
socket is refused at once (opened non-blocking, then checked), never
waited on.  Every failure is a PowerShell error (CmdletError) naming the
path as the user wrote it.
"""
from __future__ import annotations

import collections
import errno
import os
import pathlib
import stat

from hvshell.runtime.errors import CmdletError

MAX_LINKS = 40            # as the kernel's own limit on symlinks in one path
MAX_NAME, MAX_PATH = 255, 4095      # Linux's NAME_MAX and PATH_MAX
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket"}


class RealFiles:
    """The files below one root directory."""

    def __init__(self, root: pathlib.Path):
        self.root = root

    # ---- errors ---------------------------------------------------------------

    def denied(self, path: str) -> CmdletError:
        return CmdletError(
            f"Access to the path '{path}' is denied: hvshell reads and writes files only "
            f"below '{self.root}'. Use a path inside it, or start hvshell with --root.",
            "FileAccessDenied", "PermissionDenied", path, "System.UnauthorizedAccessException")

    @staticmethod
    def not_found(path: str) -> CmdletError:
        return CmdletError(f"Cannot find path '{path}' because it does not exist.",
                           "PathNotFound", "ObjectNotFound", path,
                           "System.Management.Automation.ItemNotFoundException")

    @staticmethod
    def is_directory(path: str) -> CmdletError:
        return CmdletError(f"Access to the path '{path}' is denied: it is a directory.",
                           "FileOpenFailure", "OpenError", path,
                           "System.UnauthorizedAccessException")

    @staticmethod
    def not_regular(path: str, what: str) -> CmdletError:
        return CmdletError(f"The path '{path}' is {what}, not a file: hvshell reads and writes "
                           f"only regular files.", "FileOpenFailure", "OpenError", path,
                           "System.NotSupportedException")

    def os_error(self, error: OSError, path: str) -> CmdletError:
        code = error.errno
        if code in (errno.ENOENT, errno.ENOTDIR):
            return CmdletError(f"Could not find a part of the path '{path}': its folder does "
                               f"not exist.", "FileOpenFailure", "OpenError", path,
                               "System.IO.DirectoryNotFoundException")
        if code == errno.ENAMETOOLONG:
            return CmdletError(f"The path '{path}' is too long: a name in it, or the whole, is "
                               f"longer than the file system allows.", "PathTooLong",
                               "InvalidArgument", path, "System.IO.PathTooLongException")
        if code == errno.ELOOP:
            return CmdletError(f"The path '{path}' cannot be followed: its symbolic links go "
                               f"round in a loop (or are more than {MAX_LINKS}).",
                               "FileOpenFailure", "OpenError", path, "System.IO.IOException")
        if code == errno.EISDIR:
            return self.is_directory(path)
        if code == errno.ENXIO:
            return self.not_regular(path, "a FIFO (named pipe) or a device")
        if code in (errno.EACCES, errno.EPERM, errno.EROFS):
            return CmdletError(f"Access to the path '{path}' is denied: "
                               f"{error.strerror or error}.", "FileOpenFailure", "OpenError",
                               path, "System.UnauthorizedAccessException")
        return CmdletError(f"The file '{path}' could not be opened: {error.strerror or error}.",
                           "FileOpenFailure", "OpenError", path, "System.IO.IOException")

    # ---- walking -------------------------------------------------------------

    def _parts(self, path: str) -> list[str]:
        if "\0" in path:
            raise CmdletError("Illegal characters in path.", "System.ArgumentException",
                              "InvalidArgument", path, "System.ArgumentException")
        text = path.replace("\\", "/")
        if len(text.encode("utf-8", "surrogatepass")) > MAX_PATH or \
                any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME for part in text.split("/")):
            raise self.os_error(OSError(errno.ENAMETOOLONG, "File name too long"), path)
        if text.startswith("/"):
            normal = os.path.normpath(text)
            root = str(self.root)
            if normal == root:
                return []
            if not normal.startswith(root.rstrip("/") + "/"):
                raise self.denied(path)
            text = normal[len(root):]
        return [part for part in text.split("/") if part not in ("", ".")]

    def _walk(self, path: str) -> tuple[list[int], str | None, os.stat_result | None]:
        """Open the folders of `path` from the root: (their descriptors, the
        last name or None for the root itself, its lstat or None when it does
        not exist).  The caller closes the descriptors (`_close`)."""
        parts = collections.deque(self._parts(path))
        stack = [os.open(self.root, _DIR_FLAGS)]
        links = 0
        try:
            while parts:
                name = parts.popleft()
                if name == "..":
                    if len(stack) == 1:
                        raise self.denied(path)
                    os.close(stack.pop())
                    continue
                try:
                    info = os.lstat(name, dir_fd=stack[-1])
                except FileNotFoundError:
                    if parts:
                        raise
                    return stack, name, None
                if stat.S_ISLNK(info.st_mode):
                    links += 1
                    if links > MAX_LINKS:
                        raise OSError(errno.ELOOP, "too many symbolic links")
                    target = os.readlink(name, dir_fd=stack[-1])
                    if target.startswith("/"):
                        relative = self._link_inside(target, path)
                        for fd in stack[1:]:
                            os.close(fd)
                        del stack[1:]
                        parts.extendleft(reversed(relative))
                    else:
                        parts.extendleft(reversed([p for p in target.split("/")
                                                   if p not in ("", ".")]))
                    continue
                if not parts:
                    return stack, name, info
                stack.append(os.open(name, _DIR_FLAGS, dir_fd=stack[-1]))
            return stack, None, os.fstat(stack[-1])
        except CmdletError:
            self._close(stack)
            raise
        except OSError as error:
            self._close(stack)
            raise self.os_error(error, path) from None

    def _link_inside(self, target: str, path: str) -> list[str]:
        normal = os.path.normpath(target)
        root = str(self.root)
        if normal != root and not normal.startswith(root.rstrip("/") + "/"):
            raise self.denied(path)
        return [p for p in normal[len(root):].split("/") if p]

    @staticmethod
    def _close(stack: list[int]) -> None:
        for fd in stack:
            os.close(fd)

    # ---- what the cmdlets ask ------------------------------------------------

    def kind(self, path: str) -> str | None:
        """'file', 'directory', 'other' (FIFO, device, socket) or None when
        nothing is there."""
        try:
            stack, _, info = self._walk(path)
        except CmdletError as error:
            if error.record.exception_type == "System.IO.DirectoryNotFoundException":
                return None
            raise
        self._close(stack)
        if info is None:
            return None
        if stat.S_ISREG(info.st_mode):
            return "file"
        return "directory" if stat.S_ISDIR(info.st_mode) else "other"

    def size(self, path: str) -> int:
        """The size of a regular file; 0 when there is none."""
        stack, _, info = self._walk(path)
        self._close(stack)
        return info.st_size if info is not None and stat.S_ISREG(info.st_mode) else 0

    def files_in(self, folder: str) -> list[str]:
        """The names of the regular files in `folder` (none when it is no folder)."""
        stack, name, info = self._walk(folder)
        try:
            if info is None or not stat.S_ISDIR(info.st_mode):
                return []
            fd = stack[-1] if name is None else os.open(name, _DIR_FLAGS, dir_fd=stack[-1])
            try:
                with os.scandir(fd) as entries:
                    return [e.name for e in entries if e.is_file(follow_symlinks=False)]
            finally:
                if name is not None:
                    os.close(fd)
        except OSError as error:
            raise self.os_error(error, folder) from None
        finally:
            self._close(stack)

    def _open(self, path: str, flags: int) -> int:
        """A descriptor of the regular file at `path` (created when `flags`
        say so), opened without following a link and without blocking."""
        for _ in range(MAX_LINKS):
            stack, name, info = self._walk(path)
            try:
                if name is None or (info is not None and stat.S_ISDIR(info.st_mode)):
                    raise self.is_directory(path)
                if info is None and not flags & os.O_CREAT:
                    raise self.not_found(path)
                if info is not None and not stat.S_ISREG(info.st_mode):
                    raise self.not_regular(path, _KINDS.get(stat.S_IFMT(info.st_mode), "no file"))
                try:
                    fd = os.open(name, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC,
                                 0o666, dir_fd=stack[-1])
                except OSError as error:
                    if error.errno == errno.ELOOP:
                        continue            # swapped for a link meanwhile: walk it again
                    raise self.os_error(error, path) from None
            finally:
                self._close(stack)
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):
                os.close(fd)
                raise self.not_regular(path, _KINDS.get(stat.S_IFMT(opened.st_mode), "no file"))
            os.set_blocking(fd, True)
            return fd
        raise self.os_error(OSError(errno.ELOOP, "too many symbolic links"), path)

    def read(self, path: str) -> bytes:
        fd = self._open(path, os.O_RDONLY)
        try:
            with os.fdopen(fd, "rb") as handle:
                return handle.read()
        except OSError as error:
            raise self.os_error(error, path) from None

    def write(self, path: str, data: bytes, append: bool = False, prefix_if_new: bytes = b"") -> None:
        """Write (or append) `data`; `prefix_if_new` (a byte order mark)
        starts a file that was empty."""
        fd = self._open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else 0))
        try:
            with os.fdopen(fd, "wb") as handle:
                if not append:
                    handle.truncate(0)
                fresh = os.fstat(handle.fileno()).st_size == 0
                handle.write((prefix_if_new if fresh else b"") + data)
        except OSError as error:
            raise self.os_error(error, path) from None

    def replace(self, path: str, data: bytes) -> None:
        """Write `data` as the whole new content of `path` atomically: a
        temporary file in the same folder, synced, renamed over it."""
        stack, name, info = self._walk(path)
        try:
            if name is None or (info is not None and stat.S_ISDIR(info.st_mode)):
                raise self.is_directory(path)
            if info is not None and not stat.S_ISREG(info.st_mode):
                raise self.not_regular(path, _KINDS.get(stat.S_IFMT(info.st_mode), "no file"))
            folder = stack[-1]
            temp = f".{name}.{os.urandom(4).hex()}.tmp"     # (secrets costs 5 ms to import)
            try:
                fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW |
                             os.O_CLOEXEC, 0o644, dir_fd=folder)
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(data)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.replace(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
                except BaseException:
                    try:
                        os.unlink(temp, dir_fd=folder)
                    except OSError:
                        pass
                    raise
            except OSError as error:
                raise self.os_error(error, path) from None
        finally:
            self._close(stack)


__all__ = ["RealFiles", "MAX_LINKS"]
