# modsec_py: `make run` and `make test` work on a fresh Debian 12 machine (they install
# what they need); see README.md.
DEBIAN_PYTHON := /usr/bin/python3
VENV_PYTHON := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: deps reference run test test-venv test-debian lint configtest clean

deps:
	@sh tools/ensure-deps.sh

# Debian's ModSecurity 2.9.7, unpacked (not installed) as the reference for conformance tests.
reference:
	@sh tools/fetch-modsec2.sh

# Until the Apache integration lands (#4), `run` checks the configuration Apache would load.
run: deps configtest

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
