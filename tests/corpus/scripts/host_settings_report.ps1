<#
	.SYNOPSIS
		Compares the migration settings of every host with the standard
		(written with tabs and CRLF line endings, as on Windows).
#>
[CmdletBinding()]
Param
(
	[Parameter()]
	[ValidateSet('TCPIP', 'Compression', 'SMB')]
	[String]
	$StandardOption = 'Compression',

	[Parameter()]
	[Int]
	$StandardMaximum = 2,
)

$hosts = Get-LabHost | Where-Object Version -ne '2008R2'
$rows = foreach ($h in $hosts)
{
	$settings = Get-VMHost -ComputerName $h.Name
	$option = [string]$settings.VirtualMachineMigrationPerformanceOption
	[pscustomobject]@{
		Host      = $h.Name
		Version   = $h.Version
		Option    = $option
		Maximum   = $settings.MaximumVirtualMachineMigrations
		Compliant = ($option -eq $StandardOption -and `
		             $settings.MaximumVirtualMachineMigrations -eq $StandardMaximum)
	}
}
$rows | Format-Table -AutoSize
$nonCompliant = $rows.Where{ -not $_.Compliant }
'{0} of {1} hosts follow the standard' -f ($rows.Count - $nonCompliant.Count), $rows.Count
