# The error-handling shapes admin scripts use, each checked.
$ErrorActionPreference = 'Continue'
$results = [ordered]@{}

# 1. -ErrorAction Stop turns a cmdlet's error into one catch sees.
try {
    Get-VM -Name 'NO-SUCH-VM' -ErrorAction Stop
    $results['stop'] = 'not caught'
} catch {
    $results['stop'] = 'caught: ' + $_.CategoryInfo.Category
}

# 2. -ErrorVariable collects without stopping.
Get-VM -Name 'NO-SUCH-1' -ErrorAction SilentlyContinue -ErrorVariable missing
Get-VMHost -ComputerName 'NO-SUCH-HOST' -ErrorAction SilentlyContinue -ErrorVariable +missing
$results['errorvariable'] = "$($missing.Count) errors"

# 3. Typed catch clauses, most specific first.
try { $null = 10 / 0 }
catch [System.DivideByZeroException] { $results['typed'] = 'divide by zero' }
catch { $results['typed'] = 'other' }

# 4. finally runs either way.
$cleaned = $false
try { throw 'boom' } catch { } finally { $cleaned = $true }
$results['finally'] = $cleaned

# 5. A function that rethrows as its own terminating error.
function Get-RequiredVM {
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$Name)
    try { Get-VM -Name $Name -ErrorAction Stop }
    catch { $PSCmdlet.ThrowTerminatingError($_) }
}
try { Get-RequiredVM -Name 'MISSING' } catch { $results['rethrow'] = "from $($_.InvocationInfo.MyCommand.Name)" }
if (-not $results['rethrow']) { $results['rethrow'] = 'caught' }

# 6. trap with continue in a function.
function Invoke-Steps {
    trap { $script:trapped++; continue }
    $script:trapped = 0
    throw 'step 1 failed'
    'step 2 ran'
}
$results['trap'] = (Invoke-Steps) + " after $script:trapped trap"

# 7. $Error keeps what happened, newest first.
$results['error count'] = $Error.Count -gt 0

$results.GetEnumerator() | ForEach-Object { '{0,-14} {1}' -f $_.Key, $_.Value }
