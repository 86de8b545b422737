"""The console script's exit (generator.cli.run): it skips Python's teardown of the
heap, but what a command printed, its exit status and the exit handlers are kept."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import run_frankly, write_incident


def _run_with(main_body: str) -> subprocess.CompletedProcess:
    """generator.cli.run() with main() replaced by ``main_body``, in a process of its own,
    its output read through pipes (block-buffered: lost unless flushed)."""
    script = (
        "import atexit, sys, threading, time\n"
        "import generator.cli as cli\n"
        "def main():\n" + "".join(f"    {line}\n" for line in main_body.splitlines()) +
        "cli.main = main\n"
        "cli.run()\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("ending", "status", "stderr"), [
    ("return", 0, ""),
    ("sys.exit()", 0, ""),
    ("sys.exit(3)", 3, ""),
    ("sys.exit(-1)", 255, ""),
    ("sys.exit(256 + 2)", 2, ""),
    ("sys.exit('incidents/a.yaml:3:1: wrong')", 1, "incidents/a.yaml:3:1: wrong\n"),
])
def test_the_exit_status_is_the_one_python_would_give(ending, status, stderr):
    result = _run_with(f"print('said')\n{ending}")
    assert (result.returncode, result.stdout, result.stderr) == (status, "said\n", stderr)


def test_exit_handlers_run_and_buffered_output_is_not_lost():
    body = ("atexit.register(lambda: print('handler ran', flush=True))\n"
            "sys.stdout.write('x' * 100000)\n"
            "sys.stderr.write('to stderr')")
    result = _run_with(body)
    assert result.returncode == 0
    assert result.stdout == "x" * 100000 + "handler ran\n"
    assert result.stderr == "to stderr"


def test_a_thread_still_running_is_waited_for_as_python_does():
    body = ("def late():\n"
            "    time.sleep(0.5)\n"
            "    print('thread done', flush=True)\n"
            "threading.Thread(target=late).start()\n"
            "sys.exit(4)")
    result = _run_with(body)
    assert (result.returncode, result.stdout) == (4, "thread done\n")


def test_the_real_console_script_reports_a_build_and_a_broken_file(project):
    built = run_frankly(project, "build")
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith("Built ") and "site/" in built.stdout
    (project / "site" / "index.html").unlink()  # the last good site, left as it is by the failing build
    write_incident(project, "2026-03-01-broken.yaml", "title: [unclosed\n")
    failed = run_frankly(project, "build")
    assert failed.returncode != 0
    assert failed.stderr == ("incidents/2026-03-01-broken.yaml:2:1: YAML syntax error: while parsing a flow sequence, "
                             "did not find expected ',' or ']'; check the indentation, colons and quotes on this line "
                             "and the one before\n1 problem in 1 file; nothing was built.\n")
    assert not (project / "site" / "index.html").exists()
