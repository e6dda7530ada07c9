"""End-to-end tests: a real Prefect server on PostgreSQL, a process worker, deployments."""
