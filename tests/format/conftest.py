"""The format layer is tested on its own: views of other modules are not
needed, the .NET type views are."""
import hvshell.format.views as views

views._loaded = True
import hvshell.format.dotnet_views  # noqa: E402,F401
