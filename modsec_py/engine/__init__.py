"""The engine: WAF (compiled configuration) and Transaction (one request)."""
