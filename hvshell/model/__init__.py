"""The simulated lab, as attrs classes (SPEC.md section 4).

One concern per module:

    lab        Lab: hosts, clusters, storage, VHD files, jobs, events, timed
               actions, the clock and the seeded random generator; look-ups
               (find_host, vm_by_id, storage_for_path, file_key, find_vhd ...)
    host       Host (Get-VMHost's object and the machine's facts), LabHost view
    vm         VM (Get-VM's object), VMState and the other VM enums,
               VMMemory/VMProcessor/VMIntegrationComponent views
    storage    StorageLocation, VirtualHardDisk, HardDiskDrive, DvdDrive
    network    HostNic, NicTeam, VMSwitch, VMNetworkAdapter, MigrationNetwork
    cluster    Cluster, ClusterGroup, ClusterNode/ClusterSharedVolume views
    checkpoint VMSnapshot
    workload   Workload (what the guest does), profiles, LabWorkload view
    job        Job (what -AsJob returns)
    events     LabEvent and the hooks other layers attach to events
    schedule   timed actions kept as data (faults due later, host boots)
    versions   host OS versions, their features and limits
    errors     LabError (what the cmdlets turn into PowerShell errors)
    ids        Guid, deterministic GUIDs, MAC ranges
    names      PowerShell wildcard matching
    build      creating hosts, NICs, storage, VHDs, VMs, clusters (with rules)
    config     changing VMs and hosts (Set-VM, Set-VMMemory, Set-VMHost ...)
    power      VM lifecycle operations and host crash/recovery/restart
    failover   cluster heartbeats, nodes removed and rejoining, roles
               restarted on the nodes left, failback by policy
    persist    saving and loading a whole lab (atomic JSON)
    replication  Hyper-V Replica settings: replica servers, relationships
    replica    Hyper-V Replica: enabling, initial copy, log cycles and
               health, failover

Objects the shell sees are these live objects: their upper-case properties
are what PowerShell shows (hvshell.pstypes.objects).  The model never imports
the shell.
"""
