"""A company adopting Frankly: placeholders left from `frankly init`, a clone of this
repository used as a template (`init --here`), the install routes `init` writes, the
history CI must hold, `frankly doctor` and `frankly reference`, and the shipped
workflows against GitHub's workflow schema."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, invoke, run_frankly
from generator.checks import placeholders

SCAFFOLD = REPO / "generator" / "editing" / "new_site"
WORKFLOWS = [REPO / ".github" / "workflows" / "status-site.yml", SCAFFOLD / "dot-github" / "workflows" / "status-site.yml"]

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, check=True, capture_output=True, text=True,
    ).stdout


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    assert invoke(tmp_path, "init", "--install-from", "index", "acme").exit_code == 0
    return tmp_path / "acme"


PLACEHOLDERS = [
    "incidents/2026-01-15-example-maintenance.yaml:1:1: warning: this is the example maintenance written by `frankly init`, "
    "and it would be published as if it were real: delete the file before the site goes live",
    "site_config/site.yaml:3:7: warning: name is still the example 'Example Status' from frankly init: set it to the name of your status site",
    "site_config/site.yaml:4:10: warning: company is still the example 'Example Inc.' from frankly init: set it to your company's name, as customers know it",
    "site_config/site.yaml:5:11: warning: base_url is still an example address (status.example.com): set it to the address "
    "where the site will be published (every feed and social card links there)",
    "site_config/site.yaml:9:8: warning: contact.url is still an example address (www.example.com): set it to where your customers get help",
    "site_config/site.yaml:17:18: warning: components[0].description is still an example address (www.example.com): replace it with your own value",
]


def test_check_names_every_placeholder_left_from_init_and_what_to_edit(new_site: Path):
    result = invoke(new_site, "check")
    assert (result.exit_code, result.stdout) == (0, "OK: 1 entry and 2 components are valid.\n")
    assert [line for line in result.stderr.splitlines() if ": warning: " in line] == PLACEHOLDERS
    assert result.stderr.endswith("6 warnings.\n")
    assert invoke(new_site, "check", "--strict").exit_code == 1


def test_a_site_with_its_own_values_has_no_placeholder_warning(new_site: Path):
    config = new_site / "site_config" / "site.yaml"
    config.write_text(config.read_text().replace("Example Status", "Acme Status").replace("Example Inc.", "Acme")
                      .replace("status.example.com", "status.acme.test").replace("www.example.com", "acme.test"))
    (new_site / "incidents" / "2026-01-15-example-maintenance.yaml").write_text(
        (SCAFFOLD / "incidents" / "2026-01-15-example-maintenance.yaml").read_text().replace("the API", "our API"))
    result = invoke(new_site, "check")
    assert (result.exit_code, [line for line in result.stderr.splitlines() if "warning" in line]) == (0, [])


def test_change_me_in_any_value_is_a_placeholder(new_site: Path):
    config = new_site / "site_config" / "site.yaml"
    config.write_text(config.read_text().replace("name: Website", "name: CHANGE ME"))
    result = invoke(new_site, "check")
    assert "site_config/site.yaml:16:11: warning: components[0].name is still 'CHANGE ME': replace it with your own value" in result.stderr


def test_the_example_entry_is_recognised_by_the_scaffolds_exact_bytes():
    example = SCAFFOLD / "incidents" / f"{placeholders.EXAMPLE_ENTRY}.yaml"
    assert hashlib.sha256(example.read_bytes()).hexdigest() == placeholders.EXAMPLE_ENTRY_SHA256


def test_build_says_which_placeholders_it_published(new_site: Path):
    result = run_frankly(new_site, "build")
    assert result.returncode == 0, result.stderr
    assert "6 placeholder values from frankly init, published as they are:\n" + "\n".join(PLACEHOLDERS) + "\n" in result.stderr


# ---------------------------------------------------------------- how the new site installs Frankly


def test_install_routes_written_by_init(tmp_path: Path):
    url = "git+https://git.acme.test/tools/frankly@0123456789abcdef"
    assert invoke(tmp_path, "init", "--install-from", url, "by-git").exit_code == 0
    assert (tmp_path / "by-git" / "requirements.txt").read_text().splitlines()[-1] == f"frankly @ {url}"
    unpinned = invoke(tmp_path, "init", "--install-from", "git+https://git.acme.test/tools/frankly", "unpinned")
    assert (unpinned.exit_code, unpinned.stderr) == (1, (
        "--install-from git+https://git.acme.test/tools/frankly: pin a commit or tag, e.g. "
        "git+https://git.acme.test/tools/frankly@v0.1.0, so every build of the site uses the same Frankly\n"))
    assert not (tmp_path / "unpinned").exists()
    wrong = invoke(tmp_path, "init", "--install-from", "pypi", "wrong")
    assert wrong.exit_code == 1 and "say index, vendor, a git+https://…@REV URL or the path of a Frankly .whl file" in wrong.stderr
    wheel = tmp_path / "frankly-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK not really a wheel, copied as it is")
    assert invoke(tmp_path, "init", "--install-from", str(wheel), "by-wheel").exit_code == 0
    assert (tmp_path / "by-wheel" / "vendor" / wheel.name).read_bytes() == wheel.read_bytes()
    assert (tmp_path / "by-wheel" / "requirements.txt").read_text().splitlines()[-1] == f"./vendor/{wheel.name}"


@pytest.mark.slow
def test_from_a_checkout_init_vendors_a_wheel_built_from_it(tmp_path: Path):
    """This checkout is an editable install: the default route builds its wheel (PyPI `build`, offline)."""
    result = run_frankly(tmp_path, "init", "acme")
    assert result.returncode == 0, result.stderr
    assert "it installs Frankly from the wheel kept in vendor/ (no package index needs to have Frankly): ./vendor/frankly-0.1.0-py3-none-any.whl" in result.stdout
    import zipfile
    names = zipfile.ZipFile(tmp_path / "acme" / "vendor" / "frankly-0.1.0-py3-none-any.whl").namelist()
    assert "generator/cli/__init__.py" in names and "generator/outputs/templates/incident.md.j2" in names


# ---------------------------------------------------------------- history in CI, this repository as a template


@pytest.fixture
def shallow_clone(new_site: Path, tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(new_site, "init", "-q", "-b", "main")
    git(new_site, "add", "-A")
    git(new_site, "commit", "-q", "-m", "one")
    git(new_site, "commit", "-q", "--allow-empty", "-m", "two")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{new_site}", str(clone)], check=True, capture_output=True)
    return clone


@pytest.mark.parametrize("variable", ["CI", "GITHUB_ACTIONS"])
def test_in_ci_a_shallow_clone_fails_check_and_names_fetch_depth(shallow_clone: Path, monkeypatch, variable: str):
    assert invoke(shallow_clone, "check").exit_code == 0  # on a laptop: a note only
    monkeypatch.setenv(variable, "true")
    result = invoke(shallow_clone, "check")
    assert result.exit_code == 1
    assert result.stderr == (
        "incidents/:1:1: this CI job runs in a shallow git clone, so deleted or renamed incidents cannot be seen and their "
        "broken addresses would pass unnoticed: clone the whole history (GitHub Actions: `with: fetch-depth: 0` on "
        "actions/checkout; other CI: `git fetch --unshallow` before frankly)\n1 problem in 1 file.\n"
    )
    built = run_frankly(shallow_clone, "build")  # the subprocess inherits the test's environment: in CI
    assert built.returncode == 1 and built.stderr.endswith("1 problem in 1 file; nothing was built.\n")
    assert not (shallow_clone / "site").exists()


@pytest.fixture
def demo_clone(tmp_path: Path) -> Path:
    """A clone of this repository's demo, committed: what a company that forks it starts from."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "fork"
    for part in ("incidents", "site_config", "docs"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the demo, as forked")
    return root


@needs_git
def test_init_here_removes_the_demo_and_the_address_check_lets_it_go(demo_clone: Path):
    head = git(demo_clone, "rev-parse", "HEAD").strip()
    before = invoke(demo_clone, "check")
    assert before.exit_code == 0
    result = invoke(demo_clone, "init", "--here")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Removed the demo: 8 files (git keeps them); wrote docs/about.md, "
                                    "site_config/site.yaml, site_config/templates/example-outage.yaml.\n")
    assert sorted(p.name for p in (demo_clone / "incidents").iterdir()) == []
    config = (demo_clone / "site_config" / "site.yaml").read_text()
    assert config.startswith((SCAFFOLD / "site_config" / "site.yaml").read_text())
    assert config.endswith(f"addresses_since: {head}\n")
    assert "Northwind" not in (demo_clone / "docs" / "about.md").read_text()

    checked = invoke(demo_clone, "check")  # the demo's files were never this site's: their deletion breaks nothing
    assert (checked.exit_code, checked.stdout) == (0, "OK: 0 entries and 2 components are valid.\n")
    git(demo_clone, "add", "-A")
    git(demo_clone, "commit", "-q", "-m", "our site")
    assert invoke(demo_clone, "check").exit_code == 0
    built = run_frankly(demo_clone, "build")
    assert built.returncode == 0, built.stderr

    # A file of the new site's own keeps its address for ever.
    assert invoke(demo_clone, "new", "API errors", "-c", "api", "-m", "Errors.", "--now", "2026-12-01T10:00:00Z").exit_code == 0
    git(demo_clone, "add", "-A")
    git(demo_clone, "commit", "-q", "-m", "first entry")
    (demo_clone / "incidents" / "2026-12-01-api-errors.yaml").unlink()
    gone = invoke(demo_clone, "check")
    assert gone.exit_code == 1 and gone.stderr.startswith("incidents/2026-12-01-api-errors.yaml:1:1: this published incident was deleted or renamed")


