"""What the Hyper-V, cluster and lab cmdlets share: finding hosts and VMs
from -ComputerName/-Name the way Hyper-V does, reporting the lab's errors
as PowerShell errors, and running operations now or as a job (-AsJob).
"""
from __future__ import annotations

from typing import Any, Callable, Generator, Iterable

from hvshell.model.kernel.errors import VIRTUALIZATION_EXCEPTION, LabError, OperationCancelled
from hvshell.model.kernel.jobs import PAST_NO_RETURN
from hvshell.model.compute.host import Host
from hvshell.pstypes.wildcards import has_wildcard, wildcard_match
from hvshell.model.compute.power import launch
from hvshell.model.compute.vm import VM
from hvshell.runtime.cmdlet import Cmdlet, Parameter
from hvshell.runtime.errors import CmdletError

LOCAL_NAMES = ("", ".", "localhost")


def report(cmdlet: Any, error: LabError) -> None:
    """A refused operation as a non-terminating error (Hyper-V's cmdlets
    report per object and go on)."""
    cmdlet.write_error(error.message, error.error_id, error.category, error.target,
                       error.exception_type)


def terminate(error: LabError) -> CmdletError:
    return CmdletError(error.message, error.error_id, error.category, error.target,
                       error.exception_type)


def lab(cmdlet: Any) -> Any:
    return cmdlet.ctx.lab


def local_name(cmdlet: Any) -> str:
    return cmdlet.ctx.computer_name


def host_named(cmdlet: Any, name: str | None, require_up: bool = True) -> Host | None:
    """The lab host for a -ComputerName value ('.', 'localhost' or nothing
    being the host the shell stands on); reports an error and returns None
    when there is no such host or it does not answer."""
    text = "" if name is None else str(name).strip()
    target = local_name(cmdlet) if text.lower() in LOCAL_NAMES else text
    host = lab(cmdlet).find_host(target)
    if host is None:
        known = ", ".join(h.name for h in lab(cmdlet).hosts) or "none"
        cmdlet.write_error(
            f"The operation on computer '{target}' failed: there is no host named '{target}' in "
            f"the lab (hosts: {known}). Check the name, or create the host with New-LabHost.",
            "Unspecified", "NotSpecified", target, VIRTUALIZATION_EXCEPTION)
        return None
    if require_up and not host.is_up:
        cmdlet.write_error(
            f"The operation on computer '{host.name}' failed: the host is "
            f"{host.state.name.lower()} and does not answer. Wait for it, or bring it back with "
            f"Invoke-LabFault -ComputerName {host.name} -Fault HostRecover.",
            "Unspecified", "NotSpecified", host.name, VIRTUALIZATION_EXCEPTION)
        return None
    return host


def hosts_for(cmdlet: Any, names: Iterable[str] | None, require_up: bool = True) -> list[Host]:
    """The hosts named by a -ComputerName list (default: where the shell
    stands), each once, in the order given."""
    found: list[Host] = []
    for name in (names or [None]):
        host = host_named(cmdlet, name, require_up)
        if host is not None and host not in found:
            found.append(host)
    return found


def sorted_vms(host: Host) -> list[VM]:
    return list(host.vms_by_name())


