"""The loader: includes, globs, relative paths, conditional blocks, errors with places."""

from __future__ import annotations

from pathlib import Path

import pytest

from modsec_py.errors import ConfigError
from modsec_py.seclang.conditions import Conditions
from modsec_py.seclang.loader import LoadResult, load_files, load_text

NO_MODULES = Conditions(frozenset({"headers_module", "mod_headers.c"}), frozenset({"TESTING"}))


def load(tmp_path: Path, files: dict[str, str], entry: str = "main.conf", **kwargs: object) -> LoadResult:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="latin-1")
    return load_files([str(tmp_path / entry)], immediate=False, conditions=NO_MODULES,
                      server_root=str(tmp_path / "apache"), **kwargs)  # type: ignore[arg-type]


def rule_ids(result: LoadResult) -> list[str | None]:
    return [rule.id for rule in result.ruleset.rules]


def only_error(result: LoadResult) -> ConfigError:
    assert len(result.errors) == 1, [error.render() for error in result.errors]
    return result.errors[0]


def test_include_glob_sorted_and_relative_to_including_file(tmp_path: Path) -> None:
    result = load(tmp_path, {
        "main.conf": "Include rules/*.conf\n",
        "rules/b.conf": 'SecAction "id:2,pass,nolog"\n',
        "rules/a.conf": 'SecAction "id:1,pass,nolog"\n',
        "rules/c.txt": "SecFooBar\n",
    })
    assert result.errors == []
    assert rule_ids(result) == ["1", "2"]
    assert [Path(name).name for name in result.files] == ["main.conf", "a.conf", "b.conf"]


def test_relative_include_falls_back_to_server_root(tmp_path: Path) -> None:
    result = load(tmp_path, {
        "main.conf": "Include extra/x.conf\n",
        "apache/extra/x.conf": 'SecAction "id:7,pass"\n',
    })
    assert result.errors == [] and rule_ids(result) == ["7"]


def test_include_directory_reads_every_file_recursively(tmp_path: Path) -> None:
    result = load(tmp_path, {
        "main.conf": "Include d\n",
        "d/sub/a.conf": 'SecAction "id:1,pass"\n',
        "d/b.txt": 'SecAction "id:2,pass"\n',
    })
    assert rule_ids(result) == ["2", "1"]


def test_include_errors_name_the_place(tmp_path: Path) -> None:
    result = load(tmp_path, {
        "main.conf": "\n".join([
            "Include /nonexistent/x.conf",
            "Include nothere/*.conf",
            "Include *.nomatch",
            "IncludeOptional /nonexistent/x.conf",
            "IncludeOptional nothere/*.conf",
        ]) + "\n",
    })
    messages = [(error.location.line, error.message) for error in result.errors if error.location]
    assert messages[0] == (1, "Could not open configuration file /nonexistent/x.conf: No such file or directory")
    assert messages[1][0] == 2 and "Could not open directory" in messages[1][1]
    assert messages[2][0] == 3 and "No matches for the wildcard '*.nomatch'" in messages[2][1]
    assert len(messages) == 3  # IncludeOptional is silent


def test_error_in_included_file_carries_the_include_chain(tmp_path: Path) -> None:
    result = load(tmp_path, {
        "main.conf": "\n\nInclude one.conf\n",
        "one.conf": "Include two.conf\n",
        "two.conf": "\nSecRuleEngine Sometimes\n",
    })
    error = only_error(result)
    assert error.location is not None
    assert (Path(error.location.file).name, error.location.line, error.directive) == ("two.conf", 2, "SecRuleEngine")
    assert [(Path(place.file).name, place.line) for place in error.include_chain] == [("main.conf", 3),
                                                                                      ("one.conf", 1)]
    rendered = error.render().splitlines()
    assert rendered[0].endswith("two.conf:2: SecRuleEngine: " + error.message)
    assert rendered[-1].endswith("main.conf:3")


def test_include_loop_is_an_error(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": "Include other.conf\n", "other.conf": "Include main.conf\n"})
    assert "Include loop" in only_error(result).message


@pytest.mark.parametrize(
    ("block", "loaded"),
    [
        ("<IfModule security2_module>", True),
        ("<IfModule mod_security2.c>", True),
        ("<IfModule !mod_security2.c>", False),
        ("<IfModule headers_module>", True),
        ("<IfModule mod_rewrite.c>", False),
        ("<IfModule !mod_rewrite.c>", True),
        ("<IfDefine TESTING>", True),
        ("<IfDefine OTHER>", False),
    ],
)
def test_conditional_blocks(tmp_path: Path, block: str, loaded: bool) -> None:
    kind = block[1:].split()[0]
    result = load(tmp_path, {"main.conf": f'{block}\n  SecAction "id:1,pass"\n</{kind}>\n'})
    assert result.errors == []
    assert rule_ids(result) == (["1"] if loaded else [])


def test_unknown_directives_inside_false_blocks_are_not_read(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": "<IfModule !mod_security2.c>\nSecFoo On\n</IfModule>\nSecBar\n"})
    error = only_error(result)
    assert error.location is not None and error.location.line == 4
    assert error.message == ("Invalid command 'SecBar', perhaps misspelled or defined by a module not "
                             "included in the server configuration")


def test_block_errors(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": "<IfModule security2_module\n</IfDefine>\n<VirtualHost *:80>\n"
                                          "SecRuleEngine On\n</VirtualHost>\n<LocationMatch (x>\n</LocationMatch>\n"})
    messages = [error.message for error in result.errors]
    assert messages[0] == "<IfModule> directive missing closing '>'"
    assert messages[1] == "</IfDefine> without matching <IfDefine> section"
    assert messages[2].startswith("Apache section <VirtualHost> cannot appear")
    assert messages[3].startswith("Regex could not be compiled")
    assert len(messages) == 4


def test_location_sections_are_contexts_of_their_own(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": 'SecRuleEngine DetectionOnly\nSecDefaultAction "phase:2,deny,log"\n'
                                          'SecAction "id:1,phase:1"\n'
                                          '<LocationMatch ^/admin>\n  SecRuleEngine On\n'
                                          '  SecAction "id:1,phase:1"\n</LocationMatch>\n'
                                          '<Location /shop>\n  SecRuleRemoveById 1\n</Location>\n'})
    assert result.errors == []
    admin, shop = result.scopes
    assert (admin.kind, admin.path, admin.is_regex, shop.path, shop.is_regex) == ("LocationMatch", "^/admin",
                                                                                True, "/shop", False)
    assert rule_ids(result) == ["1"]
    [inner] = admin.rules.ruleset.rules
    # v2: a new context starts from the built-in default actions, not the enclosing SecDefaultAction.
    assert inner.effective.intercept is not None and inner.effective.intercept.name == "pass"
    assert result.ruleset.rules[0].effective.intercept.name == "deny"  # type: ignore[union-attr]
    assert [d.name for d in admin.directives] == ["SecRuleEngine", "SecAction"]
    assert admin.config.rule_engine != result.config.rule_engine


