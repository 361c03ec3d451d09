"""ClusterAwareUpdating: Invoke-CauScan, Invoke-CauRun and Get-CauReport,
on the lab's updating runs (hvshell.model.cluster.updating)."""
from __future__ import annotations

import datetime as dt

from hvshell.cmdlets.clusters.cluster import resolve_cluster
from hvshell.cmdlets.hyperv._common import lab, report
from hvshell.cmdlets.hyperv.migration import follow
from hvshell.model.cluster import updating
from hvshell.model.cluster.cau_views import (CauReport, CauReportSummary, CauUpdateInfo,
                                             ClusterResult)
from hvshell.model.kernel.errors import LabError
from hvshell.pstypes.objects import PSEnum
from hvshell.runtime.cmdlet import Cmdlet, In, Parameter, Switch

CAU = "ClusterAwareUpdating"


class FailbackType(PSEnum):
    """Invoke-CauRun -FailbackMode."""
    NoFailback = 0
    Immediate = 1
    Policy = 2


class InvokeCauScan(Cmdlet):
    """Lists the updates each node of a cluster would install in an
    updating run: the lab's updates (Add-LabUpdate) that apply to the
    node's Windows Server version and it does not have yet."""
    name = "Invoke-CauScan"
    module = CAU
    output_type = CauUpdateInfo.PS_TYPE

    ClusterName = Parameter(str, position=0, complete="cluster")

    def process(self) -> None:
        the_lab = lab(self)
        cluster = resolve_cluster(self, self.ClusterName)
        for node in cluster.nodes:
            host = the_lab.host(node.name)
            for update in updating.needed_updates(the_lab, host):
                self.write(CauUpdateInfo(node.name, update))


class InvokeCauRun(Cmdlet):
    """Updates every node of a cluster, one at a time, keeping its roles
    running: each node is drained (its roles live-migrate to the others),
    installs its updates, restarts if one needs it, and once it is Up in
    the cluster again is resumed and gets its roles back (-FailbackMode,
    Immediate by default).

    -NodeOrder sets the order (every node once); -MaxRetriesPerNode (3)
    tries a failing node again; the run stops when more than
    -MaxFailedNodes nodes (a third of them by default) have failed.
    -RequireAllNodesOnline refuses to start while a node is down;
    -RebootTimeoutMinutes (15) is how long a restarting node may take.
    Returns the run's result; Get-CauReport shows it again later."""
    name = "Invoke-CauRun"
    module = CAU
    supports_should_process = True
    confirm_impact = "High"
    output_type = ClusterResult.PS_TYPE

    ClusterName = Parameter(str, position=0, complete="cluster")
    MaxFailedNodes = Parameter(int)
    MaxRetriesPerNode = Parameter(int, default=updating.DEFAULT_RETRIES)
    NodeOrder = Parameter(str, array=True, complete="clusternode")
    RequireAllNodesOnline = Parameter(Switch)
    RebootTimeoutMinutes = Parameter(int, default=updating.DEFAULT_REBOOT_TIMEOUT_MINUTES)
    FailbackMode = Parameter(FailbackType, default=FailbackType.Immediate)
    Force = Parameter(Switch, aliases=("f",))

    def process(self) -> None:
        the_lab = lab(self)
        cluster = resolve_cluster(self, self.ClusterName)
        if not self.should_process(cluster.name, "Invoke-CauRun"):
            return
        options = updating.RunOptions(
            node_order=list(self.NodeOrder) if self.NodeOrder else None,
            max_failed_nodes=self.MaxFailedNodes, max_retries=self.MaxRetriesPerNode,
            require_all_online=bool(self.RequireAllNodesOnline),
            failback=self.FailbackMode.name, reboot_timeout_minutes=self.RebootTimeoutMinutes)
        try:
            run, body = updating.begin_run(the_lab, cluster, options)
        except LabError as error:
            report(self, error)
            return
        process = the_lab.clock.process(body)
        follow(self, process, f"Updating cluster {cluster.name}", lambda: _status(run), [])
        self.write(ClusterResult(the_lab, run))


def _status(run: updating.CauRunRecord) -> tuple[str, float, float]:
    if not run.nodes:
        return "Starting", -1.0, -1.0
    current = run.nodes[-1]
    return f"Node {current.node} ({len(run.nodes)} so far)", -1.0, -1.0


class GetCauReport(Cmdlet):
    """Gets the reports of a cluster's updating runs: a summary line each,
    or with -Detailed each node's updates, times and results and how every
    virtual machine got through the run (its downtime: zero for those that
    live-migrated). -Last gives the latest run; -StartDate and -EndDate a
    range."""
    name = "Get-CauReport"
    module = CAU
    default_set = "AllParamsSet"
    output_type = CauReport.PS_TYPE

    ClusterName = Parameter(str, position=0, complete="cluster")
    StartDate = Parameter(dt.datetime, sets=(In("RangeParamSet", position=1),))
    EndDate = Parameter(dt.datetime, sets=(In("RangeParamSet", position=2),))
    Last = Parameter(Switch, sets=("LastParamSet",))
    Detailed = Parameter(Switch, sets=("AllParamsSet", "RangeParamSet", "LastParamSet"))

    def process(self) -> None:
        the_lab = lab(self)
        cluster = resolve_cluster(self, self.ClusterName)
        runs = [r for r in updating.runs_of(the_lab, cluster) if r.status != "InProgress"]
        if self.Last:
            runs = runs[-1:]
        if self.StartDate is not None:
            runs = [r for r in runs if the_lab.time_at(r.start) >= self.StartDate]
        if self.EndDate is not None:
            runs = [r for r in runs if the_lab.time_at(r.start) <= self.EndDate]
        view = CauReport if self.Detailed else CauReportSummary
        for run in runs:
            self.write(view(the_lab, run))
