"""`python -m flows.cli`: the `daihoi` command."""

from flows.cli import main

main()
