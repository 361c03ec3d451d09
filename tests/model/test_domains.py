"""The lab's domains are declared in one composition root: what a lab does
does not depend on which modules were imported."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hvshell.model.domains import DOMAINS
from hvshell.model.kernel.domain import Domain, Domains
from hvshell.model.kernel.events import EventKind
from hvshell.model.kernel.persist import lab_from_document, lab_to_document
from hvshell.model.lab import Lab

# Run in a fresh interpreter that imports only the model package and what
# it imports itself: a two-node cluster, node A crashes the way
# Invoke-LabFault crashes it (a timed HostCrash action due now).
FRESH_LAB = textwrap.dedent("""
    import sys

    from hvshell.model.compute import build, config, power
    from hvshell.model.kernel.schedule import schedule_action
    from hvshell.model.lab import Lab
    from hvshell.model.storage.objects import StorageType

    GB = 2**30
    lab = Lab(seed=7)
    hosts = []
    for name in ("A", "B"):
        host = build.new_host(lab, name, memory=64 * GB)
        config.set_migration_enabled(host, True)
        config.add_migration_network(host, "10.0.0.0/24")
        hosts.append(host)
    cluster = build.new_cluster(lab, "C1", hosts, ["10.0.0.5"])
    build.new_storage(lab, "CSV1", StorageType.CSV, cluster=cluster)
    path = "C:\\\\ClusterStorage\\\\Volume1"
    vms = []
    for name in ("web1", "sql1"):
        vm = build.new_vm(lab, lab.host("A"), name, 4 * GB, generation=2, path=path,
                          new_vhd_path=f"{path}\\\\{name}\\\\{name}.vhdx", new_vhd_size=40 * GB)
        build.add_vm_role(lab, cluster, vm)
        lab.clock.run_until_done(power.launch(lab, vm, power.begin_start(vm)))
        vms.append(vm)

    schedule_action(lab, 0, "HostCrash", "A")
    lab.clock.run_until(lab.clock.now)
    assert all(vm.State.name == "Off" for vm in vms)
    lab.clock.advance(120)
    print(sorted((vm.name, vm.host_name, vm.State.name) for vm in vms))
    print(sorted({e.kind for e in lab.events} & {"NodeDown", "GroupFailover", "GroupRecovered"}))
    print(sorted({name.split(".")[1] for name in sys.modules if name.startswith("hvshell.")}))
""")


def test_a_lab_built_from_the_model_alone_fails_its_clustered_vms_over():
    result = subprocess.run([sys.executable, "-c", FRESH_LAB], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    placed, kinds, packages = result.stdout.splitlines()
    assert placed == "[('sql1', 'B', 'Running'), ('web1', 'B', 'Running')]"
    assert kinds == "['GroupFailover', 'GroupRecovered', 'NodeDown']"
    # The model stands on the simulation core and the object conventions only.
    assert packages == "['model', 'pstypes', 'sim']"


def test_every_lab_runs_the_domains_of_the_composition_root_in_their_order():
    assert Lab().domains is DOMAINS
    assert [d.name for d in DOMAINS.domains] == \
        ["power", "network", "usage", "mobility", "replica", "cluster"]
    # A crash reaches usage, the migrations, replica and the cluster, in that order.
    assert [r.__qualname__.split(".")[0] for r in DOMAINS.reactions_to(EventKind.HostDown)] == \
        ["_on_event", "_feel", "_writes_change", "_on_source"]


def test_reactions_follow_domain_order_and_two_domains_cannot_share_an_action():
    seen = []
    first = Domain("first", on_event=lambda lab, event: seen.append(("first", event)),
                   actions={"Tick": lambda lab, target: None})
    second = Domain("second", reactions={
        EventKind.HostDown: lambda lab, event: seen.append(("second", event))})
    domains = Domains((first, second))
    for react in domains.reactions_to(EventKind.HostDown):
        react(None, "e1")
    for react in domains.reactions_to(EventKind.HostUp):
        react(None, "e2")
    assert seen == [("first", "e1"), ("second", "e1"), ("first", "e2")]
    assert list(domains.actions) == ["Tick"]
    with pytest.raises(ValueError, match="two domains handle the timed action 'Tick'"):
        Domains((first, Domain("again", actions={"Tick": lambda lab, target: None})))
    # A reaction keyed by a bare string (a misspelt kind would never fire) is refused.
    with pytest.raises(ValueError, match="reacts to 'HostDwon', which is not an EventKind"):
        Domains((Domain("typo", reactions={"HostDwon": lambda lab, event: None}),))


def test_an_event_kind_reads_as_its_name_and_a_saved_lab_keeps_the_text():
    lab = Lab()
    event = lab.record(EventKind.FaultScheduled, "HV01", "HostCrash on HV01.")
    assert event.Kind == "FaultScheduled" and type(event.Kind) is str
    assert event.kind == "FaultScheduled" and str(event.kind) == "FaultScheduled"
    [saved] = lab_to_document(lab)["lab"]["events"]
    assert saved["kind"] == "FaultScheduled"
    assert lab_from_document(lab_to_document(lab)).events[0].kind is EventKind.FaultScheduled
