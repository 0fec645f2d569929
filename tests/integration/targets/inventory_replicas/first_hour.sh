# shellcheck shell=bash
# shellcheck disable=SC2154  # work and output are runme.sh's, which sources this file
# Sourced by runme.sh, against EST: the mistakes of a first hour with the inventory, each
# with the exact message the user meets.
#   - a misspelt option fails the source, naming the file and the closest option,
#   - so do a misspelt keyed_groups key (ansible-core would ignore it) and a bare rpo: 24,
#     before anything is read: exit code 1 with inventory_unparsed_failed,
#   - a file that names the plugin but not with its suffix is explained at -v,
#   - exact names EM does not know warn, naming what it knows (one EM, and two: a name is
#     unknown only if neither knows it),
#   - a wrong password: with ANSIBLE_INVENTORY_UNPARSED_FAILED=true ansible-inventory and
#     ansible-playbook exit non-zero with the plugin's message; without it they only warn
#     and go on with no hosts (what the README and the guides say).

one_line() { tr -s '\n ' ' ' < "$1"; }
expect_in() {  # expect_in FILE TEXT: the output holds TEXT, whitespace aside: 2.16 wraps its
    # warnings at 80 columns, between words, after hyphens and inside long paths.
    tr -d ' \n' < "$1" | grep -q -F -e "$(printf '%s' "$2" | tr -d ' \n')" || { cat "$1"; echo "missing: $2" >&2; return 1; }
}

# A misspelt option.
printf 'plugin: veeam_em.core.replicas\ncreated_afer: 1d\n' > "$work/typo.veeam_em.yml"
if ansible-inventory -i "$work/typo.veeam_em.yml" --list > "$output" 2>&1; then
    echo "a misspelt option was accepted" >&2; cat "$output"; exit 1
fi
expect_in "$output" "veeam_em.core.replicas: unknown option created_afer in $work/typo.veeam_em.yml; did you mean created_after?"

fails_with() {  # fails_with CODE FILE: ansible-inventory --list of FILE exits with CODE, its output in $output
    local code=0
    ansible-inventory -i "$2" --list > "$output" 2>&1 || code=$?
    [ "$code" -eq "$1" ] || { cat "$output"; echo "$2: exit code $code, not $1" >&2; return 1; }
}
# A misspelt key in a keyed_groups entry, and a bare number for a duration: refused before EM is read.
printf 'plugin: veeam_em.core.replicas\nkeyed_groups:\n  - key: veeam_status\n  - key: veeam_job_name\n    prefx: job\n' \
    > "$work/keyed.veeam_em.yml"
printf 'plugin: veeam_em.core.replicas\nrpo: 24\n' > "$work/bare_rpo.veeam_em.yml"
stats reset
fails_with 1 "$work/keyed.veeam_em.yml"
expect_in "$output" "veeam_em.core.replicas: keyed_groups[1] (key: veeam_job_name) has no option prefx; did you mean prefix?"
fails_with 1 "$work/bare_rpo.veeam_em.yml"
expect_in "$output" "veeam_em.core.replicas: rpo must be a duration with its unit, not the bare number 24: write 24h, 30m or 7d (a number and s, m, h, d or w)"
[ "$(stats count)" -eq 0 ] || { echo "a refused configuration still read EM" >&2; exit 1; }

# A file named like any YAML file: ansible-core says it could not be verified; -v says why.
cp defaults.veeam_em.yml "$work/replicas.yml"
ansible-inventory -i "$work/replicas.yml" --list -v > "$output" 2>&1 || true
expect_in "$output" "veeam_em.core.replicas: $work/replicas.yml names this plugin but is not read by it: the file name must end in veeam_em.yml or veeam_em.yaml (for example replicas.veeam_em.yml)"

# Exact names EM does not know: a typo, the wrong case, a VM and a job; the known name is silent.
cat > "$work/names.veeam_em.yml" <<'YAML'
plugin: veeam_em.core.replicas
backup_server_names: [vbr99.corp.example, VBR01.corp.example, vbr02.corp.example]
vm_names: [nosuchvm]
job_names: [No Such Job]
YAML
ansible-inventory -i "$work/names.veeam_em.yml" --list > /dev/null 2> "$output"
expect_in "$output" "[WARNING]: veeam_em.core.replicas: backup_server_names: Enterprise Manager knows no backup server named 'vbr99.corp.example', so nothing matches it; the backup servers it knows, closest first: vbr01.corp.example, vbr02.corp.example, vbr-old.corp.example"
expect_in "$output" "backup_server_names: Enterprise Manager knows no backup server named 'VBR01.corp.example', so nothing matches it; 'vbr01.corp.example' differs only in case, and Enterprise Manager's names are case-sensitive: write it as 'vbr01.corp.example'"
expect_in "$output" "vm_names: 'nosuchvm' matched no VM in the task sessions, restore points or replication jobs Enterprise Manager returned since 7d; names are exact and case-sensitive"
expect_in "$output" "job_names: 'No Such Job' matched no job in the task sessions, restore points or replication jobs Enterprise Manager returned since 7d; names are exact and case-sensitive"
[ "$(one_line "$output" | grep -o "knows no backup server named" | wc -l)" -eq 2 ] || { cat "$output"; exit 1; }

