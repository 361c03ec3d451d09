using namespace System.Collections.Generic

<#
.SYNOPSIS
    Plans the evacuation of a host with classes: each move is measured
    first (Measure-LabMigration), then the cheapest run first.
#>

enum MoveKind
{
    Live
    Storage
    Quick
}

class MovePlan
{
    [string]$VMName
    [string]$Source
    [string]$Destination
    [MoveKind]$Kind = [MoveKind]::Live
    [double]$EstimatedSeconds
    static [int]$Planned = 0

    MovePlan([string]$vmName, [string]$source, [string]$destination)
    {
        $this.VMName = $vmName
        $this.Source = $source
        $this.Destination = $destination
        [MovePlan]::Planned++
    }

    [void] Estimate()
    {
        $measure = Measure-LabMigration -Name $this.VMName -DestinationHost $this.Destination
        $this.EstimatedSeconds = [math]::Round(($measure | Select-Object -First 1).Duration, 1)
    }

    [string] ToString()
    {
        return '{0} {1} -> {2} ({3} s)' -f $this.VMName, $this.Source, $this.Destination, $this.EstimatedSeconds
    }
}

$plans = foreach ($vm in Get-VM -ComputerName HV01 | Where-Object IsClustered)
{
    $plan = [MovePlan]::new($vm.Name, 'HV01', 'HV02')
    $plan.Estimate()
    $plan
}

"Planned $([MovePlan]::Planned) moves"
$plans | Sort-Object EstimatedSeconds | ForEach-Object { "  $_" }
$total = ($plans | Measure-Object -Property EstimatedSeconds -Sum).Sum
"Total if run one by one: {0:N1} s" -f $total
if (-not ($plans[0] -is [MovePlan])) { throw 'not a plan' }
