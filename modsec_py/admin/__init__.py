"""``modsec-py`` administration: the Debian workflow of the seed tutorial as library calls.

Every operation first builds a :class:`~modsec_py.admin.changes.Plan` from what is on disk
(so running it twice changes nothing the second time), then applies it or, for
``--dry-run``, only describes it. Paths are taken inside a :class:`~modsec_py.admin.root.Root`
(``--root DIR``); what modsec-py creates is recorded in a manifest (``manifest.py``).

* ``setup.py``: modsecurity.conf from modsecurity.conf-recommended, with the tutorial's advice.
* ``engine.py``: SecRuleEngine in modsecurity.conf or in a site's SecLang entry file.
* ``crs/``: the OWASP CRS: find a tree, list, enable / disable rule files, its setup file.
* ``textedit.py``: in-place edits of SecLang text that keep comments and layout.
"""
