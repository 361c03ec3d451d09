# Messages kept in a data section, as localized modules keep them, and
# read with ConvertFrom-StringData; the culture picks the text.
Data Messages
{
    # en-US
    ConvertFrom-StringData @'
    Checking = Checking host {0}
    HostOk = Host {0} runs {1} VMs.
    HostDown = Host {0} is not responding.
    Done = Checked {0} hosts.
'@
}

Data Greeting
{
    if ($PSUICulture -eq 'de-DE') { 'Guten Morgen' } else { 'Good morning' }
}

$Greeting
$hosts = 'HV01', 'HV02', 'HV03', 'HV04'
foreach ($name in $hosts) {
    Write-Verbose ($Messages.Checking -f $name)
    $labHost = Get-LabHost -Name $name
    if ($labHost.State -eq 'Up') {
        $Messages.HostOk -f $name, @(Get-VM -ComputerName $name).Count
    } else {
        $Messages.HostDown -f $name
    }
}
$Messages.Done -f $hosts.Count
