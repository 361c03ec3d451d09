"""Hyper-V Replica.

    settings.py   ReplicaServerSettings and ReplicationSettings (kept with
                  the lab) and the replica enums
    legs.py       Leg: one relationship from its sending VM, simple
                  (primary to replica) or extended (replica to a third
                  server): rates, logs, arrival, state and health
    lifecycle.py  Set-VMReplicationServer, Enable-VMReplication, the
                  initial replication, Set- and Remove-VMReplication
    cycles.py     the log cycles on the lab clock, suspend and resume,
                  repair after a reload; the replica domain
    failover.py   planned and unplanned failover, cancelling, reversing
    views.py      the objects Get-/Measure-VMReplication and
                  Get-VMReplicationServer show
"""