@needs_git
def test_init_here_refuses_uncommitted_work_and_changes_nothing(demo_clone: Path):
    note = demo_clone / "incidents" / "2026-12-24-draft.yaml"
    note.write_text("title: draft\n")
    before = sorted(p.name for p in (demo_clone / "incidents").iterdir())
    result = invoke(demo_clone, "init", "--here")
    assert (result.exit_code, result.stderr) == (1, "there are uncommitted changes; commit or stash them first, so that git "
                                                    "keeps everything frankly init --here removes (nothing was changed)\n")
    assert sorted(p.name for p in (demo_clone / "incidents").iterdir()) == before


@needs_git
def test_addresses_since_must_name_a_commit_of_the_history(demo_clone: Path):
    config = demo_clone / "site_config" / "site.yaml"
    config.write_text(config.read_text() + "addresses_since: 0123456789abcdef0123456789abcdef01234567\n")
    result = invoke(demo_clone, "check")
    assert (result.exit_code, result.stderr) == (1, (
        "site_config/site.yaml:1:1: addresses_since: 0123456789abcdef0123456789abcdef01234567 is not a commit of this "
        "repository's history (was the history rewritten?); set it to the commit this site started from, or remove it\n"
        "1 problem in 1 file.\n"))


# ---------------------------------------------------------------- doctor and reference


