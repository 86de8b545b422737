"""`frankly init`, the GitHub Actions workflow and the pre-commit hook definition."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, invoke, run_frankly
from generator.input.yamlsource import read_yaml

WORKFLOWS = [REPO / ".github" / "workflows" / "status-site.yml", REPO / "generator" / "editing" / "new_site" / "dot-github" / "workflows" / "status-site.yml"]
ON_MAIN = "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"  # pushes, schedule, by hand


@pytest.mark.slow
def test_init_creates_a_repository_that_builds(tmp_path: Path):
    target = tmp_path / "acme-status"
    created = run_frankly(tmp_path, "init", "--install-from", "index", "acme-status")
    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("Created a Frankly status site in acme-status/ (10 files); it installs Frankly from the package index: frankly==0.1.0\n")
    assert "Next steps:" in created.stdout and "frankly check && frankly build" in created.stdout
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/status-site.yml", ".gitignore", ".pre-commit-config.yaml", "README.md", "docs/about.md",
        "incidents/2026-01-15-example-maintenance.yaml", "mkdocs.yml", "requirements.txt", "site_config/site.yaml", "site_config/templates/example-outage.yaml",
    ]
    assert (target / "requirements.txt").read_text() == (
        "# The Frankly this status site is built with, from the package index.\n"
        "# Upgrade it on purpose, in a pull request (README.md, \"Upgrading Frankly\").\n"
        "frankly==0.1.0\n"
    )
    mkdocs = read_yaml((target / "mkdocs.yml").read_text())[0]
    assert mkdocs["theme"]["font"] is False and {"frankly": {"site_config": "site_config/site.yaml", "incidents_dir": "incidents"}} in mkdocs["plugins"]
    assert "/site/" in (target / ".gitignore").read_text().splitlines()

    checked = run_frankly(target, "check")
    assert checked.returncode == 0, checked.stderr
    built = run_frankly(target, "build")
    assert built.returncode == 0, built.stderr
    home = BeautifulSoup((target / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.title.get_text().endswith("Example Status")
    example = target / "site" / "incidents" / "2026-01-15-example-maintenance" / "index.html"
    assert "Example maintenance of the API" in BeautifulSoup(example.read_text(encoding="utf-8"), "html.parser").get_text()

    # The new repository is ready for the editing commands.
    started = run_frankly(target, "new", "API errors", "-c", "api", "-m", "Errors.", "--now", "2026-02-01T10:00:00Z")
    assert started.returncode == 0, started.stderr
    assert "https://status.example.com/incidents/2026-02-01-api-errors/" in started.stdout


def test_init_refuses_a_non_empty_folder(tmp_path: Path):
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = invoke(tmp_path, "init", "taken")
    assert result.exit_code == 1
    assert result.stderr == "taken is not empty; frankly init only writes into an empty or new folder, so nothing was written\n"
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_init_into_an_existing_empty_folder(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    result = invoke(tmp_path, "init", "empty")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "empty" / "site_config" / "site.yaml").is_file()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=["repository", "scaffold"])
def test_workflow_checks_and_builds_pull_requests_and_deploys_main(workflow: Path):
    data = read_yaml(workflow.read_text(encoding="utf-8"))[0]  # YAML 1.2: 'on' stays a string
    assert data["on"]["push"] == {"branches": ["main"]} and "pull_request" in data["on"]
    assert data["permissions"] == {"contents": "read"}
    jobs = data["jobs"]
    assert set(jobs) == {"check", "build", "deploy", "notify"}

    def runs(job: str) -> list[str]:
        return [step.get("run", "") for step in jobs[job]["steps"]]

    def uses(job: str) -> list[str]:
        return [step.get("uses", "").split("@")[0] for step in jobs[job]["steps"]]

    for job in ("check", "build"):
        assert "if" not in jobs[job]  # pull requests run check and build
        # A shallow clone hides renamed or deleted incident files from the address check.
        assert jobs[job]["steps"][0]["with"]["fetch-depth"] == 0
        assert uses(job)[:2] == ["actions/checkout", "actions/setup-python"]
        assert any(r.startswith("pip install -r requirements.txt") for r in runs(job))
    assert "frankly check" in runs("check")
    assert jobs["build"]["needs"] == "check"
    # Every build judges open entries at its own moment; the schedule rebuilds while time passes.
    assert 'frankly build --now "$(date -u +%Y-%m-%dT%H:%M:%SZ)"' in runs("build")
    assert data["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"] == {"path": "site/"} and upload["if"] == ON_MAIN

    deploy = jobs["deploy"]
    assert deploy["if"] == ON_MAIN and deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert uses("deploy") == ["actions/deploy-pages"]

    # notify: after the deployment, one at a time, from the branch as it is now (the last run's ledger),
    # its failure shown but never undoing the deployment; the ledger is committed back whatever happened.
    notify = jobs["notify"]
    assert notify["if"] == ON_MAIN and notify["needs"] == "deploy" and notify["continue-on-error"] is True
    assert notify["permissions"] == {"contents": "write"}
    assert notify["concurrency"] == {"group": "frankly-notify", "cancel-in-progress": False}
    assert notify["steps"][0]["with"]["ref"] == "${{ github.ref_name }}"
    assert "frankly notify" in runs("notify")
    commit = notify["steps"][-1]
    assert commit["if"] == "always()" and "git pull --rebase" in commit["run"] and "git push" in commit["run"]
    # the ledger is pushed alone first; the posted_to edits follow in a commit of their own, dropped on a conflict
    script = commit["run"]
    assert script.index("git add site_config/notify-ledger.json\n") < script.index('git commit -m "notify: delivery ledger"') \
        < script.index("git add incidents/\n") < script.index('git commit -m "notify: posted_to addresses"')
    assert script.count("git reset --hard") == 2 and "the next notify run writes" in script


def test_repository_and_scaffold_workflows_differ_only_in_how_frankly_is_installed():
    repository, scaffold = (w.read_text(encoding="utf-8").splitlines() for w in WORKFLOWS)
    differences = [(a, b) for a, b in zip(repository, scaffold) if a != b]
    assert len(repository) == len(scaffold)
    assert {b.strip() for _, b in differences} == {"- name: Install Frankly", "run: pip install -r requirements.txt"}


def test_pre_commit_hook_definition():
    hooks = read_yaml((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    assert len(hooks) == 1
    hook = hooks[0]
    assert {k: hook[k] for k in ("id", "entry", "language", "pass_filenames", "files")} == {
        "id": "frankly-check", "entry": "frankly check", "language": "python", "pass_filenames": False,
        "files": "^(incidents|site_config)/",
    }
