"""The command line: a thin Typer layer that parses options, calls the library, prints.

``commands`` holds the commands, ``options`` the options they share (each defined
once), ``output`` how they end (exit codes, one-line errors, atomic output).  Only this
package prints or exits; spaCy is imported by the commands that need it, so ``--help``
is instant.
"""

from nkextract.cli.commands import app

__all__ = ["app"]
