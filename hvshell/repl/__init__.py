"""The interactive shell (prompt_toolkit).  Imported only when the REPL
starts (`hvshell.repl.app.run_repl`); nothing else in hvshell imports it."""
