# veeam_em.core: developer and CI commands.  `make test` runs every check;
# `make help` lists the targets.  Needs Python 3.11+, make and git; the first
# run reaches PyPI to build .venv from the pinned tests/requirements-dev.txt.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter the virtual environments are made from (3.11 or newer).
PYTHON ?= python3
# Passed to the simulator: make simulator ARGS="--help"
ARGS ?=

VENV := .venv
REQUIREMENTS := tests/requirements-dev.txt
STAMP := $(VENV)/.requirements-stamp

# Second entry of the test matrix (sanity and units only): make test-core-2.18
VENV_218 := .venv-core-2.18
REQUIREMENTS_218 := tests/requirements-core-2.18.txt
STAMP_218 := $(VENV_218)/.requirements-stamp

CHECKS = $(VENV)/bin/python tools/run_checks.py --label "make $@"

.PHONY: help test sanity units artifact integration lint changelog-lint docs ee bench-slice test-core-2.18 \
	simulator demo venv lock clean soak soak-plugins bench-simulator bench-client \
	bench bench-quick

help:
	@echo "make demo            the main job: inventory graph and compliance role against the embedded simulator"
	@echo "make test            every check below, then sanity and units on ansible-core 2.18 too"
	@echo "make sanity          ansible-test sanity --venv"
	@echo "make units           ansible-test units --local"
	@echo "make artifact        ansible-galaxy collection build, check the tarball, install it, run the demo from it"
	@echo "make integration     ansible-test integration --local, in the copy installed from the tarball"
	@echo "make lint            ansible-lint --offline, production profile"
	@echo "make changelog-lint  antsibull-changelog lint"
	@echo "make docs            antsibull-docs lint-collection-docs, then the docsite with Sphinx -W (.build/docsite)"
	@echo "make ee              ansible-builder introspect on the installed collection, ansible-builder create"
	@echo "make bench-slice     make bench at 10,000 sessions and 0 ms only: request counts exact, a cache hit makes none"
	@echo "make test-core-2.18  sanity and units with ansible-core 2.18 in $(VENV_218)"
	@echo "make simulator ARGS=\"--help\"  run the EM simulator"
	@echo "make soak            the client fault soak: 300 reads under random faults (about 2 minutes)"
	@echo "make soak-plugins    the plugin fault soak: 30 ansible-inventory (cache on) and 30 role runs under random faults (about 7 minutes)"
	@echo "make bench-simulator the simulator's page time and memory with 1,000,000 task sessions"
	@echo "make bench-client    the client reading 100,000 task sessions at 0/20 ms latency, concurrency 1/4"
	@echo "make bench           the collection vs. the naive baseline and the floor: 10k/100k/300k sessions, 0/20 ms (long)"
	@echo "make bench-quick     the same at 10,000 sessions, naive baseline extrapolated from a sample (under 2 minutes)"
	@echo "make venv            only create $(VENV) from $(REQUIREMENTS)"
	@echo "make lock            re-resolve tests/requirements-*.txt from the .in files"
	@echo "make clean           remove virtual environments and build output"

# Both entries of the test matrix run even when the first fails; either failing fails.
test: $(STAMP) $(STAMP_218)
	@$(CHECKS) all; first=$$?; \
	$(VENV_218)/bin/python tools/run_checks.py --label "make test (ansible-core 2.18)" \
		--venv $(VENV_218) --build .build/core-2.18 sanity units; second=$$?; \
	[ $$first -eq 0 ] && [ $$second -eq 0 ] || { echo "make test: FAILED (ansible-core 2.19: exit $$first, 2.18: exit $$second)"; exit 1; }

sanity units artifact integration lint changelog-lint docs ee bench-slice: $(STAMP)
	@$(CHECKS) $@

test-core-2.18: $(STAMP_218)
	@$(VENV_218)/bin/python tools/run_checks.py --label "make $@" \
		--venv $(VENV_218) --build .build/core-2.18 sanity units

simulator: $(STAMP)
	PYTHONPATH=tests $(VENV)/bin/python -m em_simulator $(ARGS)

# Scripts that import the collection as ansible_collections.veeam_em.core find it
# through this symlink (plain Python follows it; only ansible-test refuses links).
COLLECTION_LINK := .build-link/ansible_collections/veeam_em/core
RUN_WITH_COLLECTION = mkdir -p $(dir $(COLLECTION_LINK)) && ln -sfn $(CURDIR) $(COLLECTION_LINK) && \
	PYTHONPATH=$(CURDIR)/.build-link:$(CURDIR)/tests $(VENV)/bin/python

soak: $(STAMP)
	@$(RUN_WITH_COLLECTION) -m ansible_collections.veeam_em.core.tests.soak.client_soak --runs 300

soak-plugins: $(STAMP)
	@$(RUN_WITH_COLLECTION) -m ansible_collections.veeam_em.core.tests.soak.plugin_soak --inventory-runs 30 --role-runs 30

bench-simulator: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/simulator_page.py --sessions 1000000

bench-client: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/client_read.py --sessions 100000

bench: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/run.py --sizes 10000 100000 300000 --latencies 0 20

bench-quick: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/run.py --sizes 10000 --latencies 0 20 --naive-budget 0 --quick

demo: $(STAMP)
	@demo/run.sh $(VENV)

venv: $(STAMP)

# $(call make-venv,DIR,REQUIREMENTS): a fresh venv with exactly the pinned
# packages; recreated (not patched) whenever the requirements file changes.
define make-venv
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "make: Python 3.11 or newer is needed as '$(PYTHON)' (found: $$($(PYTHON) --version 2>&1)); try: make $(MAKECMDGOALS) PYTHON=python3.11" >&2; \
		echo "make: step venv FAILED" >&2; exit 1; }
	@echo "make: creating $(1) from $(2)"
	@start=$$(date +%s); rm -rf $(1) && $(PYTHON) -m venv $(1) \
		&& $(1)/bin/python -m pip install --disable-pip-version-check --progress-bar off -q -r $(2) \
		&& $(1)/bin/python -m pip check \
		&& touch $(1)/.requirements-stamp \
		&& echo "make: created $(1) in $$(( $$(date +%s) - start ))s" \
		|| { echo "make: step venv FAILED (creating $(1) from $(2))" >&2; exit 1; }
endef

$(STAMP): $(REQUIREMENTS)
	$(call make-venv,$(VENV),$(REQUIREMENTS))

$(STAMP_218): $(REQUIREMENTS_218)
	$(call make-venv,$(VENV_218),$(REQUIREMENTS_218))

# $(call lock,IN,TXT): resolve IN in a scratch venv and write every installed
# package with its exact version to TXT.
define lock
	@set -e; scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	$(PYTHON) -m venv "$$scratch"; \
	"$$scratch/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q -r $(1); \
	{ echo "# Complete lock of $(1), written by 'make lock' with Python $$("$$scratch/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')."; \
	  echo "# Do not edit: change $(1) and run 'make lock'."; \
	  "$$scratch/bin/python" -m pip freeze --disable-pip-version-check; } > $(2); \
	echo "make lock: wrote $(2)"
endef

lock:
	$(call lock,tests/requirements-dev.in,$(REQUIREMENTS))
	$(call lock,tests/requirements-core-2.18.in,$(REQUIREMENTS_218))

clean:
	rm -rf $(VENV) $(VENV_218) .build .build-link tests/output .ansible changelogs/.plugin-cache.yaml
