# modsec_py: `make run` and `make test` work on a fresh Debian 12 machine (they install
# what they need); see README.md.
DEBIAN_PYTHON := /usr/bin/python3
VENV_PYTHON := .venv/bin/python
PYTEST_ARGS ?=

PORT ?= 8080

.PHONY: deps reference run stop test test-venv test-debian lint configtest deb lint-deb clean

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
	.venv/bin/ruff check modsec_py tests bench tools

test-venv:
	$(VENV_PYTHON) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# The interpreter and libraries Apache's mod_wsgi embeds.
test-debian:
	$(DEBIAN_PYTHON) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# The Debian packages (python3-modsec-py, libapache2-mod-security2-py) in dist/, built from a
# clean copy of the tree with Debian's PATH (tools/build-deb.sh), then checked by lintian.
deb: deps
	sh tools/build-deb.sh dist
	$(MAKE) --no-print-directory lint-deb

lint-deb:
	lintian --fail-on error --pedantic dist/modsec-py_*.changes

clean:
	rm -rf .venv build *.egg-info .pytest_cache

# etc/modsecurity/unicode.mapping, regenerated (modsec_py/_util/unicode_mapping.py says from what).
.PHONY: unicode-mapping
unicode-mapping:
	$(DEBIAN_PYTHON) -m modsec_py._util.unicode_mapping etc/modsecurity/unicode.mapping

# Differential test: CRS 4.28.0 (PL4) on the CRS 3.3.4 regression requests through modsec_py and
# the real ModSecurity 2.9.7 (tools/diff_crs_modsec2.py), then Debian's CRS 3.3.4 likewise.
SHARED ?= ../shared
.PHONY: diff-crs
diff-crs: reference
	$(VENV_PYTHON) tools/diff_crs_modsec2.py --rules $(SHARED)/crs/v4.28.0/rules \
		--setup $(SHARED)/crs/v4.28.0/crs-setup.conf.example --tests $(SHARED)/crs-tests/v3.3.4/tests \
		--tests $(SHARED)/crs-tests/v4.28.0-format-examples
	$(VENV_PYTHON) tools/diff_crs_modsec2.py --rules /usr/share/modsecurity-crs/rules \
		--setup /etc/modsecurity/crs/crs-setup.conf --tests $(SHARED)/crs-tests/v3.3.4/tests