def test_doctor_says_on_one_screen_what_is_off(new_site: Path):
    result = invoke(new_site, "doctor")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ok    Python          {'.'.join(map(str, sys.version_info[:3]))} at ")
    assert lines[1].startswith("ok    Frankly         0.1.0, an editable install of ")
    assert lines[2] == "ok    mkdocs          1.6.1 (Frankly needs ==1.6.1)"
    assert "warn  git             " in result.stdout and "is not a git repository: commit the site to publish it (git init)" in result.stdout
    assert "ok    inputs          1 entry and site.yaml are valid" in lines
    assert ("warn  site.yaml       6 placeholders left from frankly init (first: "
            "incidents/2026-01-15-example-maintenance.yaml:1): frankly check lists them") in lines
    assert lines[-1] == "Everything frankly needs is here. 2 warnings above."


def test_doctor_fails_on_a_shallow_clone_in_ci_and_warns_of_a_taken_port(shallow_clone: Path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)
        try:
            taken.bind(("127.0.0.1", 8000))
            taken.listen()
        except OSError:
            pass  # something else holds 8000 already: the warning is expected either way
        result = invoke(shallow_clone, "doctor")
    assert result.exit_code == 1
    assert any(line.startswith("fail  git             a shallow clone (1 commit): ") and "fetch-depth: 0" in line
               for line in result.stdout.splitlines())
    assert "warn  serve           127.0.0.1:8000 is taken (another frankly serve?): frankly serve -a 127.0.0.1:8001" in result.stdout
    assert result.stderr == "1 problem to fix before frankly can work here.\n"


def test_doctor_outside_a_site_says_where_to_run_it(tmp_path: Path):
    result = invoke(tmp_path, "doctor")
    assert result.exit_code == 1
    assert "fail  inputs          no site.yaml at " in result.stdout


def test_reference_prints_the_format_reference_of_this_version():
    result = invoke(REPO, "reference")
    assert result.exit_code == 0 and result.stdout == (REPO / "FORMAT.md").read_text(encoding="utf-8")
    assert "addresses_since" in result.stdout


# ---------------------------------------------------------------- workflows against GitHub's schema


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=["repository", "scaffold"])
def test_shipped_workflows_are_valid_github_workflows(workflow: Path):
    """check-jsonschema ships SchemaStore's github-workflow schema: validated offline."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True, text=True, timeout=120,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok -- validation done"), result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path):
    broken = tmp_path / "status-site.yml"
    broken.write_text(WORKFLOWS[0].read_text().replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1))
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1 and "runs_on" in result.stdout


def test_the_scaffold_readme_incident_commands_run_as_written(new_site: Path, monkeypatch):
    """The new site's README, "During an incident", followed to the letter (its <slug> is the entry `new` made)."""
    import re
    import shlex

    readme = (new_site / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## During an incident\n\n```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    assert [shlex.split(c)[1] for c in commands] == ["new", "update", "update", "resolve", "apologize", "compensate", "post", "postmortem", "new"]
    slug = None
    for number, command in enumerate(commands):
        monkeypatch.setenv("FRANKLY_NOW", f"2026-03-02T{9 + number:02d}:00:00+00:00")
        args = shlex.split(command.replace("<slug>", slug or "<slug>"))[1:]
        result = invoke(new_site, *args)
        assert result.exit_code == 0, (command, result.stderr)
        if slug is None:
            slug = re.search(r"incidents/([0-9a-z-]+)\.yaml", result.stdout).group(1)
    assert slug == "2026-03-02-sms-delivery-delayed"
    assert "https://status.example.com/incidents/2026-03-02-sms-delivery-delayed/" in invoke(new_site, "post", slug).stdout
    checked = invoke(new_site, "check")
    assert checked.exit_code == 0 and checked.stdout == "OK: 3 entries and 2 components are valid.\n"
