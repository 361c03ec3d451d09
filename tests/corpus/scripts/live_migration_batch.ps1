<#
.SYNOPSIS
    Moves the clustered VMs of HV01 to HV02 in batches, then
    reports what each move cost.
#>
Param(
    [Parameter()]
    [ValidateNotNullOrEmpty()]
    [String]$Source = 'HV01',

    [Parameter()]
    [String]$Destination = 'HV02',

    [Parameter()]
    [ValidateRange(1, 8)]
    [Int]$BatchSize = 2
)

$toMove = @(Get-VM -ComputerName $Source | Where-Object { $_.IsClustered -and $_.Name -notlike 'GC01-*' })
"Moving $($toMove.Count) VMs from $Source to $Destination, $BatchSize at a time"

for ($i = 0; $i -lt $toMove.Count; $i += $BatchSize) {
    $batch = $toMove[$i..([math]::Min($i + $BatchSize, $toMove.Count) - 1)]
    "Batch $([int][math]::Floor($i / $BatchSize) + 1): $(($batch | ForEach-Object Name) -join ', ')"
    foreach ($vm in $batch) {
        $group = Move-ClusterVirtualMachineRole -Name $vm.Name -Node $Destination -MigrationType Live
        '  {0} now owned by {1}' -f $group.Name, $group.OwnerNode
    }
}

$moves = Get-LabMigration | Where-Object { $_.VMName -in $toMove.Name }
$moves | Select-Object VMName, Source, Destination, Duration, Downtime | Format-Table -AutoSize
$still = @(Get-VM -ComputerName $Source | Where-Object { $_.Name -in $toMove.Name })
if ($still.Count) { throw "$($still.Count) VMs did not move" }
"All $($toMove.Count) moved."
