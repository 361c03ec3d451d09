# Disk report: every VM's virtual hard disks with their size on disk and
# the space they may still grow into, largest first.
function Format-Size {
    param([Parameter(Mandatory, ValueFromPipeline)][long]$Bytes)
    process {
        switch ($Bytes) {
            { $_ -ge 1TB } { '{0:N2} TB' -f ($_ / 1TB); break }
            { $_ -ge 1GB } { '{0:N1} GB' -f ($_ / 1GB); break }
            default        { '{0:N0} MB' -f ($_ / 1MB) }
        }
    }
}

$disks = foreach ($vm in Get-VM -ComputerName HV01, HV02) {
    foreach ($drive in Get-VMHardDiskDrive -VM $vm) {
        $vhd = Get-VHD -Path $drive.Path -ComputerName $vm.ComputerName
        [pscustomobject]@{
            VM       = $vm.Name
            Disk     = [System.IO.Path]::GetFileName($drive.Path)
            Type     = $vhd.VhdType
            OnDisk   = $vhd.FileSize
            Capacity = $vhd.Size
        }
    }
}

"{0} virtual hard disks" -f @($disks).Count
$disks | Sort-Object OnDisk -Descending | Select-Object -First 5 |
    Select-Object VM, Disk, Type, @{ n = 'OnDisk'; e = { $_.OnDisk | Format-Size } },
                  @{ n = 'Capacity'; e = { Format-Size -Bytes $_.Capacity } } |
    Format-Table -AutoSize

$dynamic = @($disks | Where-Object Type -eq 'Dynamic')
$headroom = ($dynamic | ForEach-Object { $_.Capacity - $_.OnDisk } | Measure-Object -Sum).Sum
"Dynamic disks may still grow by $(Format-Size $headroom)"
