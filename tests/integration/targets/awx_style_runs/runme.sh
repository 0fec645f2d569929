#!/usr/bin/env bash
# The collection run the way AWX / Automation Platform runs it, through ansible-runner in
# a fresh private data directory with the credentials only in the job's environment: the
# inventory source as `ansible-inventory -i <source> --list --export`, and the compliance
# role as a playbook job. Neither the password nor a session token may be left in the
# private data directory.
set -eux
source ../setup_em_simulator/simulator.sh

start_em_simulator EM --seed 2038 --servers 2 --jobs-per-server 2 --vms-per-job 5 --days 7
python awx_runs.py "$EM_URL" "$EM_CA" "$EM_CONTROL" "$EM_SIMULATOR_DIR/private_data_dir"
