# modsec_py: `make run` and `make test` work on a fresh Debian 12 machine (they install
# what they need); see README.md.
DEBIAN_PYTHON := /usr/bin/python3
VENV_PYTHON := .venv/bin/python
PYTEST_ARGS ?=

PORT ?= 8080

.PHONY: deps reference run stop test test-venv test-debian lint configtest clean

deps:
	@sh tools/ensure-deps.sh

# Debian's ModSecurity 2.9.7, unpacked (not installed) as the reference for conformance tests.
reference:
	@sh tools/fetch-modsec2.sh

# A real Apache on 127.0.0.1:$(PORT): mod_wsgi + modsec_py + Debian's CRS 3.3.4 (SecRuleEngine On)
# protecting a small demo application; prints where the logs are and returns. `make stop` stops it.
run: deps
	$(DEBIAN_PYTHON) tools/run_apache.py start --port $(PORT)

stop:
	$(DEBIAN_PYTHON) tools/run_apache.py stop

configtest:
	$(DEBIAN_PYTHON) -m modsec_py configtest

test: deps reference lint test-venv test-debian

lint:
	.venv/bin/ruff check modsec_py tests bench

test-venv:
	$(VENV_PYTHON) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# The interpreter and libraries Apache's mod_wsgi embeds.
test-debian:
	$(DEBIAN_PYTHON) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

clean:
	rm -rf .venv build *.egg-info .pytest_cache
