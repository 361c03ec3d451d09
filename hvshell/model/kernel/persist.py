"""Saving and loading a whole lab as one JSON document.

    {"format": "hvshell-lab", "version": 1, "clock": <seconds>,
     "rng": <numpy bit generator state>, "lab": <the lab, by cattrs>}

(the objects as data: `hvshell.model.kernel.codec`).

`save_lab` is atomic: it writes a temporary file in the same folder,
flushes and fsyncs it, and renames it over the target, so a crash or kill
mid-save leaves the previous file whole; a target that is a symlink is
replaced where it points, and the link stays.  A save that fails (a full
disk, a read-only folder) raises LabSaveError and leaves the previous file
as it was.  `load_lab` refuses (LabFileError) a file that is not JSON, not
an hvshell lab, of a format version it does not know, or whose content does
not fit the model (hvshell.model.kernel.labcheck); the file is left
untouched.  A UTF-8 byte order mark is accepted.

What cannot be saved is a running process.  Timed lab actions (faults due
later, a host's boot, delayed automatic starts) are records and are
re-armed on load.  Operations in flight (a VM starting, saving ...) are
not: on load the VM goes back to the state it had before the operation,
and the job that ran it is marked Failed, reason 'interrupted: the lab was
reloaded'.  A cluster failover that was starting roles starts them again.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import cattrs

from hvshell.model.kernel import labcheck
from hvshell.model.kernel.codec import CONVERTER
from hvshell.model.kernel.errors import LabFileError, LabSaveError
from hvshell.model.kernel.labfile import temp_prefix
from hvshell.model.kernel.schedule import rearm
from hvshell.model.lab import Lab
from hvshell.sim.clock import Clock

FORMAT_NAME = "hvshell-lab"
FORMAT_VERSION = 1
KNOWN_VERSIONS = (1,)


def lab_to_document(lab: Lab) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "clock": lab.clock.now,
        "rng": lab.rng.bit_generator.state,
        "lab": CONVERTER.unstructure(lab),
    }


def lab_from_document(document: Any, source: str = "the lab") -> Lab:
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise LabFileError(f"{source} is not an hvshell lab file (no \"format\": "
                           f"\"{FORMAT_NAME}\" header). Use a file written by Export-Lab or "
                           "--lab.", source)
    version = document.get("version")
    if isinstance(version, bool) or version not in KNOWN_VERSIONS:
        newer = isinstance(version, int) and not isinstance(version, bool) and \
            version > FORMAT_VERSION
        raise LabFileError(f"{source} was saved in lab format {version!r}; this hvshell reads "
                           f"format {', '.join(map(str, KNOWN_VERSIONS))}."
                           + (" Use a newer hvshell." if newer else ""), source)
    labcheck.check_document(document, source)
    try:
        lab = CONVERTER.structure(document["lab"], Lab)
        now = float(document["clock"])
    except Exception as error:   # cattrs reports nested validation errors in groups
        raise LabFileError(f"{source} is damaged: {_describe(error)}.", source) from None
    labcheck.check_lab(lab, source)
    # What the model made of the values (a float read as an int) must pass the same checks.
    labcheck.check_values(CONVERTER.unstructure(lab), source)
    lab.clock = Clock(now)
    rng_state = document.get("rng")
    if rng_state is not None:
        try:
            lab.rng.bit_generator.state = rng_state
        except Exception as error:     # numpy checks the state its own ways (Overflow, Type ...)
            raise LabFileError(f"{source} is damaged: bad random-generator state ({error}).",
                               source) from None
    lab.relink()
    try:
        _after_load(lab)
    except LabFileError:
        raise
    except Exception as error:   # a state no check above foresaw: refused, not a failure later
        raise LabFileError(f"{source} is damaged: it cannot be resumed "
                           f"({type(error).__name__}: {error}).", source) from None
    return lab


def _describe(error: BaseException) -> str:
    if isinstance(error, cattrs.BaseValidationError):
        messages = cattrs.transform_error(error)
        return "; ".join(messages[:3])
    return f"{type(error).__name__}: {error}"


def _after_load(lab: Lab) -> None:
    """Operations cannot survive a reload: undo their half-done changes and
    fail their jobs; put the timed actions back on the clock; then each
    domain repairs what it had under way (VMs back to their state before
    the operation, failovers resumed ...)."""
    for job in lab.jobs:
        job.interrupt_on_reload()
    rearm(lab)
    lab.domains.after_load(lab)


def lab_to_text(lab: Lab) -> str:
    """The saved form of `lab` (one line of JSON)."""
    return json.dumps(lab_to_document(lab), separators=(",", ":"))


def save_lab(lab: Lab, path: str | os.PathLike) -> None:
    """Write `lab` to `path` atomically; LabSaveError (the old file whole)
    when the system refuses."""
    target = Path(os.path.realpath(path))      # a symlink is kept; its target is replaced
    text = lab_to_text(lab)
    folder = target.parent
    temp_name = None
    try:
        handle, temp_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp",
                                             dir=folder)
        if target.exists():
            os.fchmod(handle, target.stat().st_mode & 0o7777)   # replaced, not re-created
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        if temp_name is not None:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
        if isinstance(error, OSError):
            raise LabSaveError(path, error) from None
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot
    be opened)."""
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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a lab holds")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 40:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def load_lab(path: str | os.PathLike) -> Lab:
    source = f"'{path}'"
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise LabFileError(f"The lab file {source} does not exist.", str(path)) from None
    except OSError as error:
        raise LabFileError(f"The lab file {source} cannot be read: {error.strerror}.",
                           str(path)) from None
    return lab_from_bytes(data, source)


def lab_from_bytes(data: bytes, source: str) -> Lab:
    """A lab from the bytes of a saved file (UTF-8, a byte order mark
    allowed); LabFileError naming `source` when they are not one."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabFileError(f"{source} is not an hvshell lab file (it is not text).",
                           source) from None
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_int=_bounded_int)
    except json.JSONDecodeError as error:
        raise LabFileError(f"{source} is not an hvshell lab file: it is not valid JSON "
                           f"({error.msg} at line {error.lineno}, column {error.colno}).",
                           source) from None
    except (ValueError, RecursionError) as error:
        reason = "it nests too deep" if isinstance(error, RecursionError) else str(error)
        raise LabFileError(f"{source} is not an hvshell lab file: {reason}.", source) from None
    return lab_from_document(document, source)
