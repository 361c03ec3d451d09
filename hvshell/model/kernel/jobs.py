"""Background jobs: what `-AsJob` returns and Get-Job/Wait-Job/Receive-Job
handle.

A job runs one or more clock processes (one per object the command
handled).  Its state follows them: Running until all are done, then
Completed, or Failed when any failed, or Stopped when Stop-Job cancelled
it.  Output objects and errors wait in the job until Receive-Job takes them.

Jobs are saved with the lab as records.  A process cannot be saved, so a
job still running when the lab is reloaded comes back Failed with the
reason 'interrupted: the lab was reloaded', and the objects it was changing
go back to the state they had before it started (a VM stays on its host).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Generator

import attrs

from hvshell.pstypes.objects import PSEnum
from hvshell.pstypes.registry import ps_type
from hvshell.model.kernel.errors import LabError, OperationCancelled
from hvshell.model.kernel.events import EventKind

INTERRUPTED_REASON = "interrupted: the lab was reloaded"


# Why an operation did not stop when asked (Stop-Job, Ctrl+C): it completes.
PAST_NO_RETURN = ("it has passed the point of no return (the switch-over to the destination "
                  "has begun) and completes")


class JobState(PSEnum):
    NotStarted = 0
    Running = 1
    Completed = 2
    Failed = 3
    Stopped = 4
    Blocked = 5
    Suspended = 6
    Disconnected = 7
    Suspending = 8
    Stopping = 9


@attrs.define(eq=False)
class JobError:
    """An error a job reported, kept as data so it survives a reload."""
    message: str
    error_id: str
    category: str
    target: str
    exception_type: str

    @classmethod
    def from_lab_error(cls, error: LabError) -> "JobError":
        target = "" if error.target is None else str(error.target)
        return cls(error.message, error.error_id, error.category, target, error.exception_type)

    def to_lab_error(self) -> LabError:
        return LabError(self.message, self.error_id, self.category, self.target or None,
                        self.exception_type)


@ps_type
@attrs.define(eq=False)
class Job:
    PS_TYPE = "System.Management.Automation.Job"

    id: int
    name: str
    command: str
    location: str
    state: JobState = JobState.NotStarted
    begin_time: float | None = None
    end_time: float | None = None
    errors: list[JobError] = attrs.Factory(list)
    reason: str = ""
    # Errors not yet taken by Receive-Job (results are not saved: they are
    # live objects, which a reloaded lab has anew).
    unread_errors: int = 0
    lab: Any = attrs.field(init=False, default=None, repr=False)
    results: list[Any] = attrs.field(init=False, factory=list, repr=False)
    unread_results: int = attrs.field(init=False, default=0, repr=False)
    processes: list[Any] = attrs.field(init=False, factory=list, repr=False)
    sealed: bool = attrs.field(init=False, default=False, repr=False)
    # Processes not done yet (so that each one ending costs O(1), not a scan).
    unfinished: int = attrs.field(init=False, default=0, repr=False)
    # Called once when the job ends (Wait-Job wakes on them: no polling).
    watchers: list[Callable[["Job"], None]] = attrs.field(init=False, factory=list, repr=False)

    # ---- running ----------------------------------------------------------

    def add(self, generator: Generator[Any, Any, Any],
            on_result: Callable[[Any], None] | None = None) -> Any:
        """Run `generator` as one of this job's processes; its return value
        (unless None) becomes job output."""
        clock = self.lab.clock
        if self.state is JobState.NotStarted:
            self.state = JobState.Running
            self.begin_time = clock.now
        process = clock.process(generator)
        self.processes.append(process)
        self.unfinished += 1
        process.on_done(lambda ev: self._finished(ev, on_result))
        return process

    def seal(self) -> None:
        """No more processes will be added: the job ends when they do."""
        self.sealed = True
        self._maybe_end()

    def stop(self) -> bool:
        """Stop-Job: cancel what still runs.  False when some of it could not
        be stopped (a migration past its point of no return): the job then
        goes on and ends, Completed, when that does."""
        if self.state in (JobState.Completed, JobState.Failed, JobState.Stopped):
            return True
        self.state = JobState.Stopping
        for process in list(self.processes):
            process.interrupt(OperationCancelled(f"Job{self.id} was stopped"))
        if any(not process.triggered for process in self.processes):
            self.state = JobState.Running
            return False
        self._end(JobState.Stopped)
        return True

    def _finished(self, event: Any, on_result: Callable[[Any], None] | None) -> None:
        self.unfinished -= 1
        if event.ok:
            if event.value is not None:
                values = event.value if isinstance(event.value, list) else [event.value]
                self.results.extend(values)
                self.unread_results += len(values)
            if on_result is not None:
                on_result(event.value)
        elif isinstance(event.value, LabError):
            self.errors.append(JobError.from_lab_error(event.value))
            self.unread_errors += 1
        elif not isinstance(event.value, OperationCancelled):
            raise event.value
        self._maybe_end()

    def _maybe_end(self) -> None:
        if self.state not in (JobState.Running, JobState.NotStarted) or not self.sealed:
            return
        if self.unfinished == 0:
            self._end(JobState.Failed if self.errors else JobState.Completed)

    def _end(self, state: JobState) -> None:
        self.state = state
        self.end_time = self.lab.clock.now if self.begin_time is not None else None
        if self.begin_time is None:
            self.begin_time = self.end_time = self.lab.clock.now
        self.lab.record(EventKind.Job, self.location,
                        f"Job{self.id} ({self.command}) {state.name}.")
        self._notify()

    def watch(self, callback: Callable[["Job"], None]) -> None:
        """Call `callback(job)` when the job ends (now, if it has)."""
        if self.finished:
            callback(self)
        else:
            self.watchers.append(callback)

    def _notify(self) -> None:
        watchers, self.watchers = self.watchers, []
        for callback in watchers:
            callback(self)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.Completed, JobState.Failed, JobState.Stopped)

    def take(self, keep: bool = False) -> tuple[list[Any], list[LabError]]:
        """Receive-Job: the unread output and errors (left in place with keep)."""
        results = self.results[len(self.results) - self.unread_results:]
        errors = [e.to_lab_error() for e in self.errors[len(self.errors) - self.unread_errors:]]
        if not keep:
            self.unread_results = 0
            self.unread_errors = 0
        return results, errors

    def interrupt_on_reload(self) -> None:
        """A job that was running when the lab was saved."""
        if not self.finished:
            self.state = JobState.Failed
            self.reason = INTERRUPTED_REASON
            self.errors.append(JobError(
                f"Job{self.id} ({self.command}) did not finish: {INTERRUPTED_REASON}; "
                "what it was changing was put back as it was before.",
                "JobInterrupted", "OperationStopped", self.name,
                "System.Management.Automation.JobFailedException"))
            self.unread_errors += 1
            self.end_time = self.lab.clock.now
            self._notify()

    # ---- what Get-Job shows -------------------------------------------------

    @property
    def Id(self) -> int:
        return self.id

    @property
    def Name(self) -> str:
        return self.name

    @property
    def PSJobTypeName(self) -> str:
        return "BackgroundJob"

    @property
    def State(self) -> JobState:
        return self.state

    @property
    def HasMoreData(self) -> bool:
        return bool(self.unread_results or self.unread_errors)

    @property
    def Location(self) -> str:
        return self.location

    @property
    def Command(self) -> str:
        return self.command

    @property
    def JobStateInfo(self) -> str:
        return self.state.name

    @property
    def PSBeginTime(self) -> dt.datetime | None:
        return None if self.begin_time is None else self.lab.time_at(self.begin_time)

    @property
    def PSEndTime(self) -> dt.datetime | None:
        return None if self.end_time is None else self.lab.time_at(self.end_time)

    @property
    def StatusMessage(self) -> str:
        return self.reason

    def ToString(self) -> str:
        return self.name
