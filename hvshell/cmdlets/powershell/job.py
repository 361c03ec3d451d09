"""Background jobs: Get-Job, Wait-Job, Receive-Job, Stop-Job, Remove-Job.

Jobs come from a cmdlet's -AsJob and run on the lab's clock; Wait-Job
advances the clock until they finish (or -Timeout simulated seconds pass).
"""
from __future__ import annotations

from typing import Any

from hvshell.cmdlets.hyperv._common import report
from hvshell.model.kernel.jobs import PAST_NO_RETURN, Job, JobState
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.runtime.cmdlet import Cmdlet, Parameter, Switch

CORE = "Microsoft.PowerShell.Core"


class _JobSelector:
    """The -Id / -Name / -Job / -State / -Command sets the job cmdlets share."""

    def selected(self: Any) -> list[Job]:
        jobs: list[Job] = self.ctx.lab.jobs
        chosen: list[Job] = []
        kind = self.parameter_set
        if kind == "Job":
            lab = self.ctx.lab
            chosen = [j for j in self.Job if lab.has_job(j)]
        elif kind == "Name":
            for pattern in self.Name:
                hits = [j for j in jobs if wildcard_match(pattern, j.name)]
                if not hits and not has_wildcard(pattern):
                    self.write_error(
                        f"The command cannot find the job because the job name {pattern} was not "
                        "found. Verify the value of the Name parameter (Get-Job lists the jobs).",
                        "JobWithSpecifiedNameNotFound", "ObjectNotFound", pattern,
                        "System.ArgumentException")
                chosen += [j for j in hits if j not in chosen]
        elif kind == "State":
            chosen = [j for j in jobs if j.state is self.State]
        elif kind == "Command":
            chosen = [j for j in jobs if any(wildcard_match(c, j.command) for c in self.Command)]
        elif self.Id is not None:
            for job_id in self.Id:
                hits = [j for j in jobs if j.id == job_id]
                if not hits:
                    self.write_error(
                        f"The command cannot find a job with the job ID {job_id}. Verify the "
                        "value of the Id parameter (Get-Job lists the jobs).",
                        "JobWithSpecifiedSessionNotFound", "ObjectNotFound", job_id,
                        "System.ArgumentException")
                chosen += [j for j in hits if j not in chosen]
        else:
            chosen = list(jobs)
        return chosen


def _id_param(mandatory: bool) -> Parameter:
    return Parameter(int, array=True, position=0, mandatory=mandatory, sets=("Id",),
                     by_property=True)


def _name_param() -> Parameter:
    return Parameter(str, array=True, position=0, mandatory=True, sets=("Name",),
                     by_property=True)


def _job_param() -> Parameter:
    return Parameter(Job, array=True, position=0, mandatory=True, sets=("Job",), pipeline=True)


def _state_param() -> Parameter:
    return Parameter(JobState, position=0, mandatory=True, sets=("State",), by_property=True)


class GetJob(_JobSelector, Cmdlet):
    """Gets the background jobs of the session (from -AsJob)."""
    name = "Get-Job"
    module = CORE
    default_set = "Id"
    aliases = ("gjb",)
    output_type = Job.PS_TYPE

    Id = _id_param(mandatory=False)
    Name = _name_param()
    State = _state_param()
    Command = Parameter(str, array=True, sets=("Command",), by_property=True)

    def process(self) -> None:
        for job in self.selected():
            self.write(job)


def wait_for(clock: Any, jobs: list[Job], any_job: bool, timeout: float | None) -> bool:
    """Run the clock until the jobs are done (or one is, with any_job), or
    `timeout` simulated seconds pass.  True when the wait was satisfied.
    The jobs say when they end, so a step of the clock costs no scan of them."""
    open_jobs = [j for j in jobs if not j.finished]
    ended = [len(jobs) - len(open_jobs)]

    def one_ended(job: Job) -> None:
        ended[0] += 1

    def satisfied() -> bool:
        return ended[0] > 0 if any_job else ended[0] == len(jobs)

    for job in open_jobs:
        job.watch(one_ended)
    deadline = None if timeout is None or timeout < 0 else clock.now + timeout
    try:
        while not satisfied():
            when = clock.next_time()
            if when is None or (deadline is not None and when > deadline):
                break
            clock.step()
        if deadline is not None and not satisfied():
            clock.run_until(deadline)
    finally:
        for job in open_jobs:
            if one_ended in job.watchers:
                job.watchers.remove(one_ended)
    return satisfied()


