<#
.SYNOPSIS
    Patches one cluster node: drains its roles to the other node, "patches"
    it, brings it back and fails the roles back.
.NOTES
    Written the way maintenance scripts are: a trap for the unexpected,
    ShouldProcess on every change, Write-Verbose narration.
#>
[CmdletBinding(SupportsShouldProcess)]
Param
(
    [Parameter()]
    [ValidateNotNullOrEmpty()]
    [String]
    $ClusterName = 'HVC01',

    [Parameter()]
    [String]
    $NodeName = 'HV02'
)

trap
{
    Write-Warning "Maintenance of $NodeName failed: $($_.Exception.Message)"
    break
}

$cluster = Get-Cluster -Name $ClusterName
$node = Get-ClusterNode -Cluster $cluster.Name -Name $NodeName
"Node {0} of {1} is {2}" -f $node.Name, $cluster.Name, $node.State

$before = @(Get-VM -ComputerName $NodeName | Where-Object IsClustered)
"Roles on ${NodeName}: $($before.Count)"

if ($PSCmdlet.ShouldProcess($NodeName, 'Drain node'))
{
    $null = Suspend-ClusterNode -Name $NodeName -Cluster $ClusterName -Drain -Wait
    $paused = Get-ClusterNode -Cluster $ClusterName -Name $NodeName
    "After draining: $($paused.State)"
    $left = @(Get-VM -ComputerName $NodeName | Where-Object { $_.IsClustered -and $_.State -eq 'Running' })
    if ($left.Count -ne 0) { throw "$($left.Count) roles are still running on $NodeName" }
}

Write-Verbose "Patching $NodeName"

if ($PSCmdlet.ShouldProcess($NodeName, 'Resume node'))
{
    $null = Resume-ClusterNode -Name $NodeName -Cluster $ClusterName -Failback Immediate
    $resumed = Get-ClusterNode -Cluster $ClusterName -Name $NodeName
    "After resuming: $($resumed.State)"
}

$after = @(Get-VM -ComputerName $NodeName | Where-Object IsClustered)
"Roles back on ${NodeName}: $($after.Count) of $($before.Count)"
