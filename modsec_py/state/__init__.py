"""What modsec_py keeps on disk between processes: the last good ruleset of each entry file."""