class WaitJob(_JobSelector, Cmdlet):
    """Waits until jobs finish, advancing the simulated clock; with
    -Timeout, for at most that many simulated seconds."""
    name = "Wait-Job"
    module = CORE
    default_set = "Id"
    aliases = ("wjb",)
    output_type = Job.PS_TYPE

    Id = _id_param(mandatory=True)
    Name = _name_param()
    Job = _job_param()
    State = _state_param()
    Any = Parameter(Switch)
    Timeout = Parameter(int, aliases=("TimeoutSec",))
    Force = Parameter(Switch)

    def begin(self) -> None:
        self.jobs: list[Job] = []
        self.seen: set[int] = set()

    def process(self) -> None:
        for job in self.selected():
            if id(job) not in self.seen:
                self.seen.add(id(job))
                self.jobs.append(job)

    def end(self) -> None:
        if not self.jobs:
            return
        ok = wait_for(self.ctx.lab.clock, self.jobs, self.Any, self.Timeout)
        if ok:
            for job in self.jobs:
                if job.finished:
                    self.write(job)


class ReceiveJob(_JobSelector, Cmdlet):
    """Gets the output and errors of jobs (taken from the job unless
    -Keep)."""
    name = "Receive-Job"
    module = CORE
    default_set = "Job"
    aliases = ("rcjb",)

    Job = _job_param()
    Id = _id_param(mandatory=True)
    Name = _name_param()
    Keep = Parameter(Switch)
    Wait = Parameter(Switch)
    AutoRemoveJob = Parameter(Switch)

    def process(self) -> None:
        jobs = self.selected()
        if self.Wait:
            wait_for(self.ctx.lab.clock, jobs, False, None)
        for job in jobs:
            results, errors = job.take(self.Keep)
            for obj in results:
                self.write(obj)
            for error in errors:
                report(self, error)
            if self.AutoRemoveJob and self.Wait and job.finished:
                self.ctx.lab.remove_job(job)


class StopJob(_JobSelector, Cmdlet):
    """Stops jobs: their operations are cancelled and what they were
    changing goes back as it was."""
    name = "Stop-Job"
    module = CORE
    default_set = "Id"
    aliases = ("spjb",)
    supports_should_process = True

    Id = _id_param(mandatory=True)
    Name = _name_param()
    Job = _job_param()
    State = _state_param()
    PassThru = Parameter(Switch)

    def process(self) -> None:
        for job in self.selected():
            if self.should_process(f"{job.name}", action="Stop-Job"):
                if not job.stop():
                    self.write_warning(f"{job.name} could not be stopped: {PAST_NO_RETURN}.")
                if self.PassThru:
                    self.write(job)


class RemoveJob(_JobSelector, Cmdlet):
    """Deletes jobs from the session; a running job needs -Force (which
    stops it first)."""
    name = "Remove-Job"
    module = CORE
    default_set = "Id"
    aliases = ("rjb",)
    supports_should_process = True

    Id = _id_param(mandatory=True)
    Name = _name_param()
    Job = _job_param()
    State = _state_param()
    Command = Parameter(str, array=True, mandatory=True, sets=("Command",), by_property=True)
    Force = Parameter(Switch, aliases=("F",))

    def process(self) -> None:
        for job in self.selected():
            if not job.finished:
                if not self.Force:
                    self.write_error(
                        f"The command cannot remove the job with the job ID {job.id} because "
                        "the job is not finished. To remove the job, first stop the job "
                        "(Stop-Job), or use the Force parameter.",
                        "JobObjectNotFinishedCannotBeRemoved", "InvalidOperation", job,
                        "System.ArgumentException")
                    continue
            if self.should_process(job.name, action="Remove-Job"):
                if not job.finished:
                    job.stop()
                self.ctx.lab.remove_job(job)
