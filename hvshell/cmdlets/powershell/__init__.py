"""Core PowerShell cmdlets: the pipeline and object utilities, formatting and
output, data conversion, help, jobs, date and sleep on the lab clock,
sessions and Restart-Computer."""