def vms_named(cmdlet: Any, patterns: Iterable[str] | None, computer_names: Iterable[str] | None,
              ) -> list[VM]:
    """VMs by name (wildcards allowed) on the given hosts.  A name without
    wildcards that matches nothing is an error, as on Hyper-V; a wildcard
    that matches nothing is not."""
    hosts = hosts_for(cmdlet, computer_names)
    patterns = [str(p) for p in patterns] if patterns is not None else ["*"]
    # Plain names are looked up, not matched against every VM (a loop of
    # Start-VM "vm$i" over a full host would cost its VMs squared).
    plain = all(not has_wildcard(p) and "`" not in p for p in patterns)
    found: list[VM] = []
    seen: set[int] = set()
    matched: set[int] = set()
    for host in hosts:
        if plain:
            hits: list[VM] = []
            for index, pattern in enumerate(patterns):
                named = host.vms_called(pattern)
                if named:
                    matched.add(index)
                    hits += named
            # in Get-VM's order: by name, same names as they are on the host
            candidates = sorted(dict.fromkeys(hits), key=lambda vm: vm.name.lower())
        else:
            candidates = []
            for vm in host.vms_by_name():
                hit = False
                for index, pattern in enumerate(patterns):
                    if wildcard_match(pattern, vm.name):
                        matched.add(index)
                        hit = True
                if hit:
                    candidates.append(vm)
        for vm in candidates:
            if id(vm) not in seen:
                seen.add(id(vm))
                found.append(vm)
    if hosts:
        for index, pattern in enumerate(patterns):
            if index not in matched and not has_wildcard(str(pattern)):
                cmdlet.write_error(
                    f'Hyper-V was unable to find a virtual machine with name "{pattern}". '
                    f"Check the name with Get-VM"
                    + (f" -ComputerName {hosts[0].name}" if len(hosts) == 1 else "") + ".",
                    "InvalidParameter", "InvalidArgument", str(pattern),
                    "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
    return found


def target_vms(cmdlet: Any) -> list[VM]:
    """The VMs of a cmdlet with the usual name set (-Name/-VMName plus
    -ComputerName) and object set (-VM)."""
    given = getattr(cmdlet, "VM", None)
    if given:
        return [vm for vm in given if _live(cmdlet, vm)]
    names = getattr(cmdlet, "Name", None) if "Name" in type(cmdlet).parameters() else \
        getattr(cmdlet, "VMName", None)
    return vms_named(cmdlet, names, getattr(cmdlet, "ComputerName", None))


def vms_by_vm_name(cmdlet: Any) -> list[VM]:
    """The VMs of a cmdlet whose -Name names something of theirs (a
    checkpoint, an integration service): from -VM, or -VMName and
    -ComputerName."""
    if getattr(cmdlet, "VM", None):
        return target_vms(cmdlet)
    return vms_named(cmdlet, cmdlet.VMName, cmdlet.ComputerName)


def _live(cmdlet: Any, vm: VM) -> bool:
    """A VM object still in the lab (not removed since it was read)."""
    if lab(cmdlet).vm_by_id(vm.id) is vm:
        return True
    cmdlet.write_error(f"The virtual machine '{vm.name}' no longer exists (it was removed).",
                       "ObjectNotFound", "ObjectNotFound", vm.name,
                       "Microsoft.HyperV.PowerShell.VirtualizationInvalidArgumentException")
    return False


def command_text(cmdlet: Any) -> str:
    """The command as the user typed it (a job's Command)."""
    processor = getattr(cmdlet, "_processor", None)
    if processor is not None and processor.source is not None:
        extent = processor.extent
        text = processor.source.text[extent.start:extent.end]
        if text:
            return " ".join(text.split())
    return cmdlet.name


class Operations:
    """Runs a cmdlet's per-object operations: each to completion (the clock
    advances by its duration, and everything else in the lab with it), or,
    under -AsJob, all in one job returned at the end."""

    def __init__(self, cmdlet: Any, as_job: bool):
        self.cmdlet = cmdlet
        self.as_job = as_job
        self.job: Any = None

    def run(self, vm: VM | None, begin: Callable[[], Generator[Any, Any, Any] | None],
            result: Any = None, location: str | None = None) -> None:
        """`begin()` checks and starts the operation (a LabError refuses
        it); `result` is written when it completes (-Passthru), or, given
        as RETURNED, what the operation returns.  An operation on no VM
        (a disk file, say) names its host in `location`."""
        cmdlet = self.cmdlet
        try:
            generator = begin()
        except LabError as error:
            report(cmdlet, error)
            return
        the_lab = lab(cmdlet)
        if generator is None:
            if result is not None and result is not RETURNED and not self.as_job:
                cmdlet.write(result)
            return
        if self.as_job:
            body = generator if result is RETURNED else _returning(generator, result)
            _start(the_lab, vm, body, self.job_for(vm.host_name if vm is not None
                                                   else location or local_name(cmdlet)))
            return
        process = _start(the_lab, vm, generator)
        try:
            value = the_lab.clock.run_until_done(process)
        except LabError as error:
            report(cmdlet, error)
            return
        except KeyboardInterrupt:
            # Ctrl-C cancels the operation as Hyper-V does: the VM goes back
            # to the state it had, and the shell returns to the prompt ...
            process.interrupt(OperationCancelled("The operation was cancelled by the user."))
            if process.triggered:
                raise
            # ... unless it is past its point of no return: it completes.
            cmdlet.write_warning(f"The operation could not be cancelled: {PAST_NO_RETURN}.")
            try:
                value = the_lab.clock.run_until_done(process)
            except LabError as error:
                report(cmdlet, error)
                return
        output = value if result is RETURNED else result
        if output is not None:
            cmdlet.write(output, enumerate=True)

    def job_for(self, location: str) -> Any:
        """The command's one job under -AsJob, opened by its first
        operation (on the host named `location`)."""
        if self.job is None:
            self.job = lab(self.cmdlet).new_job(command_text(self.cmdlet), location)
        return self.job

    def finish(self) -> None:
        """Under -AsJob, seal the job (an empty one if nothing ran) and
        write it."""
        if self.as_job:
            self.job_for(local_name(self.cmdlet)).seal()
            self.cmdlet.write(self.job)


class OperationCmdlet(Cmdlet):
    """A cmdlet whose per-object operations run through `self.ops`: each
    to its end, or, with -AsJob, all in one job written at the end."""

    def begin(self) -> None:
        self.ops = Operations(self, bool(getattr(self, "AsJob", False)))

    def end(self) -> None:
        self.ops.finish()


# Operations.run(result=RETURNED): write what the operation returns.
RETURNED = object()


def _start(the_lab: Any, vm: VM | None, generator: Generator[Any, Any, Any],
           job: Any = None) -> Any:
    if vm is not None:
        return launch(the_lab, vm, generator, job)
    return job.add(generator) if job is not None else the_lab.clock.process(generator)


def _returning(generator: Generator[Any, Any, Any], result: Any) -> Generator[Any, Any, Any]:
    yield from generator
    return result


# ---- parameter declarations shared by the VM cmdlets -------------------------
# (fresh Parameter objects per cmdlet: each is bound to its class by name)

def computer_name_param(sets: tuple = ("Name",), position: int | None = None,
                        by_property: bool = False, pipeline: bool = False) -> Parameter:
    return Parameter(str, array=True, sets=sets, position=position, by_property=by_property,
                     pipeline=pipeline, complete="host")


def vm_name_param(name_set: str = "Name", mandatory: bool = True, alias: bool = True,
                  by_property: bool = False) -> Parameter:
    return Parameter(str, array=True, position=0, mandatory=mandatory, sets=(name_set,),
                     pipeline=True, by_property=by_property,
                     aliases=("VMName",) if alias else (), complete="vm")


def vm_object_param(set_name: str = "VMObject") -> Parameter:
    return Parameter(VM, array=True, position=0, mandatory=True, sets=(set_name,), pipeline=True)