# Two EMs: EST (vbr01, vbr02, vbr-old) and GEN (vbr01 to vbr03). Only the name neither knows warns.
start_em_simulator GEN --seed 5 --servers 3 --jobs-per-server 1 --vms-per-job 2 --days 2 \
    --username 'CORP\inv-reader' --password-env VEEAM_EM_PASSWORD
cat > "$work/two.veeam_em.yml" <<'YAML'
plugin: veeam_em.core.replicas
backup_server_names: [vbr03.corp.example, vbr-old.corp.example, vbr98.corp.example]
enterprise_managers:
  - name: est
    url: "{{ lookup('ansible.builtin.env', 'EST_URL') }}"
    ca_path: "{{ lookup('ansible.builtin.env', 'EST_CA') }}"
  - name: gen
    url: "{{ lookup('ansible.builtin.env', 'GEN_URL') }}"
    ca_path: "{{ lookup('ansible.builtin.env', 'GEN_CA') }}"
YAML
(unset VEEAM_EM_URL VEEAM_EM_CA_PATH; ansible-inventory -i "$work/two.veeam_em.yml" --list > /dev/null 2> "$output")
expect_in "$output" "backup_server_names: Enterprise Manager knows no backup server named 'vbr98.corp.example', so nothing matches it; the backup servers it knows, closest first: vbr01.corp.example, vbr02.corp.example, vbr03.corp.example, vbr-old.corp.example"
[ "$(one_line "$output" | grep -o "knows no backup server named" | wc -l)" -eq 1 ] || { cat "$output"; exit 1; }

# A wrong password. With inventory_unparsed_failed (runme.sh sets it) both commands fail.
printf -- '- hosts: veeam_replicated_vms\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n' > "$work/vms.yml"
if run_with_password WRONG_PASSWORD ansible-playbook -i defaults.veeam_em.yml "$work/vms.yml" > "$output" 2>&1; then
    echo "a refused logon let the playbook run" >&2; cat "$output"; exit 1
fi
expect_in "$output" "veeam_em.core.replicas: authentication failed for user CORP\\inv-reader"
# Without it, ansible-core only warns: exit 0, the plugin's message as a warning, no hosts.
export ANSIBLE_INVENTORY_UNPARSED_FAILED=false
run_with_password WRONG_PASSWORD ansible-inventory -i defaults.veeam_em.yml --list > "$output" 2>&1
expect_in "$output" "veeam_em.core.replicas: authentication failed for user CORP\\inv-reader"
expect_in "$output" "[WARNING]"
# ansible-test sets ANSIBLE_HOST_PATTERN_MISMATCH=error; ansible-core's default is warning.
ANSIBLE_HOST_PATTERN_MISMATCH=warning \
    run_with_password WRONG_PASSWORD ansible-playbook -i defaults.veeam_em.yml "$work/vms.yml" > "$output" 2>&1
expect_in "$output" "veeam_em.core.replicas: authentication failed for user CORP\\inv-reader"
expect_in "$output" "no hosts matched"
no_secrets_in "$output"
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true
# Beside a static hosts file (-i a directory) the source that fails is not "every source":
# unparsed_is_failed lets the run go on; any_unparsed_is_failed fails it. (The file is named
# "hosts": ansible-core 2.16 skips *.ini files in an inventory directory.)
mkdir "$work/sources"
cp defaults.veeam_em.yml "$work/sources/"
printf 'static-host ansible_connection=local\n' > "$work/sources/hosts"
export ANSIBLE_INVENTORY_ENABLED=auto,ini
run_with_password WRONG_PASSWORD ansible-inventory -i "$work/sources" --list > "$output" 2>&1
expect_in "$output" "static-host"
expect_in "$output" "veeam_em.core.replicas: authentication failed for user CORP\\inv-reader"
if ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true run_with_password WRONG_PASSWORD \
        ansible-inventory -i "$work/sources" --list > "$output" 2>&1; then
    echo "any_unparsed_is_failed let a failing source pass" >&2; cat "$output"; exit 1
fi
expect_in "$output" "veeam_em.core.replicas: authentication failed for user CORP\\inv-reader"
export ANSIBLE_INVENTORY_ENABLED=auto
