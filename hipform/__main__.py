"""``python -m hipform`` runs the command line."""

from hipform.cli import run

run()
