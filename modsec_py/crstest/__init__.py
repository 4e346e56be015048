"""``modsec-py crs test``: the CRS regression suite (ftw / go-ftw YAML) through a private real Apache.

``backend`` is the application behind the WAF (httpbin-like for CRS 3.x, albedo for CRS 4.x), ``target`` the
test-target configuration, ``runner`` the run itself (raw sockets, marker requests, the judging, the report).
"""
