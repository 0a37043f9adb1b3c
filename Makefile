# sagemon-tui: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WHEEL_DIR := build/wheel-check

.PHONY: demo test bench install wheel-check tools clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[demo,test]'
	touch $(STAMP)

install: $(STAMP)

# tmux drives the end-to-end tests; install it where the machine lacks it.
tools:
	@command -v tmux >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq tmux >/dev/null; \
	  else echo "tmux is missing: the end-to-end tests will be skipped"; fi; }

demo: $(STAMP)
	$(BIN)/sagemon-tui --demo $(ARGS)

test: $(STAMP) tools
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)
	$(MAKE) --no-print-directory wheel-check

# The non-editable install: build a wheel, install it in a throw-away venv, run it.
wheel-check: $(STAMP)
	rm -rf $(WHEEL_DIR)
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(WHEEL_DIR) .
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/python -m pip install --quiet $(WHEEL_DIR)/*.whl
	cd $(WHEEL_DIR) && venv/bin/sagemon-tui --version
	cd $(WHEEL_DIR) && venv/bin/sagemon-tui --help >/dev/null
	cd $(WHEEL_DIR) && venv/bin/python -c "from tui.theme_files import theme_dir; d = theme_dir(); \
	  assert 'site-packages' in str(d) and any(d.glob('*.tcss')), d; print('themes shipped in wheel:', d)"
	@echo "wheel-check: ok"

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build dist .pytest_cache
