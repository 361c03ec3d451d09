"""The ClusterAwareUpdating module's objects: live views of the lab's
updating runs (hvshell.model.cluster.updating) and scans."""
from __future__ import annotations

import datetime as dt
from typing import Any

from hvshell.model.cluster.updating import CauRunRecord, LabUpdate, NodeRun, UpdateInstall, VMOutage
from hvshell.pstypes.registry import ps_type


@ps_type
class LabUpdateView:
    """An update the lab offers (Add-LabUpdate -PassThru)."""
    PS_TYPE = "hvshell.Lab.LabUpdate"
    __slots__ = ("update",)

    def __init__(self, update: LabUpdate):
        self.update = update

    @property
    def Name(self) -> str:
        return self.update.name

    @property
    def Title(self) -> str:
        return self.update.title

    @property
    def InstallSeconds(self) -> float:
        return self.update.install_seconds

    @property
    def RebootRequired(self) -> bool:
        return self.update.reboot_required

    @property
    def Applicable(self) -> list[str]:
        return list(self.update.applicable)

    def ToString(self) -> str:
        return self.update.name


@ps_type
class CauUpdateInfo:
    """Invoke-CauScan: one update one node still needs."""
    PS_TYPE = "Microsoft.ClusterAwareUpdating.CauUpdateInfo"
    __slots__ = ("node", "update")

    def __init__(self, node: str, update: LabUpdate):
        self.node = node
        self.update = update

    @property
    def NodeName(self) -> str:
        return self.node

    @property
    def UpdateId(self) -> str:
        return self.update.name

    @property
    def UpdateTitle(self) -> str:
        return self.update.title

    @property
    def RebootRequired(self) -> bool:
        return self.update.reboot_required

    def ToString(self) -> str:
        return self.update.title


@ps_type
class UpdateInstallResult:
    PS_TYPE = "Microsoft.ClusterAwareUpdating.UpdateInstallResult"
    __slots__ = ("lab", "node", "install")

    def __init__(self, lab: Any, node: str, install: UpdateInstall):
        self.lab, self.node, self.install = lab, node, install

    @property
    def NodeName(self) -> str:
        return self.node

    @property
    def UpdateId(self) -> str:
        return self.install.update

    @property
    def UpdateTitle(self) -> str:
        return self.install.title

    @property
    def InstallStartTime(self) -> dt.datetime:
        return self.lab.time_at(self.install.start)

    @property
    def InstallDuration(self) -> dt.timedelta:
        return dt.timedelta(seconds=round(self.install.end - self.install.start))

    @property
    def ResultCode(self) -> str:
        return self.install.result

    def ToString(self) -> str:
        return self.install.title


@ps_type
class NodeResult:
    PS_TYPE = "Microsoft.ClusterAwareUpdating.NodeResult"
    __slots__ = ("lab", "result")

    def __init__(self, lab: Any, result: NodeRun):
        self.lab, self.result = lab, result

    @property
    def Node(self) -> str:
        return self.result.node

    @property
    def Status(self) -> str:
        return self.result.status

    @property
    def NumberOfSucceededUpdates(self) -> int:
        return sum(1 for i in self.result.installs if i.result == "Succeeded")

    @property
    def NumberOfFailedUpdates(self) -> int:
        return sum(1 for i in self.result.installs if i.result != "Succeeded")

    @property
    def InstallResults(self) -> list[UpdateInstallResult]:
        return [UpdateInstallResult(self.lab, self.result.node, i) for i in self.result.installs]

    @property
    def Attempts(self) -> int:
        return self.result.attempts

    @property
    def StartTime(self) -> dt.datetime:
        return self.lab.time_at(self.result.start)

    @property
    def Duration(self) -> dt.timedelta:
        return dt.timedelta(seconds=round(self.result.end - self.result.start))

    @property
    def ErrorRecordData(self) -> str | None:
        return self.result.error or None

    def ToString(self) -> str:
        return self.result.node


@ps_type
class CauVMDowntime:
    """hvshell's addition to a detailed report: how each VM that was
    running when the run began got through it."""
    PS_TYPE = "hvshell.Lab.CauVMDowntime"
    __slots__ = ("outage",)

    def __init__(self, outage: VMOutage):
        self.outage = outage

    @property
    def VMName(self) -> str:
        return self.outage.vm

    @property
    def Node(self) -> str:
        return self.outage.node

    @property
    def Clustered(self) -> bool:
        return self.outage.clustered

    @property
    def How(self) -> str:
        return self.outage.how

    @property
    def LiveMigrations(self) -> int:
        return self.outage.live_migrations

    @property
    def BlackoutMs(self) -> float:
        """Milliseconds paused by live migrations: no outage for a service."""
        return round(self.outage.blackout * 1000, 1)

    @property
    def Downtime(self) -> float:
        """Seconds out of service."""
        return round(self.outage.downtime, 1)

    def ToString(self) -> str:
        return self.outage.vm


class _RunView:
    __slots__ = ("lab", "run")

    def __init__(self, lab: Any, run: CauRunRecord):
        self.lab, self.run = lab, run

    @property
    def ClusterName(self) -> str:
        return self.run.cluster

    @property
    def RunId(self) -> str:
        return str(self.run.run_id)

    @property
    def RunStartTime(self) -> dt.datetime:
        return self.lab.time_at(self.run.start)

    @property
    def RunDuration(self) -> dt.timedelta:
        end = self.run.end if self.run.end is not None else self.lab.clock.now
        return dt.timedelta(seconds=round(end - self.run.start))

    @property
    def Status(self) -> str:
        return self.run.status

    def ToString(self) -> str:
        return self.RunId


class _DetailedRunView(_RunView):
    __slots__ = ()

    @property
    def NodeResults(self) -> list[NodeResult]:
        return [NodeResult(self.lab, r) for r in self.run.nodes]

    @property
    def VMDowntime(self) -> list[CauVMDowntime]:
        return [CauVMDowntime(o) for o in self.run.vms]

    @property
    def ErrorRecordData(self) -> str | None:
        return self.run.error or None


@ps_type
class ClusterResult(_DetailedRunView):
    """What Invoke-CauRun returns when the run has ended."""
    PS_TYPE = "Microsoft.ClusterAwareUpdating.ClusterResult"
    __slots__ = ()


@ps_type
class CauReportSummary(_RunView):
    """Get-CauReport without -Detailed: one line per run."""
    PS_TYPE = "Microsoft.ClusterAwareUpdating.CauReportSummary"
    __slots__ = ()


@ps_type
class CauReport(_DetailedRunView):
    """Get-CauReport -Detailed: the run, node by node, and its VMs."""
    PS_TYPE = "Microsoft.ClusterAwareUpdating.CauReport"
    __slots__ = ()
