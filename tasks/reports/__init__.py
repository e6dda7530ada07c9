"""Word reports in the Party's document format: templates, contexts, rendering, archive."""
