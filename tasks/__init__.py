"""Plain functions daihoi is made of, by domain; the Prefect tasks of a domain in <domain>/steps.py."""
