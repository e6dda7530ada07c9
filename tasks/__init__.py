"""Plain functions daihoi is made of, and (in tasks.steps) the Prefect tasks that wrap them."""
