"""hvshell's own cmdlets, which Windows does not have: building the lab
(hosts, NICs, storage, workloads), faults, the event log, saving and loading."""
