"""Failover clusters.

    objects.py   Cluster, ClusterGroup (a role), node records, and the
                 ClusterNode, ClusterSharedVolume and CSV partition views
    failover.py  heartbeats, nodes removed and rejoining, roles restarted on
                 the nodes left, failback by policy; the cluster domain
    moves.py     moving a role to another node, draining a node and bringing
                 its roles back
    quorum.py    votes, the file share witness, dynamic quorum, and the
                 roles stopped while the cluster has no quorum
    updating.py  Cluster-Aware Updating: the lab's updates, scans, updating
                 runs node by node and what each VM went through
    cau_views.py the ClusterAwareUpdating module's objects over those runs
"""
