# sagemon-tui: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WHEEL_DIR := build/wheel-check

.PHONY: demo test test-anytime bench soak screenshots install wheel-check tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[demo,serve,test]'
	$(BIN)/python -m compileall -q tui
	touch $(STAMP)

install: $(STAMP)

# tmux drives the end-to-end tests, and headless chromium the browser one (sagemon-tui serve);
# install them where the machine lacks them (chromium: about a minute and ~400 MB, once).
tools:
	@command -v tmux >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tmux >/dev/null; \
	  else echo "tmux is missing: the end-to-end tests will be skipped"; fi; }
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: the browser end-to-end test will be skipped"; fi; }

demo: $(STAMP)
	@$(BIN)/python -m compileall -q tui
	$(BIN)/sagemon-tui --demo $(ARGS)

test: $(STAMP) tools
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(MAKE) --no-print-directory wheel-check

# The whole suite again under moved wall clocks (every Python process of the run, the app in
# tmux included): another day and hour ahead, months back, and a start just before midnight
# UTC so the run crosses the date line. tests/clock/sitecustomize.py moves the clock.
ANYTIME_CLOCKS ?= +41d7h13m -173d3h midnight-100s
test-anytime: $(STAMP) tools
	@for clock in $(ANYTIME_CLOCKS); do \
	  SAGEMON_TEST_CLOCK=$$clock PYTHONPATH=$(CURDIR)/tests/clock $(BIN)/python -c "import datetime; \
	    print('== make test-anytime: SAGEMON_TEST_CLOCK=$$clock, the suite starts at', \
	    datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S UTC'))" || exit 1; \
	  SAGEMON_TEST_CLOCK=$$clock PYTHONPATH=$(CURDIR)/tests/clock \
	    $(BIN)/python -m pytest -q -p no:time_machine $(PYTEST_ARGS) || exit 1; \
	done

# The non-editable install: build a wheel, install it in a throw-away venv, run it.
wheel-check: $(STAMP)
	rm -rf $(WHEEL_DIR)
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(WHEEL_DIR) .
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/python -m pip install --quiet $(WHEEL_DIR)/*.whl
	cd $(WHEEL_DIR) && venv/bin/sagemon-tui --version
	cd $(WHEEL_DIR) && venv/bin/sagemon-tui --help >/dev/null
	cd $(WHEEL_DIR) && venv/bin/python -c "from tui.theme_files import theme_dir; d = theme_dir(); \
	  assert 'site-packages' in str(d) and any(d.glob('*.tcss')), d; \
	  names = {p.stem for p in d.glob('*.json')}; \
	  assert {'sagemon', 'sagemon-high-contrast', 'sagemon-ansi'} <= names, names; print('themes shipped in wheel:', d)"
	@echo "wheel-check: ok"

# The benchmark of issue 13: seeds a reference fleet on the embedded moto server, prints one table,
# writes bench/results.json (about 7-9 minutes on 2 cores; BENCH_QUICK=1 for a faster, noisier pass).
# Bytecode is compiled first, as pip does for an installed package: a start-up measured with
# PYTHONDONTWRITEBYTECODE set and no .pyc would time the compiler, not the app.
bench: $(STAMP)
	$(BIN)/python -m compileall -q tui
	$(BIN)/python -m bench $(BENCH_ARGS)

# The soak: the demo's day compressed into SOAK_MINUTES real minutes, read through a fault proxy
# that injects faults at random (tests/refresh/test_soak.py; `make test` skips it).
SOAK_MINUTES ?= 4
soak: $(STAMP)
	SAGEMON_SOAK=1 SOAK_MINUTES=$(SOAK_MINUTES) $(BIN)/python -m pytest -q -s tests/refresh/test_soak.py $(PYTEST_ARGS)

# The README's screenshots, made by the app itself on the demo (Pilot, headless, 120x36):
# docs/screenshots/*.svg, about 30 s.
screenshots: $(STAMP)
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
