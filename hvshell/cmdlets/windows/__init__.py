"""Windows Server modules used beside Hyper-V: NetAdapter (RDMA, advanced
properties), NetLbfo (NIC teams) and SmbShare (bandwidth limits)."""
