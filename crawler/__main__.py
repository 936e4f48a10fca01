"""``python -m crawler`` runs the newsdesk command line."""

from crawler.cli import main

main(prog_name="newsdesk")
