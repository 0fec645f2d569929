# veeam_em.core: developer and CI commands.  `make test` runs every check;
# `make help` lists the targets.  Needs make, git and the Pythons of the test
# matrix (3.13 and 3.11 for make test; tools/find_python.sh finds them); the first
# run reaches PyPI to build the virtual environments from the pinned tests/requirements-*.txt.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Passed to the simulator: make simulator ARGS="--help"
ARGS ?=

# The test matrix: every ansible-core line the collection supports, each with a
# controller Python it supports.  The newest line (2.21) lives in .venv with every
# tool; the others in .venv-core-<line> with what sanity, units and integration need.
# tools/find_python.sh finds each interpreter (PYTHON_3_13=/path/python3.13 overrides);
# .venv takes 3.13, or 3.12 where 3.13 is missing (ansible-core 2.21 needs 3.12+).
MAIN_LINE := 2.21
MAIN_PYTHON := 3.13 3.12
MATRIX_LINES := 2.16 2.17 2.18 2.19 2.20
PYTHON_FOR_2.16 := 3.11
PYTHON_FOR_2.17 := 3.12
PYTHON_FOR_2.18 := 3.11
PYTHON_FOR_2.19 := 3.12
PYTHON_FOR_2.20 := 3.12
# The oldest line runs more than sanity and units in make test: integration and the
# demo from the built artifact, because Automation Platform 2.5 still ships it.
OLDEST_STEPS := sanity units artifact integration
# make test's oldest line: integration without the targets that exercise only the client and the
# simulator, and without the role's 500-VM and browser checks (tools/run_checks.py integration-slice),
# so make test stays within 30 minutes on two cores; make test-matrix runs them all there.
OLDEST_SLICE_STEPS := sanity units artifact integration-slice

VENV := .venv
REQUIREMENTS := tests/requirements-dev.txt
STAMP := $(VENV)/.requirements-stamp
# make demo needs only the collection's runtime, so its environment holds nothing else.
DEMO_VENV := .venv-demo
DEMO_REQUIREMENTS := tests/requirements-demo.txt
DEMO_STAMP := $(DEMO_VENV)/.requirements-stamp
LINE_STAMP = .venv-core-$(1)/.requirements-stamp

CHECKS = $(VENV)/bin/python tools/run_checks.py --label "make $@"
MATRIX = $(VENV)/bin/python tools/run_matrix.py --main-line $(MAIN_LINE)
# Entries of make test and make test-matrix run two at a time on two cores.
JOBS ?= 2

.PHONY: help test test-matrix sanity units artifact integration lint changelog-lint docs ee bench-slice \
	$(addprefix test-core-,$(MATRIX_LINES)) simulator demo venv venvs lock clean soak soak-plugins \
	bench-simulator bench-client bench bench-quick bench-events

help:
	@echo "make demo            the main job: inventory graph and compliance role against the embedded simulator;"
	@echo "                     reports and each step's whole output in tests/output/demo"
	@echo "make test            every check below on ansible-core $(MAIN_LINE), and sanity, units, the artifact"
	@echo "                     (demo) and an integration slice on ansible-core 2.16; a table of line x step at the end"
	@echo "make test-matrix     sanity and units on every line ($(MATRIX_LINES) $(MAIN_LINE)), integration whole"
	@echo "                     and the demo on 2.16 and $(MAIN_LINE)"
	@echo "make sanity          ansible-test sanity --venv (ansible-core $(MAIN_LINE))"
	@echo "make units           ansible-test units --local"
	@echo "make artifact        ansible-galaxy collection build, check the tarball, install it, run the demo from it"
	@echo "make integration     ansible-test integration --local, in the copy installed from the tarball"
	@echo "make lint            ansible-lint --offline, production profile"
	@echo "make changelog-lint  antsibull-changelog lint"
	@echo "make docs            antsibull-docs lint-collection-docs, then the docsite with Sphinx -W (.build/docsite)"
	@echo "make ee              ansible-builder introspect on the installed collection, ansible-builder create"
	@echo "make bench-slice     make bench at 10,000 sessions and 0 ms only: request counts exact, a cache hit makes none"
	@echo "make test-core-X.Y   sanity and units with ansible-core X.Y in .venv-core-X.Y (X.Y: $(MATRIX_LINES))"
	@echo "make simulator ARGS=\"--help\"  run the EM simulator (in .venv-demo, as demo/simulator.sh does anywhere)"
	@echo "make soak            the client fault soak: 300 reads under random faults (about 2 minutes)"
	@echo "make soak-plugins    the plugin fault soak: 30 ansible-inventory (cache on) and 30 role runs under random faults (about 7 minutes)"
	@echo "make bench-simulator the simulator's page time and memory with 1,000,000 task sessions"
	@echo "make bench-events    requests per poll of the replica_task_sessions event source over 10,000 task sessions"
	@echo "make bench-client    the client reading 100,000 task sessions at 0/20 ms latency, concurrency 1/4"
	@echo "make bench           the collection vs. the naive baseline, the floor and Ansible's floor: 10k/100k/300k sessions, 0/20 ms, and the three-EM row (long)"
	@echo "make bench-quick     the same at 10,000 sessions, naive baseline extrapolated from a sample (under 2 minutes)"
	@echo "make venv            only create $(VENV) from $(REQUIREMENTS); make venvs: every matrix environment"
	@echo "make lock            re-resolve tests/requirements-*.txt from the .in files, each with its Python"
	@echo "make clean           remove virtual environments and build output"

