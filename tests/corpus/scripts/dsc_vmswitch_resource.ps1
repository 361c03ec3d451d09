<#
.SYNOPSIS
    A DSC-style resource for a Hyper-V host's live migration settings,
    written as the xHyperV resources are: Get-, Test- and Set-TargetResource.
#>

function Get-TargetResource
{
    [CmdletBinding()]
    [OutputType([System.Collections.Hashtable])]
    param
    (
        [Parameter(Mandatory = $true)]
        [System.String]
        $HostName
    )

    $vmHost = Get-VMHost -ComputerName $HostName
    return @{
        HostName           = $HostName
        MaximumMigrations  = $vmHost.MaximumVirtualMachineMigrations
        PerformanceOption  = [string]$vmHost.VirtualMachineMigrationPerformanceOption
        MigrationEnabled   = $vmHost.VirtualMachineMigrationEnabled
    }
}

function Test-TargetResource
{
    [CmdletBinding()]
    [OutputType([System.Boolean])]
    param
    (
        [Parameter(Mandatory = $true)]
        [System.String]
        $HostName,

        [Parameter()]
        [ValidateRange(1, 64)]
        [System.UInt32]
        $MaximumMigrations = 2,

        [Parameter()]
        [ValidateSet('TCPIP', 'Compression', 'SMB')]
        [System.String]
        $PerformanceOption = 'Compression'
    )

    $current = Get-TargetResource -HostName $HostName
    $inDesiredState = $true
    if ($current.MaximumMigrations -ne $MaximumMigrations)
    {
        Write-Verbose -Message "MaximumMigrations is $($current.MaximumMigrations), expected $MaximumMigrations"
        $inDesiredState = $false
    }
    if ($current.PerformanceOption -ne $PerformanceOption)
    {
        Write-Verbose -Message "PerformanceOption is $($current.PerformanceOption), expected $PerformanceOption"
        $inDesiredState = $false
    }
    return $inDesiredState
}

function Set-TargetResource
{
    [CmdletBinding(SupportsShouldProcess = $true)]
    param
    (
        [Parameter(Mandatory = $true)]
        [System.String]
        $HostName,

        [Parameter()]
        [System.UInt32]
        $MaximumMigrations = 2,

        [Parameter()]
        [ValidateSet('TCPIP', 'Compression', 'SMB')]
        [System.String]
        $PerformanceOption = 'Compression'
    )

    if ($PSCmdlet.ShouldProcess($HostName, 'Configure live migration'))
    {
        $params = @{
            ComputerName                              = $HostName
            MaximumVirtualMachineMigrations           = $MaximumMigrations
            VirtualMachineMigrationPerformanceOption  = $PerformanceOption
        }
        Set-VMHost @params
    }
}

foreach ($node in 'HV01', 'HV02')
{
    if (-not (Test-TargetResource -HostName $node -MaximumMigrations 4 -PerformanceOption SMB))
    {
        Set-TargetResource -HostName $node -MaximumMigrations 4 -PerformanceOption SMB
    }
    $state = Get-TargetResource -HostName $node
    "{0}: {1} migrations over {2}" -f $state.HostName, $state.MaximumMigrations, $state.PerformanceOption
    if (-not (Test-TargetResource -HostName $node -MaximumMigrations 4 -PerformanceOption SMB))
    {
        throw "$node is not in the desired state"
    }
}
