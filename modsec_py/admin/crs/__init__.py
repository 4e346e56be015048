"""The OWASP Core Rule Set: find a tree (``tree.py``), list it (``listing.py``), switch rule
files on and off (``links.py`` for the 2.x layout, ``exclusions.py`` for 3.x / 4.x), check a
combination with the project's loader (``rulefiles.py``), edit its setup file (``setupfile.py``).
"""
