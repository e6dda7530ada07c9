"""`python -m tasks.reports.layouts`: rebuild the packaged report templates after a layout change."""

from tasks.reports.layouts.build import main

main()
