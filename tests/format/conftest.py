"""The .NET type views the format tests use."""
import hvshell.format.dotnet_views  # noqa: F401
