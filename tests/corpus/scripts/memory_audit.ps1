<#
.SYNOPSIS
    Flags VMs whose memory configuration breaks the team's rules.
#>
[CmdletBinding()]
param
(
    [ValidateRange(1, 100)]
    [int]
    $MaxShareOfHost = 20
)

enum Finding {
    Ok
    StaticLarge
    DynamicNoBuffer
    TooLarge
}

function Get-MemoryFinding {
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        $VM
    )
    process {
        $memory = Get-VMMemory -VMName $VM.Name -ComputerName $VM.ComputerName
        $hostMemory = (Get-VMHost -ComputerName $VM.ComputerName).MemoryCapacity
        [int]$share = [math]::Round(100 * $memory.Startup / $hostMemory)
        $finding = switch ($true) {
            ($share -gt $MaxShareOfHost) { [Finding]::TooLarge; break }
            (-not $memory.DynamicMemoryEnabled -and $memory.Startup -ge 16GB) { [Finding]::StaticLarge; break }
            ($memory.DynamicMemoryEnabled -and $memory.Buffer -lt 10) { [Finding]::DynamicNoBuffer; break }
            default { [Finding]::Ok }
        }
        [pscustomobject]@{
            VM      = $VM.Name
            Host    = $VM.ComputerName
            StartGB = $memory.Startup / 1GB
            Share   = "$share %"
            Finding = $finding
        }
    }
}

$findings = Get-VM -ComputerName HV01, HV02 | Get-MemoryFinding
$findings | Sort-Object Finding, VM | Format-Table -AutoSize
$problems = @($findings | Where-Object Finding -ne ([Finding]::Ok))
"{0} of {1} VMs need attention" -f $problems.Count, @($findings).Count
$problems | Group-Object Finding -NoElement | ForEach-Object { "  $($_.Name): $($_.Count)" }
