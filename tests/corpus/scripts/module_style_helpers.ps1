#region Module header
Import-Module Hyper-V
Import-Module FailoverClusters
Set-Alias -Name gvmh -Value Get-VMHostSummary
#endregion

function Get-VMHostSummary
{
    <#
    .SYNOPSIS
        One line per host, from the host objects piped in or named.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    Param
    (
        [Parameter(Mandatory = $true, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('ComputerName', 'HostName')]
        [String[]]
        $Name
    )

    Begin
    {
        $seen = 0
        Write-Verbose 'Collecting host summaries'
    }

    Process
    {
        foreach ($hostName in $Name)
        {
            $seen++
            $vms = @(Get-VM -ComputerName $hostName)
            [pscustomobject]@{
                Host    = $hostName
                VMs     = $vms.Count
                Running = @($vms | Where-Object State -eq 'Running').Count
                Memory  = '{0:N0} GB' -f (($vms | Measure-Object -Property MemoryStartup -Sum).Sum / 1GB)
            }
        }
    }

    End
    {
        Write-Verbose "Summarised $seen hosts"
    }
}

Get-Module | Where-Object Name -in 'Hyper-V', 'FailoverClusters' | ForEach-Object Name
Get-LabHost | gvmh | Format-Table -AutoSize
'HV01', 'HV03' | Get-VMHostSummary | Select-Object -ExpandProperty Host
(Get-Alias gvmh).Definition
