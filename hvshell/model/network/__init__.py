"""Networking.

    objects.py  HostNic, NicTeam, VMSwitch, VMNetworkAdapter (with its
                bandwidth and VLAN settings), MigrationNetwork and subnets
    config.py   switches, VM adapters, NIC teams, RDMA, jumbo frames and
                SMB bandwidth limits with their rules, and the CIM objects
                the NetAdapter cmdlets show; the network domain (adapters
                back after a restart)
    adapters.py an adapter's settings (port security, VMQ, bandwidth, MAC,
                VLAN), renaming, and the management OS's own vNICs
"""
