"""The simulated lab, as attrs classes saved with cattrs, split by domain.

    lab.py      Lab: hosts, clusters, storage, VHD files, exports, jobs, the
                event log, timed actions, migrations, the clock and the
                seeded random generator, and the look-ups every layer uses
    domains.py  the composition root: the lab's domains listed once, in the
                order they react to an event and repair a reloaded lab
    kernel/     what every domain uses: events and EventKind, the Domain
                declaration, timed actions, errors, ids, jobs, the codec,
                saving and loading
    compute/    hosts, VMs, workloads, host versions, creating objects,
                configuration changes, power and faults, usage accounting
    storage/    storage locations, disks and their rules, checkpoints,
                exports and imports
    network/    NICs, teams, virtual switches, VM adapters, migration
                networks and their rules
    cluster/    failover clusters, cluster failover, role moves and drains
    mobility/   migrations: requests, their rules, records, the lab's
                migration service on the sim core
    replica/    Hyper-V Replica: settings, legs, enabling, cycles, failover,
                and the objects its cmdlets show

Each subpackage's docstring lists its modules.  The objects the shell sees
are these live objects: their upper-case properties are what PowerShell
shows (hvshell.pstypes.objects).  The model imports only hvshell.sim and
hvshell.pstypes; nothing registers itself on import, so a lab behaves the
same whichever modules were imported (hvshell/model/domains.py).
"""
