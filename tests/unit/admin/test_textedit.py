"""In-place SecLang edits: only the lines edited change."""

from __future__ import annotations

from modsec_py.admin import textedit

SETUP = """\
# a comment
SecDefaultAction "phase:1,deny,log"

#SecAction \\
  "id:'900004', \\
  phase:1, \\
  setvar:tx.anomaly_score_blocking=on, \\
  pass"

#SecAction \\
#  "id:900700,\\
#  phase:1,\\
#  setvar:'tx.dos_burst_time_slice=60',\\
#  setvar:tx.dos_counter_threshold=100"
"""


def test_scan_finds_active_and_commented_blocks_with_their_lines() -> None:
    blocks = textedit.scan(textedit.split_lines(SETUP))
    named = [(block.name, block.first, block.last, block.commented) for block in blocks if block.name.startswith("Sec")]
    assert named == [("SecDefaultAction", 1, 1, False), ("SecAction", 3, 7, True), ("SecAction", 9, 13, True)]
    assert blocks[-1].action("id") == "900700"
    assert blocks[-2].action("id") == "900004"


def test_uncomment_then_comment_round_trips_an_active_block() -> None:
    lines = textedit.split_lines(SETUP)
    block = textedit.scan(lines)[-1]
    textedit.uncomment(lines, block)
    assert lines[9:11] == ["SecAction \\\n", '  "id:900700,\\\n']
    active = textedit.scan(lines)[-1]
    assert not active.commented and active.first == 9
    before = list(lines)
    textedit.comment(lines, active)
    textedit.uncomment(lines, textedit.scan(lines)[-1])
    assert lines == before


def test_set_setvar_keeps_the_quoting_style_and_adds_quotes_when_needed() -> None:
    lines = textedit.split_lines(SETUP)
    block = textedit.scan(lines)[-1]
    assert textedit.set_setvar(lines, block, "dos_burst_time_slice", "30") == "60"
    assert textedit.set_setvar(lines, block, "DOS_COUNTER_THRESHOLD", "a b") == "100"
    assert "setvar:'tx.dos_burst_time_slice=30'" in lines[12]
    assert "setvar:'tx.dos_counter_threshold=a b'\"" in lines[13]
    assert textedit.set_setvar(lines, block, "nothing", "1") is None


def test_set_directive_edits_every_main_occurrence_but_not_location_sections() -> None:
    text = "# x\nSecRuleEngine DetectionOnly\n<Location /a>\n  SecRuleEngine Off\n</Location>\n"
    new, said = textedit.set_directive(text, "SecRuleEngine", "On")
    assert new == "# x\nSecRuleEngine On\n<Location /a>\n  SecRuleEngine Off\n</Location>\n"
    assert said == ["SecRuleEngine DetectionOnly -> On (line 2)"]
    assert textedit.set_directive(new, "SecRuleEngine", "On") == (new, [])


def test_set_directive_inserts_after_the_last_main_directive_at_its_indentation() -> None:
    text = ("<IfModule security2_module>\n\tInclude /x.conf\n</IfModule>\n"
            "<Location /a>\n  SecRuleEngine Off\n</Location>\n")
    new, said = textedit.set_directive(text, "SecRuleEngine", "On")
    assert new.splitlines()[:4] == ["<IfModule security2_module>", "\tInclude /x.conf", "\tSecRuleEngine On",
                                    "</IfModule>"]
    assert said == ["SecRuleEngine On (added at line 3)"]
    assert textedit.set_directive("", "SecRuleEngine", "On")[0] == "SecRuleEngine On\n"


def test_render_actions_quotes_values_with_separators() -> None:
    rendered = textedit.render_actions([("phase", "2"), ("pass", None), ("tag", "Host: x,y"), ("msg", "it's")])
    assert rendered == "phase:2,pass,tag:'Host: x,y',msg:'it\\'s'"
    assert textedit.quote_argument("/var/cache/modsecurity") == "/var/cache/modsecurity"
    assert textedit.quote_argument('a "b"') == '"a \\"b\\""'
