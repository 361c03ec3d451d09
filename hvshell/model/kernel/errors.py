"""Errors the lab raises when a rule refuses an operation.

The model never imports the shell, so it cannot raise the shell's error
records itself.  A `LabError` carries everything a PowerShell error shows
(message, error id, category, target, .NET exception type); the cmdlets
turn it into a PowerShell error.  A refused operation raises before it
changes anything, so the lab is left exactly as it was.
"""
from __future__ import annotations

from typing import Any

# .NET exception types the real modules report (docs/cmdlets.md).
VIRTUALIZATION_EXCEPTION = "Microsoft.HyperV.PowerShell.VirtualizationException"
INVALID_ARGUMENT_EXCEPTION = "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException"
OPERATION_FAILED_EXCEPTION = "Microsoft.HyperV.PowerShell.VirtualizationOperationFailedException"
CLUSTER_EXCEPTION = "Microsoft.FailoverClusters.PowerShell.ClusterCmdletException"
ARGUMENT_EXCEPTION = "System.ArgumentException"
INVALID_OPERATION_EXCEPTION = "System.InvalidOperationException"


class LabError(Exception):
    """A refused or failed lab operation, worded for the user: what is
    wrong and how to fix it."""

    def __init__(self, message: str, error_id: str = "OperationFailed",
                 category: str = "InvalidOperation", target: Any = None,
                 exception_type: str = OPERATION_FAILED_EXCEPTION):
        super().__init__(message)
        self.message = message
        self.error_id = error_id
        self.category = category
        self.target = target
        self.exception_type = exception_type


def invalid_argument(message: str, target: Any = None) -> LabError:
    """A value the host cannot accept (Hyper-V: InvalidParameter)."""
    return LabError(message, "InvalidParameter", "InvalidArgument", target,
                    INVALID_ARGUMENT_EXCEPTION)


def invalid_state(message: str, target: Any = None) -> LabError:
    """The object is in a state that does not allow the operation."""
    return LabError(message, "InvalidState", "InvalidOperation", target,
                    OPERATION_FAILED_EXCEPTION)


def not_supported(message: str, target: Any = None) -> LabError:
    """A feature the host's version does not have."""
    return LabError(message, "NotSupported", "InvalidOperation", target,
                    OPERATION_FAILED_EXCEPTION)


def operation_failed(message: str, target: Any = None, category: str = "NotSpecified") -> LabError:
    return LabError(message, "OperationFailed", category, target, OPERATION_FAILED_EXCEPTION)


def lab_argument(message: str, target: Any = None) -> LabError:
    """Bad input to a simulator (`*-Lab*`) cmdlet."""
    return LabError(message, "InvalidLabArgument", "InvalidArgument", target, ARGUMENT_EXCEPTION)


class OperationCancelled(Exception):
    """Thrown into an operation's process when its job is stopped."""


class LabFileError(LabError):
    """A saved lab that cannot be read: missing, corrupt, or not a lab."""

    def __init__(self, message: str, target: Any = None):
        super().__init__(message, "LabFileInvalid", "InvalidData", target,
                         "System.IO.InvalidDataException")


class LabSaveError(LabError):
    """The system refused to save the lab (full disk, read-only folder, no
    permission); the file keeps what the last save wrote."""

    def __init__(self, path: Any, error: OSError):
        reason = self.reason = error.strerror or str(error)
        super().__init__(f"The lab could not be saved to '{path}': {reason}. The file still "
                         f"holds the lab as of the last save; this session keeps the changes. "
                         f"Make room or fix the folder's permissions (or Export-Lab to another "
                         f"file) and the next command saves again.",
                         "LabSaveFailed", "WriteError", str(path), "System.IO.IOException")
