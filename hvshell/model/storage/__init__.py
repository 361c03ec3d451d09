"""Where VM files live and what is done to them.

    objects.py        StorageLocation (local volume, CSV, SMB share),
                      VirtualHardDisk, HardDiskDrive, DvdDrive, the IDE and
                      SCSI controllers as PowerShell shows them
    disks.py          New-VHD, Resize-VHD, attaching, changing and removing
                      drives, the shared-VHDX rule and Storage QoS
    devices.py        DVD drives and SCSI controllers: adding, changing and
                      removing them
    vmsnapshot.py     VMSnapshot (a checkpoint as PowerShell shows it)
    checkpoints.py    taking, applying and deleting checkpoints with their
                      differencing disks
    exported_vm.py    ExportedVM: the configuration an export writes
    export_import.py  Export-VM, Export-VMSnapshot and Import-VM, and the
                      file copies they (and replica) make
"""
