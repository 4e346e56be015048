"""Saving and replaying what a ruleset load read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from modsec_py._util import sources
from modsec_py.engine.waf import WAF
from modsec_py.state import rulesets


def record(entry: Path) -> sources.Recording:
    recording = sources.Recording()
    with sources.using(recording):
        WAF.from_files([str(entry)])
    return recording


def test_replay_answers_as_the_files_were(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.conf").write_text('SecRule ARGS "@pmFromFile w.data" "id:1,phase:1,deny"\n')
    (rules / "w.data").write_text("one\n")
    entry = tmp_path / "entry.conf"
    entry.write_text(f"Include {rules}/*.conf\n")
    recording = record(entry)
    assert set(recording.reads) == {str(entry), str(rules / "a.conf"), str(rules / "w.data")}
    replay = sources.Replay(recording.reads, recording.answers)
    (rules / "b.conf").write_text("broken\n")
    with sources.using(replay):
        assert sources.glob(f"{rules}/*.conf") == [str(rules / "a.conf")]
        assert sources.read(str(rules / "w.data")) == b"one\n"
        with pytest.raises(FileNotFoundError):
            sources.read(str(rules / "b.conf"))
        WAF.from_files([str(entry)])  # loads as before: b.conf is not there
    assert sources.read(str(rules / "b.conf")) == b"broken\n"  # outside the block: live


def test_save_is_content_addressed_and_keeps_a_few(tmp_path: Path) -> None:
    rules, state = tmp_path / "rules", tmp_path / "state"
    rules.mkdir()
    state.mkdir()
    entry = rules / "entry.conf"
    digests = []
    for version in range(5):
        entry.write_text(f'SecRule ARGS "@streq v{version}" "id:1,phase:1,deny"\n')
        saved = rulesets.save(str(state), str(entry), record(entry))
        assert rulesets.save(str(state), str(entry), record(entry)).digest == saved.digest  # unchanged: same
        digests.append(saved.digest)
        os.utime(os.path.join(saved.home, f"{saved.digest}.json"), (version, 1000 + version))
    assert len(set(digests)) == 5
    home = saved.home
    assert sorted(name for name in os.listdir(home) if name.endswith(".json")) == sorted(
        f"{digest}.json" for digest in digests[-3:])
    assert len(os.listdir(os.path.join(home, "blobs"))) == 3
    loaded = rulesets.load(str(state), str(entry))
    assert loaded is not None and loaded.digest == digests[-1]
    with sources.using(loaded.view()):
        waf = WAF.from_files([str(entry)])
    assert waf is not None


def test_nothing_is_created_where_no_state_dir_exists(tmp_path: Path) -> None:
    entry = tmp_path / "entry.conf"
    entry.write_text("SecRuleEngine On\n")
    with pytest.raises(FileNotFoundError):
        rulesets.save(str(tmp_path / "absent"), str(entry), record(entry))
    assert not (tmp_path / "absent").exists()
    assert rulesets.load(str(tmp_path / "absent"), str(entry)) is None
