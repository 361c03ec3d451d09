"""Saved labs: a faithful round trip, clear refusals of bad files, and
atomic saves that a kill cannot tear."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from hvshell.model.compute import build, config, power
from hvshell.model.kernel.errors import LabFileError
from hvshell.model.kernel.jobs import INTERRUPTED_REASON, JobState
from hvshell.model.lab import Lab
from hvshell.model.kernel.persist import FORMAT_VERSION, lab_to_document, load_lab, save_lab
from hvshell.model.kernel.schedule import schedule_action
from hvshell.model.storage.objects import StorageType
from hvshell.model.compute.versions import HostVersion
from hvshell.model.compute.vm import VMState
from hvshell.model.compute.workload import WorkloadProfile

GB = 2**30


def sample_lab() -> Lab:
    lab = Lab(seed=11)
    hv1 = build.new_host(lab, "HV01")
    hv2 = build.new_host(lab, "HV02")
    build.new_host(lab, "HV03", HostVersion["2012"], memory=64 * GB)
    build.add_nic(lab, hv1, "LM1", rdma=True, subnet="10.1.1.0/24")
    cluster = build.new_cluster(lab, "HVC01", [hv1, hv2], ["10.0.0.5"])
    csv = build.new_storage(lab, "CSV1", StorageType.CSV, cluster=cluster)
    config.add_migration_network(hv1, "10.1.1.0/24")
    vm = build.new_vm(lab, hv1, "web01", 2 * GB, generation=2, path=csv.path,
                      new_vhd_path=csv.path + "\\web01\\web01.vhdx", new_vhd_size=40 * GB)
    config.set_workload(vm, profile=WorkloadProfile.Web)
    build.add_vm_role(lab, cluster, vm).AntiAffinityClassNames = ["Web"]
    lab.clock.run_until_done(power.launch(lab, vm, power.begin_start(vm)))
    lab.clock.advance(90)
    return lab


def test_round_trip_keeps_everything(tmp_path):
    lab = sample_lab()
    path = tmp_path / "lab.json"
    save_lab(lab, path)
    loaded = load_lab(path)
    assert lab_to_document(loaded) == lab_to_document(lab)
    vm = loaded.host("HV01").vms[0]
    assert vm.state is VMState.Running and vm.Uptime.total_seconds() == 90
    assert vm.IsClustered and vm.lab is loaded and vm.hard_drives[0].vm is vm
    assert loaded.local_host_name == "HV01" and loaded.clock.now == lab.clock.now
    # The random stream goes on where it was.
    assert loaded.rng.random() == lab.rng.random()
    # New objects get new GUIDs, not ones already used.
    assert loaded.new_guid() == lab.new_guid()


def test_save_is_deterministic(tmp_path):
    save_lab(sample_lab(), tmp_path / "a.json")
    save_lab(sample_lab(), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("content, words", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00binary", "not text"),
    (b'{"hello": 1}', "not an hvshell lab file"),
    (b'[1, 2]', "not an hvshell lab file"),
    (json.dumps({"format": "hvshell-lab", "version": FORMAT_VERSION + 1}).encode(),
     "newer hvshell"),
    (json.dumps({"format": "hvshell-lab", "version": 1, "clock": 0,
                 "lab": {"hosts": "nope"}}).encode(), "damaged"),
])
def test_bad_files_are_refused_and_left_untouched(tmp_path, content, words):
    path = tmp_path / "lab.json"
    path.write_bytes(content)
    with pytest.raises(LabFileError, match=words):
        load_lab(path)
    assert path.read_bytes() == content


def test_missing_file(tmp_path):
    with pytest.raises(LabFileError, match="does not exist"):
        load_lab(tmp_path / "nothing.json")


def test_in_flight_operations_are_undone_and_their_jobs_failed(tmp_path):
    lab = Lab(seed=3)
    host = build.new_host(lab, "HV01")
    vm = build.new_vm(lab, host, "a", GB)
    job = lab.new_job("Start-VM a -AsJob", "HV01")
    power.launch(lab, vm, power.begin_start(vm), job)
    job.seal()
    assert vm.state is VMState.Starting and job.state is JobState.Running
    save_lab(lab, tmp_path / "lab.json")
    loaded = load_lab(tmp_path / "lab.json")
    again = loaded.host("HV01").vms[0]
    assert again.state is VMState.Off and again.transition_from is None
    reloaded_job = loaded.jobs[0]
    assert reloaded_job.state is JobState.Failed and reloaded_job.reason == INTERRUPTED_REASON
    _, errors = reloaded_job.take()
    assert INTERRUPTED_REASON in errors[0].message


def test_timed_actions_are_rearmed(tmp_path):
    lab = Lab(seed=3)
    host = build.new_host(lab, "HV01")
    schedule_action(lab, 600, "HostCrash", "HV01")
    lab.clock.advance(100)
    save_lab(lab, tmp_path / "lab.json")
    loaded = load_lab(tmp_path / "lab.json")
    loaded.clock.advance(499)
    assert loaded.host("HV01").is_up
    loaded.clock.advance(1)
    assert not loaded.host("HV01").is_up
    assert host.is_up      # the original lab is another lab


CHILD = textwrap.dedent("""
    import sys
    from hvshell.model.compute import build
    from hvshell.model.lab import Lab
    from hvshell.model.kernel.persist import save_lab
    import os
    import time
    import hvshell.model.kernel.persist as persist
    path = sys.argv[1]
    real_fsync = os.fsync
    lingering = False

    def slow_fsync(fd):
        # From the third save on, the temporary file is written but not yet
        # renamed when this runs: say so, and linger there.
        if lingering:
            print("written", flush=True)
            time.sleep(float(sys.argv[2]))
        real_fsync(fd)

    persist.os.fsync = slow_fsync
    lab = Lab(seed=1)
    for h in range(16):
        host = build.new_host(lab, f"HV{h:02d}", memory=1024 * 2**30)
        for i in range(100):
            build.new_vm(lab, host, f"vm{h:02d}{i:03d}", 2**30, new_vhd_path=f"d{i}.vhdx",
                         new_vhd_size=2**34)
    generation = 0
    while True:
        generation += 1
        lab.hosts[0].vms[0].notes = f"generation {generation}"
        lingering = generation >= 3
        print(f"saving {generation}", flush=True)
        save_lab(lab, path)
        print(f"saved {generation}", flush=True)
""")


def _kill_child_at(path, marker: str, linger: float) -> int:
    """Run the saving child; SIGKILL it when it prints `marker` during its
    third save.  Returns the last generation it finished saving."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(linger)],
                             stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    completed = 0
    try:
        for line in child.stdout:
            if line.startswith("saved"):
                completed = int(line.split()[1])
            elif line.startswith(marker) and completed >= 2:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait()
    return completed


def test_a_kill_between_write_and_rename_leaves_the_previous_file_whole(tmp_path):
    path = tmp_path / "lab.json"
    completed = _kill_child_at(path, "written", linger=30)
    lab = load_lab(path)
    assert lab.hosts[0].vms[0].notes == f"generation {completed}"
    assert len(lab.hosts) == 16 and sum(len(h.vms) for h in lab.hosts) == 1600
    # The half-finished save is a separate temporary file, never the lab.
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_kill_while_serialising_leaves_the_previous_file_whole(tmp_path):
    path = tmp_path / "lab.json"
    completed = _kill_child_at(path, "saving", linger=0)
    assert load_lab(path).hosts[0].vms[0].notes in (f"generation {completed}",
                                                    f"generation {completed + 1}")
