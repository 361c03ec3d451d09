"""The Hyper-V module: VMs and their hardware, VHDs, virtual switches and
adapters, checkpoints, export and import, migration, Replica, metering and
host settings.  `_common` holds what these cmdlets share (name look-ups,
operations run as jobs)."""
