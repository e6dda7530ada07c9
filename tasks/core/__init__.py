"""What every domain shares: dates, Vietnamese text, the one error hierarchy, audit, plans."""
