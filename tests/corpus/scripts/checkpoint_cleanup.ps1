# Takes a checkpoint of every running VM on HV01 before a change, lists
# them, then removes the ones older than the change window (-WhatIf first).
param(
    [string]$ComputerName = 'HV01',
    [int]$KeepHours = 0
)

$stamp = Get-Date -Format 'yyyyMMdd-HHmm'
$vms = Get-VM -ComputerName $ComputerName | Where-Object State -eq 'Running'
$failures = @()
foreach ($vm in $vms) {
    # A guest cluster on a shared VHDX cannot be checkpointed: note it, go on.
    Checkpoint-VM -VM $vm -SnapshotName "before-change-$stamp" -ErrorAction SilentlyContinue -ErrorVariable +failures
}
foreach ($failure in $failures) { "Skipped $($failure.TargetObject): $($failure.Exception.Message.Split(',')[0])" }

$checkpoints = Get-VMSnapshot -ComputerName $ComputerName -VMName *
"Checkpoints on ${ComputerName}: $(@($checkpoints).Count)"
$checkpoints | Select-Object VMName, Name | Sort-Object VMName | Format-Table -AutoSize

$cutoff = (Get-Date).AddHours(-$KeepHours)
$old = $checkpoints | Where-Object { $_.CreationTime -le $cutoff }
'--- what would go'
$old | Remove-VMSnapshot -WhatIf
$old | Remove-VMSnapshot
$remaining = @(Get-VMSnapshot -ComputerName $ComputerName -VMName *)
"Remaining checkpoints: $($remaining.Count)"
if ($remaining.Count -ne 0) { throw 'checkpoints were left behind' }
