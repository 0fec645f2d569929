# shellcheck shell=bash
# shellcheck disable=SC2154  # work, output and golden_args are runme.sh's, which sources this file
# Sourced by runme.sh after read_only.sh (times_in): CDP VMs and failover plans (issue 27), on
# the simulator's hand-made estate tests/em_simulator/fixtures/cdp_and_plans.json moved to now
# (render_estate.py --shift; its comment says what each VM and plan is):
#   - golden files: the defaults (a CDP VM judged on its policy's RPO, a VM with both kinds of
#     evidence, a ready plan and a plan held back by each kind of VM as groups and
#     veeam_failover_plans), rpo_by_job naming a policy (a CDP VM on the user's RPO), and a
#     Portal User's run (CDP VMs on the user's RPO, no plan groups);
#   - the Portal User is told once that CDP policies and once that failover plans were refused;
#     an administrator is told neither.

CDP_POLICIES_REFUSED="reading CDP policies needs the Portal Administrator role in Enterprise Manager; this account was refused, so CDP VMs are judged on the rpo given (or rpo_by_job), not on their policies' own RPO"
PLANS_REFUSED="reading failover plans needs the VM Restore Operator or Portal Administrator role in Enterprise Manager; this account was refused, so failover plans are not judged"

python render_estate.py --shift "$EM_SIMULATOR_FIXTURES/cdp_and_plans.json" "$work/estate-cdp.json" "$work/now-cdp"
for role in portal-administrator portal-user; do
    start_em_simulator "CDP_${role//-/_}" --fixture "$work/estate-cdp.json" --plain-collection-days 0 \
        --username 'CORP\inv-reader' --password-env VEEAM_EM_PASSWORD --account-role "$role"
done

# --pinned: the plugin judges at the estate's now (its events are seconds off the hour).
for config in cdp_plans cdp_rpo_by_job; do
    VEEAM_EM_URL="$CDP_portal_administrator_URL" VEEAM_EM_CA_PATH="$CDP_portal_administrator_CA" \
        python golden.py "$config" "$work/now-cdp" --pinned "${golden_args[@]}"
done
VEEAM_EM_URL="$CDP_portal_user_URL" VEEAM_EM_CA_PATH="$CDP_portal_user_CA" \
    python golden.py cdp_portal_user "$work/now-cdp" --pinned "${golden_args[@]}"

# What each account is told.
read_as CDP_portal_administrator 'CORP\inv-reader' cdp_plans.veeam_em.yml "$work/cdp-admin.json" --list
[ "$(times_in "$work/cdp-admin.json.err" "not judged")" -eq 0 ] || { cat "$work/cdp-admin.json.err"; exit 1; }
read_as CDP_portal_user 'CORP\inv-reader' cdp_portal_user.veeam_em.yml "$work/cdp-user.json" --list
for warning in "$CDP_POLICIES_REFUSED" "$PLANS_REFUSED"; do
    [ "$(times_in "$work/cdp-user.json.err" "[WARNING]: veeam_em.core.replicas: $warning")" -eq 1 ] \
        || { cat "$work/cdp-user.json.err"; echo "not one warning: $warning" >&2; exit 1; }
done
