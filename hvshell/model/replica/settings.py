"""Hyper-V Replica settings kept with the lab (docs/model.md, Hyper-V Replica):
a host's replica-server settings (Set-VMReplicationServer) and a VM's
replication relationship with its running statistics.  The behaviour is in
the other modules of `hvshell.model.replica`.
"""
from __future__ import annotations

import attrs

from hvshell.pstypes.objects import PSEnum

# Set-VMReplicationServer defaults: HTTP listener on 80, HTTPS on 443,
# monitoring every 24 h from 9 AM (section 8, Set-VMReplicationServer).
DEFAULT_KERBEROS_PORT = 80
DEFAULT_CERTIFICATE_PORT = 443
DEFAULT_MONITORING_INTERVAL = 24 * 3600.0
DEFAULT_MONITORING_START = 9 * 3600.0


class ReplicationAuthenticationType(PSEnum):
    Kerberos = 1
    Certificate = 2


class RecoveryAuthenticationType(PSEnum):
    Kerberos = 1
    Certificate = 2
    CertificateAndKerberos = 3


class ReplicationRelationshipType(PSEnum):
    Simple = 0
    Extended = 1


@attrs.define
class ReplicaServerSettings:
    """What a host accepts as a replica server (off until enabled)."""
    replication_enabled: bool = False
    allowed_authentication_type: RecoveryAuthenticationType = RecoveryAuthenticationType.Kerberos
    allowed_from_any_server: bool = False
    default_storage_location: str = ""
    kerberos_port: int = DEFAULT_KERBEROS_PORT
    certificate_port: int = DEFAULT_CERTIFICATE_PORT
    monitoring_interval: float = DEFAULT_MONITORING_INTERVAL
    monitoring_start: float = DEFAULT_MONITORING_START


@attrs.define
class ReplicationSettings:
    """One side of a relationship.  The primary's record holds the
    statistics; the replica's names its primary."""
    primary_server: str
    replica_server: str
    replica_port: int
    authentication_type: ReplicationAuthenticationType
    frequency_sec: int
    recovery_history: int
    vss_frequency_hour: int
    compression_enabled: bool
    partner_id: str                    # the VM on the other side (its Guid)
    replica_folder: str = ""           # where the replica's files go
    # Writes tracked since the last log was cut (bytes), and when the
    # guest's writes were last counted and whether it was running then.
    pending_bytes: float = 0.0
    counted_at: float = 0.0
    was_running: bool = False
    # The log on the wire: cut at `in_flight_cut`, arriving at `in_flight_until`.
    in_flight_bytes: float = 0.0
    in_flight_cut: float | None = None
    in_flight_until: float | None = None
    # The latest recovery point on the replica (the time its log was cut)
    # and when it arrived.
    recovery_point: float | None = None
    last_replication_time: float | None = None
    # Statistics over the current monitoring window.
    window_start: float = 0.0
    successful: int = 0
    missed: int = 0
    bytes_sent: float = 0.0
    largest: float = 0.0
    latency_total: float = 0.0
    # On a replica VM (2012 R2): its extended relationship to a third
    # server, kept as the sending side's record.
    extended: ReplicationSettings | None = None
