"""The synthetic committee, city and country: seeded for the demo, the benchmarks and the tests."""
