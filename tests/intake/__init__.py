"""Tests of tasks.intake: the pipeline, each form's importer, drafts and exports."""
