"""Every constant of the migration model, in one place, with its source.

Sources are cited as:
- MODEL: docs/model.md, "What is simulated" (the model hvshell implements);
- FIG rules, FIG physical limits, FIG "...": a published rule, a physical
  limit or a row of the calibration table; docs/model.md names the source
  of each ("Constants and their sources", "Calibration");
- reasoning: our own estimate, with the argument given next to it.

Which validation row checks which constant is noted where a constant was
calibrated on a row (scripts/bench/validate.py prints every row).

Units: bytes, seconds, bytes per second.  "MB" in rates is 10**6 bytes.
"""
from __future__ import annotations

# --- memory -------------------------------------------------------------------

# MODEL / FIG rules: memory is copied in 4 KiB pages.
PAGE_SIZE = 4096

# MODEL / FIG rules: dirty passes stop after 10 of them (the first full copy
# is not counted; FIG says whether it counts is undocumented, MODEL says "10
# dirty passes").
MAX_DIRTY_PASSES = 10

# "Until almost nothing is left" (MODEL): stop the dirty passes once what is
# dirty could be sent in this long at the rate of the last pass.  Reasoning:
# the remainder is sent while the VM is paused, and the blackout must stay well
# inside the guests' TCP reconnect window of "about a second or two" (FIG
# rules); QEMU's default budget for the same decision is 300 ms (FIG rules).
# 100 ms keeps the memory part of the blackout at the order of the fixed
# switch-over and device-state costs, and reproduces the Xen comparison rows
# (FIG "Clark et al.": 60 ms and 210 ms) within their order of magnitude.
STOP_REMAINDER_S = 0.100

# --- fixed phases of a live migration ----------------------------------------

# Build-up: check the destination, create the VM's specification there and
# open the connection (MODEL step 1).  FIG "512 MB VM, WS2012, 1 GbE": 7 s
# with ≈4.5 s on the wire leaves ≈2.5 s of fixed cost; FIG "idle 4 GiB VM,
# 1 GbE" (34–39 s with 36.6 s on the wire) bounds the fixed cost to ≤2.4 s.
# Set-up 1.5 s + tear-down 0.5 s + switch-over ≈0.05 s sits in both.
SETUP_S = 1.5

# Tear-down of the source after the VM runs on the destination (MODEL step
# 5): release memory, delete the source's runtime state.  Part of the ≈2.5 s
# fixed cost above.
TEARDOWN_S = 0.5

# Switch-over: pause, hand over, resume on the destination and announce the
# VM's MAC addresses.  FIG "Clark et al.": a small game-server VM saw 60 ms of
# downtime in all, pages included, so the fixed part is a few tens of ms.
SWITCHOVER_S = 0.040

# Device state sent during the blackout with the last pages (MODEL step 4):
# virtual processors, interrupt controllers, VMBus channels and emulated
# devices.  Reasoning: a few MB (the register state is KB; device and channel
# state dominate); 2 MiB costs 18 ms on 1 GbE and 2 ms on 10 GbE.
DEVICE_STATE_BYTES = 2 * 1024 * 1024

# --- links --------------------------------------------------------------------

# FIG rules: TCP over a 1500-byte MTU carries ≈94 % of line rate, ≈99 % with
# 9000-byte jumbo frames.  Used for SMB and RDMA channels too (iWARP runs TCP
# on the NIC and RoCE has comparable framing).
LINK_EFFICIENCY_STANDARD = 0.94
LINK_EFFICIENCY_JUMBO = 0.99

# FIG rules: Windows Server 2008 R2 reached only about 70 % of a 10 GbE link
# (its copy engine, not the wire, was the limit), so it is a cap on one
# migration's rate rather than a per-link efficiency.
ENGINE_CAP_2008R2 = 0.70 * 10e9 / 8

# A Dynamic-mode team spreads one transfer over its members (MODEL), at a
# cost: FIG "2 × 10 GbE LACP team, TCP/IP live migration ≈17 Gbps" against
# 2 × 10 Gbps × 0.94 = 18.8 Gbps of line-rate payload gives ≈0.90
# (flowlet re-ordering and imperfect balance).  Calibrated on that row.
TEAM_SPREAD_EFFICIENCY = 0.90