def test_arity_errors_use_apaches_wording(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": 'SecRuleEngine\nSecRule ARGS "@rx x" "id:5,pass" extra\nSecMarker\n'})
    assert [error.message for error in result.errors] == [
        "SecRuleEngine takes one argument, On or Off",
        "SecRule takes two or three arguments, rule target, operator and optional action list",
        "SecMarker takes one argument, marker for a skipAfter target",
    ]


def test_directive_names_are_case_insensitive(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": 'secrule ARGS "@RX x" "ID:1,PASS,T:LowerCase"\n'})
    assert result.errors == []
    [rule] = result.ruleset.rules
    assert rule.parsed.operator is not None and rule.parsed.operator.name == "rx"
    assert [call.name for call in rule.parsed.actions] == ["id", "pass", "t"]


def test_unknown_directive_suggests_a_close_name(tmp_path: Path) -> None:
    error = only_error(load(tmp_path, {"main.conf": "SecRuleEngin On\n"}))
    assert error.notes == ("did you mean SecRuleEngine?",)


def test_connector_directives_are_kept_for_the_connector(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": 'RequestHeader append X-WAF-Events "%{matched_rule-1}e" env=x\n'})
    assert result.errors == []
    assert [d.args for d in result.connector_directives] == [("append", "X-WAF-Events", "%{matched_rule-1}e",
                                                              "env=x")]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("RequestHeader append X-A b", None),
        ("Header always set X-A b env=!x", None),
        ("RequestHeader unset X-A", None),
        ("RequestHeader edit X-A ^a b early", None),
        ("RequestHeader frobnicate X-A b", "RequestHeader: first argument must be one of"),
        ("RequestHeader set X-A", "RequestHeader set X-A: a value is missing"),
        ("RequestHeader set X-A b c", "RequestHeader: unexpected argument 'c'"),
    ],
)
def test_connector_directive_syntax(tmp_path: Path, line: str, problem: str | None) -> None:
    result = load(tmp_path, {"main.conf": line + "\n"})
    if problem is None:
        assert result.errors == [] and len(result.connector_directives) == 1
    else:
        assert only_error(result).message.startswith(problem)


def test_request_header_needs_mod_headers_like_apache(tmp_path: Path) -> None:
    (tmp_path / "main.conf").write_text("RequestHeader append X-A b\n")
    result = load_files([str(tmp_path / "main.conf")], immediate=False, conditions=Conditions(frozenset()))
    error = only_error(result)
    assert error.message.startswith("Invalid command 'RequestHeader'")
    assert error.notes == ("enable mod_headers (a2enmod headers), as for ModSecurity",)


def test_apache_directives_are_refused_clearly(tmp_path: Path) -> None:
    error = only_error(load(tmp_path, {"main.conf": "LoadModule foo_module /x.so\n"}))
    assert "is an Apache directive" in error.message


def test_immediate_mode_raises_the_first_error() -> None:
    with pytest.raises(ConfigError) as caught:
        load_text('SecRuleEngine Sometimes\nSecFoo\n', conditions=NO_MODULES)
    assert caught.value.location is not None and caught.value.location.line == 1


def test_multi_line_rule_reports_first_line_and_keeps_v2_line(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": 'SecRule ARGS "@rx x" \\\n    "id:1,\\\n    foo"\n'})
    error = only_error(result)
    assert error.location is not None and error.location.line == 1
    assert error.message == "Error parsing actions: Unknown action: foo"
    ok = load(tmp_path, {"main.conf": 'SecRule ARGS "@rx x" \\\n    "id:1,\\\n    pass"\n'})
    [rule] = ok.ruleset.rules
    assert (rule.parsed.location.line, rule.parsed.last_line) == (1, 3)


def test_argument_counting_follows_apaches_invoke_cmd(tmp_path: Path) -> None:
    result = load(tmp_path, {"main.conf": 'SecRuleEngine ""\nSecRequestBodyAccess On Off\n'
                                          'SecContentInjection On extra words\nSecContentInjection maybe\n'
                                          'SecResponseBodyMimeType text/xml "" x/y\n'})
    assert [(error.location.line, error.message) for error in result.errors if error.location] == [
        (1, "SecRuleEngine takes one argument, On or Off"),
        (2, "SecRequestBodyAccess takes one argument, On or Off"),
        (4, "SecContentInjection must be On or Off"),
    ]
    assert result.config.content_injection is True
    assert result.config.response_body_mime_types == ["text/xml"]