# Every entry runs even when another fails; any failing fails make test.
# The main line's checks that need no artifact (lint, changelog, docs, the benchmark slice) are a
# part of their own, which runs once an entry ends: the two long entries, each of which ends with
# integration, then share the two cores from the start.
MAIN_CHECKS := lint changelog-lint docs bench-slice
test: $(STAMP) $(call LINE_STAMP,2.16)
	@$(MATRIX) --label "make test" --jobs $(JOBS) --entry "$(MAIN_LINE):sanity units artifact integration ee" \
		--entry "2.16:$(OLDEST_SLICE_STEPS)" --entry "$(MAIN_LINE)/checks:$(MAIN_CHECKS)"

test-matrix: $(STAMP) $(foreach line,$(MATRIX_LINES),$(call LINE_STAMP,$(line)))
	@$(MATRIX) --label "make test-matrix" --jobs $(JOBS) \
		--entry "$(MAIN_LINE):sanity units artifact integration" --entry "2.16:$(OLDEST_STEPS)" \
		$(foreach line,$(filter-out 2.16,$(MATRIX_LINES)),--entry "$(line):sanity units")

sanity units artifact integration lint changelog-lint docs ee bench-slice: $(STAMP)
	@$(CHECKS) $@

# A static pattern rule: make skips implicit rules for .PHONY targets.
$(addprefix test-core-,$(MATRIX_LINES)): test-core-%: .venv-core-%/.requirements-stamp
	@.venv-core-$*/bin/python tools/run_checks.py --label "make $@" \
		--venv .venv-core-$* --build .build/core-$* sanity units

# The simulator needs only cryptography, which the demo's light environment holds already.
simulator: $(DEMO_STAMP)
	@VEEAM_EM_SIMULATOR_PYTHON=$(DEMO_VENV)/bin/python demo/simulator.sh $(ARGS)

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

bench-events: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/event_source_polls.py --sessions 10000

bench-client: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/client_read.py --sessions 100000

bench: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/run.py --sizes 10000 100000 300000 --latencies 0 20 --three-ems 35000

bench-quick: $(STAMP)
	@$(RUN_WITH_COLLECTION) benchmarks/run.py --sizes 10000 --latencies 0 20 --naive-budget 0 --quick

demo: $(DEMO_STAMP)
	@demo/run.sh --output-dir tests/output/demo $(DEMO_VENV)

venv: $(STAMP)

venvs: $(STAMP) $(foreach line,$(MATRIX_LINES),$(call LINE_STAMP,$(line)))

# $(call make-venv,DIR,REQUIREMENTS,PYTHON X.Y,PURPOSE[,PIP OUTPUT]): a fresh venv with
# exactly the pinned packages; recreated (not patched) whenever the requirements file
# changes.  PIP OUTPUT defaults to -q (make demo keeps it: pip's progress would fill screens).
define make-venv
	@python="$$(tools/find_python.sh "$(3)" "$(4) ($(1))")" || { echo "make: step venv FAILED" >&2; exit 1; }; \
	echo "make: creating $(1) from $(2) with $$python"; \
	start=$$(date +%s); rm -rf $(1) && "$$python" -m venv $(1) \
		&& $(1)/bin/python -m pip install --disable-pip-version-check --progress-bar off $(or $(5),-q) -r $(2) \
		&& $(1)/bin/python -m pip check \
		&& touch $(1)/.requirements-stamp \
		&& echo "make: created $(1) in $$(( $$(date +%s) - start ))s" \
		|| { echo "make: step venv FAILED (creating $(1) from $(2))" >&2; exit 1; }
endef

$(STAMP): $(REQUIREMENTS)
	$(call make-venv,$(VENV),$(REQUIREMENTS),$(MAIN_PYTHON),ansible-core $(MAIN_LINE))

$(DEMO_STAMP): $(DEMO_REQUIREMENTS)
	$(call make-venv,$(DEMO_VENV),$(DEMO_REQUIREMENTS),$(MAIN_PYTHON),the demo)

.venv-core-%/.requirements-stamp: tests/requirements-core-%.txt
	$(call make-venv,.venv-core-$*,$<,$(PYTHON_FOR_$*),ansible-core $*)

# $(call lock,IN,TXT,PYTHON X.Y): resolve IN in a scratch venv made with that Python
# and write every installed package with its exact version to TXT.
define lock
	@set -e; python="$$(tools/find_python.sh "$(3)" "make lock ($(2))")"; scratch=$$(mktemp -d); \
	trap 'rm -rf "$$scratch"' EXIT; \
	"$$python" -m venv "$$scratch"; \
	"$$scratch/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q -r $(1); \
	{ echo "# Complete lock of $(1), written by 'make lock' with Python $$("$$scratch/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')."; \
	  echo "# Do not edit: change $(1) and run 'make lock'."; \
	  "$$scratch/bin/python" -m pip freeze --disable-pip-version-check; } > $(2); \
	echo "make lock: wrote $(2)"

endef

lock:
	$(call lock,tests/requirements-dev.in,$(REQUIREMENTS),$(MAIN_PYTHON))
	$(call lock,tests/requirements-demo.in,$(DEMO_REQUIREMENTS),$(MAIN_PYTHON))
	$(foreach line,$(MATRIX_LINES),$(call lock,tests/requirements-core-$(line).in,tests/requirements-core-$(line).txt,$(PYTHON_FOR_$(line))))

clean:
	rm -rf $(VENV) $(DEMO_VENV) .venv-core-* .build .build-link tests/output .ansible changelogs/.plugin-cache.yaml