# --- compression (2012 R2) ----------------------------------------------------

# Compression speed per spare core.  Reasoning (recalled, loose): LZ77-class
# fast compressors such as Windows' Xpress compress a few hundred MB/s per
# core on 2013 Xeons; decompression is several times faster.
COMPRESS_BYTES_PER_CORE_S = 250e6
DECOMPRESS_BYTES_PER_CORE_S = 750e6

# Compression keeps at least this many cores even when the VMs want every
# logical processor: the migration worker runs in the management OS, whose
# own virtual processors the hypervisor keeps scheduling.  Reasoning (an
# estimate): half a core.  It makes a compressed pass slow down rather than
# stop when the host gets busy mid-pass; the next pass falls back to TCP/IP
# (whether to compress counts only the processors the VMs leave idle).
COMPRESSION_MIN_CORES = 0.5

# A zero page is recognised by reading it once (memory speed per core) and
# sent as a short marker instead of 4 KiB: "zero pages nearly free".
ZERO_SCAN_BYTES_PER_CORE_S = 5e9
ZERO_PAGE_WIRE_BYTES = 16

# --- memory bandwidth ----------------------------------------------------------

# FIG physical limits: 4-channel DDR3-1600 peaks at 51.2 GB/s and sustains
# about 40 GB/s; the migration's buffers live in one socket's memory.
HOST_MEMORY_BANDWIDTH = 40e9

# FIG physical limits: every byte is read once at the source and written once
# at the destination; TCP adds 2–3 more memory touches per byte (socket
# buffer copies), RDMA about none.
BASE_MEMORY_TOUCHES = 1.0
TCP_EXTRA_MEMORY_TOUCHES = 2.5
RDMA_EXTRA_MEMORY_TOUCHES = 0.0

# --- quick migration ------------------------------------------------------------

# Quick migration (MODEL): save memory to shared storage, hand the VM's
# cluster group to the new owner, restore.  The hand-over (take the group
# offline, move ownership, register and bring it online) is a fixed cost.
# Reasoning: a few seconds for the cluster resource transitions; with the
# save and restore at the storage's speed, FIG "quick migration of a VM with
# about 2 GB of memory, WS2008 cluster ≈30 s" is met with a 2008-era array.
QUICK_HANDOVER_S = 4.0

# --- storage migration ---------------------------------------------------------

# Storage live migration (MODEL): create the destination files, copy while
# mirroring new writes, switch, delete the source.  Reasoning: creating
# dynamic VHDX files and their folders takes about a second; the switch
# pauses I/O briefly (not VM downtime); deleting the source copy is quick.
STORAGE_SETUP_S = 1.0
STORAGE_SWITCH_S = 0.5
STORAGE_CLEANUP_S = 0.5

# --- failures ---------------------------------------------------------------------

# A transfer whose network is down this long is abandoned (the migration fails
# and the VM stays on the source).  Reasoning: several TCP retransmission
# timeouts; the exact value Hyper-V uses is not published.
NETWORK_TIMEOUT_S = 10.0

# --- versions -----------------------------------------------------------------------

# FIG rules: 2008 R2 ran one live migration at a time per host; 2012 and later
# default to 2 simultaneous live and 2 storage migrations.  2008 R2 has no
# storage live migration, so its storage limit is only a default value.
DEFAULT_LIVE_MIGRATIONS = {"2008R2": 1, "2012": 2, "2012R2": 2}
DEFAULT_STORAGE_MIGRATIONS = {"2008R2": 1, "2012": 2, "2012R2": 2}

# MODEL / FIG rules: Compression and SMB are 2012 R2 options; older hosts
# always use TCP/IP.  The Dynamic team load-balancing mode is also new in
# 2012 R2 (New-NetLbfoTeam; docs/model.md), so older teams keep one stream
# on one member.
COMPRESSION_VERSIONS = frozenset({"2012R2"})
SMB_VERSIONS = frozenset({"2012R2"})
DYNAMIC_TEAM_VERSIONS = frozenset({"2012R2"})

# MODEL: 2012 changed the first pass to send the least recently written
# memory first; 2008 R2 sends in address order.
LRU_FIRST_PASS_VERSIONS = frozenset({"2012", "2012R2"})
