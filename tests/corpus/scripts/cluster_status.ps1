# A morning health check of the failover cluster: nodes, roles, shared
# volumes and quorum, as an ordered summary and a list of problems.
$ClusterName = 'HVC01'
$problems = @()

$summary = [ordered]@{}
$cluster = Get-Cluster -Name $ClusterName
$summary['Cluster'] = $cluster.Name
$nodes = Get-ClusterNode -Cluster $ClusterName
$summary['Nodes'] = ($nodes | ForEach-Object { "$($_.Name)=$($_.State)" }) -join ', '
foreach ($node in $nodes) {
    if ($node.State -ne 'Up') { $problems += "node $($node.Name) is $($node.State)" }
}

$groups = Get-ClusterGroup -Cluster $ClusterName
$summary['Roles'] = @($groups).Count
$offline = @($groups | Where-Object { $_.State -ne 'Online' })
$summary['Roles offline'] = $offline.Count
foreach ($group in $offline) { $problems += "role $($group.Name) is $($group.State)" }

$volumes = Get-ClusterSharedVolume -Cluster $ClusterName
$summary['Shared volumes'] = ($volumes | ForEach-Object { "$($_.Name) on $($_.OwnerNode)" }) -join '; '
$quorum = Get-ClusterQuorum -Cluster $ClusterName
$summary['Quorum'] = $quorum.QuorumType

[pscustomobject]$summary | Format-List
if ($problems.Count -eq 0) { 'No problems found.' } else { $problems | ForEach-Object { "PROBLEM: $_" } }
