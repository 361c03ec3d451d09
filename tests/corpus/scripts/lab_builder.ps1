# Builds a small test lab on HV01 (2012 R2: generation 2 machines): a private switch and three VMs from a
# table of specifications, the way lab-builder scripts are written.
$ErrorActionPreference = 'Stop'

$Specs = @(
    @{ Name = 'LAB-DC';  MemoryGB = 2; Generation = 2; Cpu = 2 }
    @{ Name = 'LAB-APP'; MemoryGB = 4; Generation = 2; Cpu = 2 }
    @{ Name = 'LAB-CLI'; MemoryGB = 1; Generation = 1; Cpu = 1 }
)

function New-LabMachine {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)]
        [ValidatePattern('^LAB-')]
        [string]$Name,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ValidateRange(1, 64)]
        [int]$MemoryGB = 2,

        [Parameter(ValueFromPipelineByPropertyName)]
        [ValidateSet(1, 2)]
        [int]$Generation = 2,

        [Parameter(ValueFromPipelineByPropertyName)]
        [int]$Cpu = 1,

        [string]$ComputerName = 'HV01'
    )
    process {
        if (Get-VM -ComputerName $ComputerName -Name $Name -ErrorAction SilentlyContinue) {
            Write-Warning "$Name exists already"
            return
        }
        if ($PSCmdlet.ShouldProcess($Name, 'Create virtual machine')) {
            $vm = New-VM -Name $Name -ComputerName $ComputerName -MemoryStartupBytes ($MemoryGB * 1GB) `
                         -Generation $Generation -SwitchName 'LabPrivate'
            Set-VMProcessor -VM $vm -Count $Cpu
            $vm
        }
    }
}

if (-not (Get-VMSwitch -ComputerName HV01 -Name 'LabPrivate' -ErrorAction SilentlyContinue)) {
    $null = New-VMSwitch -Name 'LabPrivate' -SwitchType Private -ComputerName HV01
    'Created switch LabPrivate'
}

$created = $Specs | ForEach-Object { [pscustomobject]$_ } | New-LabMachine
"Created $(@($created).Count) machines: $(($created | ForEach-Object Name) -join ', ')"

$created | Start-VM -Passthru | Select-Object Name, State, ProcessorCount | Format-Table -AutoSize

$check = Get-VM -ComputerName HV01 | Where-Object Name -like 'LAB-*'
if (@($check).Count -ne 3) { throw "expected 3 lab machines, found $(@($check).Count)" }
