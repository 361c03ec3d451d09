#Requires -Version 5.1
<#
.SYNOPSIS
    Inventory of the virtual machines on every Hyper-V host, grouped by host,
    with a CSV for the change board.
.PARAMETER ComputerName
    The hosts to report on.
#>
[CmdletBinding()]
param(
    [string[]]$ComputerName = @('HV01', 'HV02', 'HV03', 'HV04'),
    [string]$CsvPath = 'vm-inventory.csv'
)

$report = foreach ($hostName in $ComputerName) {
    Get-VM -ComputerName $hostName | Select-Object `
        @{ Name = 'Host'; Expression = { $hostName } },
        Name,
        State,
        @{ Name = 'MemoryGB'; Expression = { [math]::Round($_.MemoryStartup / 1GB, 1) } },
        ProcessorCount,
        Generation,
        @{ Name = 'Clustered'; Expression = { if ($_.IsClustered) { 'yes' } else { 'no' } } }
}

"Virtual machines: $(@($report).Count)"
$report | Group-Object Host | Sort-Object Name | ForEach-Object {
    $memory = ($_.Group | Measure-Object -Property MemoryGB -Sum).Sum
    '{0,-6} {1,3} VMs {2,8:N1} GB' -f $_.Name, $_.Count, $memory
}

$running = $report | Where-Object State -EQ 'Running'
$stopped = $report | Where-Object { $_.State -ne 'Running' }
"Running: $(@($running).Count); not running: $(@($stopped).Count)"

$report | Sort-Object MemoryGB -Descending | Select-Object -First 3 |
    Format-Table Host, Name, MemoryGB -AutoSize

$report | Export-Csv -Path $CsvPath -NoTypeInformation
$back = Import-Csv -Path $CsvPath
if (@($back).Count -ne @($report).Count) { throw 'the CSV lost rows' }
"Wrote $(@($back).Count) rows to $CsvPath"
