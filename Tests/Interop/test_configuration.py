"""The daemon's configuration: one schema (its long options) from flags, PLANNING_RPCD_* variables and a YAML or
JSON file, in that precedence; unknown keys rejected; every value through the same validation; and the README's
options table checked against the command's own description so that the documentation cannot drift.

`python3 test_configuration.py` prints the table the README must hold (between its two marker comments)."""
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DAEMON = os.environ.get("PLANNING_RPCD", os.path.join(ROOT, ".build", "debug", "planning-rpcd"))
README = os.path.join(ROOT, "README.md")
PREFIX = "PLANNING_RPCD_"
BEGIN, END = "<!-- options-table:begin -->", "<!-- options-table:end -->"


def run(*args, env=None, timeout=30):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    return subprocess.run([DAEMON] + list(args), capture_output=True, text=True, timeout=timeout,
                          env=dict(clean, **(env or {})))


def options():
    """(name, kind, default, abstract) of every long option, from ArgumentParser's --experimental-dump-help."""
    dump = json.loads(run("--experimental-dump-help").stdout)
    result = []
    for argument in dump["command"]["arguments"]:
        longs = [n["name"] for n in argument.get("names", []) if n["kind"] == "long"]
        if argument["kind"] not in ("option", "flag") or not longs or longs[0] in ("help", "version"):
            continue
        default = argument.get("defaultValue", "false" if argument["kind"] == "flag" else "")
        previous = result[-1] if result else None
        if argument["kind"] == "flag" and previous and previous[1] == "flag" and longs[0] == "no-" + previous[0]:
            # `--x/--no-x`: one option, whose default the dump gives as the flag that holds by default.
            result[-1] = (previous[0], "flag", "true" if previous[2] == "--" + previous[0] else "false", previous[3])
            continue
        result.append((longs[0], argument["kind"], default, argument.get("abstract", "")))
    return result


def variable(name):
    return PREFIX + name.upper().replace("-", "_")


def options_table():
    lines = ["| Option | Environment | Default | Meaning |", "| --- | --- | --- | --- |"]
    for name, kind, default, abstract in options():
        shown = "`%s`" % default if default != "" else "none"
        lines.append("| `--%s`%s | `%s` | %s | %s |" % (name, "" if kind == "option" else " (flag)", variable(name),
                                                       shown, abstract.replace("|", "\\|")))
    return "\n".join(lines)


def write(text, suffix=".yaml"):
    handle = tempfile.NamedTemporaryFile("w", suffix=suffix, delete=False)
    handle.write(text)
    handle.close()
    return handle.name


def effective(output):
    """{option: (value, source)} from --print-config's lines `name: value  # source`."""
    values = {}
    for line in output.splitlines():
        match = re.match(r"^(?:# )?([a-z0-9-]+): (.*?)  # (.*)$", line)
        assert match, line
        values[match.group(1)] = (match.group(2), match.group(3))
    return values


def test_readme_options_table_is_the_commands_options():
    text = open(README).read()
    assert BEGIN in text and END in text, "README.md lacks the options table markers"
    documented = text.split(BEGIN)[1].split(END)[0].strip()
    expected = options_table()
    assert documented == expected, (
        "README.md's options table differs from `planning-rpcd --experimental-dump-help`; replace it with "
        "the output of `python3 Tests/Interop/test_configuration.py`:\n" + expected)


def test_every_option_is_in_the_effective_configuration():
    shown = effective(run("--print-config").stdout)
    assert set(shown) == {name for name, _, _, _ in options()}
    assert shown["port"] == ('"50051"', "default")


def test_precedence_is_flags_then_environment_then_file_then_defaults():
    path = write("port: 1001\nmax-running-jobs: 8\nlog-level: debug\ndemo-data: true\n")
    result = run("--config", path, "--port", "1003", "--print-config",
                 env={"PLANNING_RPCD_PORT": "1002", "PLANNING_RPCD_MAX_RUNNING_JOBS": "9"})
    assert result.returncode == 0, result.stderr
    shown = effective(result.stdout)
    assert shown["port"] == ('"1003"', "command line")
    assert shown["max-running-jobs"] == ('"9"', "environment PLANNING_RPCD_MAX_RUNNING_JOBS")
    assert shown["log-level"] == ('"debug"', "%s:3" % path)
    assert shown["demo-data"] == ("true", "%s:4" % path)
    assert shown["drain-timeout"] == ('"30.0"', "default")


def test_environment_names_the_file_and_json_files_work():
    path = write(json.dumps({"admin-port": 9191, "enable-bench-service": True}), suffix=".json")
    result = run("--print-config", env={"PLANNING_RPCD_CONFIG": path})
    assert result.returncode == 0, result.stderr
    shown = effective(result.stdout)
    assert shown["admin-port"][0] == '"9191"' and shown["enable-bench-service"][0] == "true"


def test_unknown_file_key_is_an_error_naming_file_line_and_key():
    path = write("port: 1\nmax-runing-jobs: 8\n")
    result = run("--config", path)
    assert result.returncode == 64
    assert "%s:2: unknown key 'max-runing-jobs'" % path in result.stderr, result.stderr


def test_unknown_environment_variable_is_an_error():
    result = run("--print-config", env={"PLANNING_RPCD_MAX_RUNING_JOBS": "8"})
    assert result.returncode == 64
    assert "unknown environment variable PLANNING_RPCD_MAX_RUNING_JOBS" in result.stderr


def test_values_from_file_and_environment_go_through_the_same_validation():
    # At the boundary and one past it, from each source.
    assert run("--print-config", "--config", write("port: 65535\n")).returncode == 0
    result = run("--print-config", "--config", write("port: 65536\n"))
    assert result.returncode == 64 and "--port must be 0...65535" in result.stderr
    assert "port = \"65536\" (from " in result.stderr, "the error names where the value came from"
    assert run("--print-config", env={"PLANNING_RPCD_MAX_RUNNING_JOBS": "1"}).returncode == 0
    result = run("--print-config", env={"PLANNING_RPCD_MAX_RUNNING_JOBS": "0"})
    assert result.returncode == 64 and "must be positive" in result.stderr
    assert "PLANNING_RPCD_MAX_RUNNING_JOBS" in result.stderr
    result = run("--print-config", env={"PLANNING_RPCD_PORT": "http"})
    assert result.returncode == 64
    result = run("--print-config", "--config", write("demo-data: sometimes\n"))
    assert result.returncode == 64 and "key 'demo-data' is a flag" in result.stderr


def test_the_file_cannot_name_another_file():
    result = run("--config", write("config: /etc/other.yaml\n"))
    assert result.returncode == 64 and "key 'config' is not allowed" in result.stderr


def test_print_config_output_is_itself_a_valid_configuration_file():
    first = run("--print-config", "--port", "4321", "--demo-data")
    path = write(first.stdout)
    second = run("--print-config", "--config", path)
    assert second.returncode == 0, second.stderr
    shown = effective(second.stdout)
    assert shown["port"] == ('"4321"', "%s:2" % path)
    assert shown["demo-data"][0] == "true"


def test_effective_configuration_is_logged_at_debug_level():
    from conftest import Daemon
    daemon = Daemon([], env={"PLANNING_RPCD_MAX_QUEUED_JOBS": "77"})
    try:
        assert daemon.wait_for_log(r'option=max-queued-jobs: "77"  # environment PLANNING_RPCD_MAX_QUEUED_JOBS')
    finally:
        daemon.stop()


if __name__ == "__main__":
    sys.stdout.write(options_table() + "\n")
