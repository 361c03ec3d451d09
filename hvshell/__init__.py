"""hvshell: a Hyper-V datacenter simulator driven by a PowerShell-like shell."""
__version__ = "0.1.0"
