#!/usr/bin/env bash
# The documentation's examples work as written: every module's and the filter's EXAMPLES
# run as a play against the simulator (connection from module_defaults only), every
# EXAMPLES document of the inventory plugin is read as an inventory source (connection from
# VEEAM_EM_* only), and ansible-doc renders every plugin and the role's argument spec.
set -eux
source ../setup_em_simulator/simulator.sh

# The demo estate: backup servers vbr01/vbr02.corp.example, jobs such as "Tier 1 (Gold) DR"; runs
# and tasks of 1 s, so the examples that start a job and wait are short. One CDP policy per
# server ("CDP Policy 1-1"; "CDP Policy 2-1" disabled) and two failover plans per server
# ("vbr01 ready", "vbr01 held back", ...), so the examples of cdp_policy_info,
# failover_plan_info and the filters run on real CDP VMs and plans (--estate-summary lists them).
start_em_simulator EM --seed 2038 --servers 2 --jobs-per-server 2 --vms-per-job 5 --days 7 --job-run-seconds 1 --task-seconds 1 \
    --cdp-policies-per-server 1 --failover-plans-per-server 2
work="$EM_SIMULATOR_DIR/work"
mkdir "$work"
ANSIBLE_INVENTORY_UNPARSED_FAILED=true python run_examples.py "$work"
