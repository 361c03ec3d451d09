"""Hosts and the virtual machines they run.

    host.py      Host (Get-VMHost's object and the machine's facts) and its
                 LabHost view
    vm.py        VM (Get-VM's object), its enums, and the VMMemory,
                 VMProcessor and integration-service views
    workload.py  what runs inside a VM: workload profiles and their figures
    versions.py  host OS versions, their features and limits
    build.py     creating hosts, NICs, storage, VHDs, VMs, clusters, with
                 their rules (New-LabHost, New-VM ...)
    config.py    changing VMs and hosts (Set-VM, Set-VMMemory, Set-VMHost ...)
    power.py     VM lifecycle (start, stop, save, pause), host crash,
                 recovery and restart, network and storage faults; the power
                 domain (its timed actions, VMs reverted after a reload)
    accounts.py  each host's memory in use, CPU demand and memory promised
                 to incoming migrations, kept as its VMs change (and which
                 VMs changed, for usage)
    usage.py     resource metering and disk writes over simulated time; the
                 usage domain (the rates of VMs that changed settle before
                 the clock moves on)
"""
