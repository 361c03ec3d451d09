"""The FailoverClusters module: clusters, nodes, groups, shared volumes and
clustered VM moves."""
