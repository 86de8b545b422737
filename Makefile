# The only entry points a fresh machine needs: Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp

.PHONY: build test golden catalogs serve check bench browser clean fuzz dist

# Re-install only when the pins or the package metadata change. `make build` needs
# only what Frankly runs with; `make test` adds the test tools.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(TEST_STAMP): requirements-test.txt $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $(TEST_STAMP)

# axe-core (npm) for the accessibility tests in tests/test_browser_pages.py.
AXE := .cache/axe/node_modules/axe-core/axe.min.js

# Debian's Chromium and chromedriver for tests/test_browser.py (never a browser
# download), and axe-core from npm. Installed when missing and we are root, as on CI; otherwise the
# browser tests are skipped and say so.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium and chromium-driver for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	else echo "chromium/chromedriver missing and not root: the browser tests will be skipped"; fi
	@if [ -f $(AXE) ]; then :; \
	elif command -v npm >/dev/null; then \
	  echo "Installing axe-core from npm into .cache/axe for the accessibility tests"; \
	  mkdir -p .cache/axe && npm install --prefix .cache/axe --no-audit --no-fund --silent axe-core@4 >/dev/null \
	    || echo "npm could not install axe-core: the accessibility tests will be skipped"; \
	else echo "npm missing: the accessibility tests (axe-core) will be skipped"; fi

build: $(STAMP)
	$(BIN)/frankly build

# Two workers (pytest-xdist), a whole test file to each at a time (--dist loadfile): a
# file's module fixtures are built once, its tests keep their order, and the slow
# installs of tests/test_package.py overlap the builds of the other files. The slowest
# files go first (tests/conftest.py SLOWEST_FIRST), not xdist's largest-count-first. A single
# file runs as before: `.venv/bin/python -m pytest tests/test_site.py`. JOBS=1 runs serially.
JOBS ?= 2
test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest $(if $(filter-out 1,$(JOBS)),-n $(JOBS) --dist loadfile --no-loadscope-reorder)

# Rewrite the golden files after an intended output change; review them with `git diff tests/golden`.
golden: $(TEST_STAMP)
	FRANKLY_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py tests/test_editions.py -k "golden"
	$(BIN)/python -m generator.input.formatdoc generator/input/FORMAT.md
	$(BIN)/python -m generator.outputs.api_shapes docs/api.md
	$(BIN)/python -m generator.outputs.catalogs

# The interface catalogs brought up to the sources: generator/outputs/locales/frankly.pot and each
# <lang>/LC_MESSAGES/frankly.po (new msgids untranslated, gone ones dropped); translate, then `make test`.
catalogs: $(STAMP)
	$(BIN)/python -m generator.outputs.catalogs

# The property-based tests of tests/test_fuzz.py for much longer than `make test` runs them.
fuzz: $(TEST_STAMP)
	FRANKLY_HYPOTHESIS=fuzz $(BIN)/python -m pytest tests/test_fuzz.py

# Time and memory of synthetic sites (100 to 10,000 incidents); SIZES=100,1000 for a quick run.
SIZES ?= 100,1000,3000,10000
bench: $(STAMP)
	$(BIN)/python -m generator.bench --sizes $(SIZES)

# The wheel and sdist of Frankly itself, checked as PyPI would (twine check).
dist: $(TEST_STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

serve: $(STAMP)
	$(BIN)/frankly serve

check: $(STAMP)
	$(BIN)/frankly check

clean:
	rm -rf $(VENV) site .site-build-* build dist
