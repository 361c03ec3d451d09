"""Loaded labs are validated (hvshell/model/kernel/labcheck.py): a file that
is not a valid lab of a known format is refused with a clear reason and
left byte for byte as it was; saves keep symlinks and file modes."""
from __future__ import annotations

import copy
import errno
import json
import os

import pytest

from hvshell.model.compute import build
from hvshell.model.kernel import persist
from hvshell.model.kernel.errors import LabFileError, LabSaveError
from hvshell.model.kernel.labfile import lock_lab_file, remove_stale_temp_files
from hvshell.model.kernel.persist import lab_to_document, load_lab, save_lab
from hvshell.model.lab import Lab

GB = 2**30


@pytest.fixture(scope="module")
def document():
    lab = Lab(seed=5)
    hv1 = build.new_host(lab, "HV01")
    hv2 = build.new_host(lab, "HV02")
    build.new_cluster(lab, "HVC01", [hv1, hv2], ["10.0.0.5"])
    build.new_vm(lab, hv1, "web01", 2 * GB)
    return json.loads(json.dumps(lab_to_document(lab)))


def _vm(doc):
    return doc["lab"]["hosts"][0]["vms"][0]


def _twice(doc):
    doc["lab"]["hosts"][1]["vms"].append(copy.deepcopy(_vm(doc)))


def _deep(doc):
    nested: list = []
    for _ in range(200):
        nested = [nested]
    doc["lab"]["hosts"][0]["notes"] = nested


MUTATIONS = {
    "lab is a string": (lambda d: d.update(lab="x"), "is not a lab"),
    "lab is a list": (lambda d: d.update(lab=[1, 2]), "is not a lab"),
    "lab without hosts": (lambda d: d.update(lab={}), "is not a lab"),
    "version true": (lambda d: d.update(version=True), "format True"),
    "version 0": (lambda d: d.update(version=0), "format 0"),
    "version 2": (lambda d: d.update(version=2), "Use a newer hvshell"),
    "clock past 9999": (lambda d: d.update(clock=1e300), "its clock"),
    "negative clock": (lambda d: d.update(clock=-1), "its clock"),
    "same VM on two hosts": (_twice, "is on two hosts ('HV01' and 'HV02')"),
    "host without processors": (lambda d: d["lab"]["hosts"][0].update(logical_processors=0),
                                "has no logical processors"),
    "VM without memory": (lambda d: _vm(d).update(memory_startup=0), "has no startup memory"),
    "VM generation 3": (lambda d: _vm(d).update(generation=3), "generation 3"),
    "VM on the wrong host": (lambda d: _vm(d).update(host_name="HV02"), "says it is on host"),
    "duplicate host": (lambda d: d["lab"]["hosts"].append(copy.deepcopy(d["lab"]["hosts"][0])),
                       "appears twice"),
    "cluster node not a host": (lambda d: d["lab"]["clusters"][0]["nodes"][0].update(name="HV09"),
                                "which is no host"),
    "negative size": (lambda d: d["lab"]["hosts"][0].update(memory=-5), "outside 0 to"),
    "unknown enum": (lambda d: _vm(d).update(state="Exploded"), "damaged"),
    "deep nesting": (_deep, "nests deeper"),
    "random state numpy refuses": (lambda d: d["rng"]["state"].update(state=-1),
                                   "bad random-generator state"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_an_invalid_lab_is_refused_and_left_byte_identical(tmp_path, document, name):
    mutate, words = MUTATIONS[name]
    doc = copy.deepcopy(document)
    mutate(doc)
    path = tmp_path / "lab.json"
    content = json.dumps(doc).encode()
    path.write_bytes(content)
    with pytest.raises(LabFileError) as refused:
        load_lab(path)
    assert words in str(refused.value)
    assert path.read_bytes() == content


@pytest.mark.parametrize("text, words", [
    ('{"format": "hvshell-lab", "version": 1, "clock": NaN, "lab": {"hosts": []}}', "NaN"),
    ('{"format": "hvshell-lab", "version": 1, "clock": 0, "lab": {"hosts": [], "seed": 1'
     + "0" * 5000 + "}}", "5001 digits"),
    ("[" * 100_000 + "]" * 100_000, "nests too deep"),
])
def test_json_no_lab_holds_is_refused(tmp_path, text, words):
    path = tmp_path / "lab.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LabFileError, match=words):
        load_lab(path)
    assert path.read_text(encoding="utf-8") == text


def test_a_byte_order_mark_is_accepted(tmp_path, document):
    path = tmp_path / "lab.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(document).encode())
    assert load_lab(path).host("HV01").vms[0].name == "web01"


def test_a_symlinked_lab_is_replaced_where_it_points(tmp_path, document):
    real = tmp_path / "store" / "real.json"
    real.parent.mkdir()
    real.write_text(json.dumps(document), encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "lab.json"
    link.symlink_to(real)
    lab = load_lab(link)
    build.new_host(lab, "HV03")
    save_lab(lab, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "HV03" in real.read_text(encoding="utf-8")
    assert real.stat().st_mode & 0o777 == 0o640          # the file's mode is kept
    assert not list(real.parent.glob(".*.tmp"))


def test_a_refused_save_keeps_the_previous_file(tmp_path, document, monkeypatch):
    path = tmp_path / "lab.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = path.read_bytes()
    lab = load_lab(path)

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(persist.os, "fsync", full)
    with pytest.raises(LabSaveError, match="No space left on device") as refused:
        save_lab(lab, path)
    assert "still holds the lab as of the last save" in refused.value.message
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["lab.json"]    # no temporary file left


def test_stale_temporary_files_go_when_the_lock_is_taken(tmp_path):
    path = tmp_path / "lab.json"
    path.write_text("{}", encoding="utf-8")
    (tmp_path / ".lab.json.abc123_x.tmp").write_text("half a save", encoding="utf-8")
    (tmp_path / ".other.json.abc123_x.tmp").write_text("not ours", encoding="utf-8")
    lock = lock_lab_file(path)
    try:
        assert not (tmp_path / ".lab.json.abc123_x.tmp").exists()
        assert (tmp_path / ".other.json.abc123_x.tmp").exists()
        assert remove_stale_temp_files(path) == []
    finally:
        lock.release()


def test_a_value_the_model_reads_past_int64_is_refused(tmp_path, document):
    """"seed": 1e308 is a finite number, but the model reads it as an int
    of 309 digits, which no save could load back."""
    doc = copy.deepcopy(document)
    doc["lab"]["seed"] = 1e308
    path = tmp_path / "lab.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(LabFileError, match="a number of 309 digits"):
        load_lab(path)
