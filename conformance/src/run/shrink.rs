//! Shrinking a failing generated check to a minimal request.

use super::{Exchange, Executor, Verdict};
use crate::plan::{Call, Check, with_body_credentials};
use crate::values::remove_path;

/// Leaves out each optional member in turn, keeping every removal after
/// which the check still fails and still breaks exactly what it broke (a
/// removal that breaks another rule, or mends the one broken, would change
/// what the check proves).
pub(super) fn shrink(
    exec: &mut Executor<'_>,
    check: &mut Check,
    verdict: Verdict,
    reason: &mut Option<String>,
    exchanges: &mut Vec<Exchange>,
) {
    let v = &exec.target.vendor;
    let names = v.transport.names;
    let broken = |c: &Check| -> Option<Vec<String>> {
        let Some(Call::Json { endpoint, body, .. }) = c.steps.last().map(|s| &s.call) else {
            return None;
        };
        let ep = v.endpoint(endpoint)?;
        let report = erpspec_model::validate::validate_request(v, ep, &with_body_credentials(v, body));
        Some(report.violations.into_iter().map(|x| format!("{}{}", x.rule, x.path)).collect())
    };
    let before = broken(check);
    for path in std::mem::take(&mut check.removable) {
        let mut smaller = check.clone();
        if let Some(Call::Json { body, .. }) = smaller.steps.last_mut().map(|s| &mut s.call) {
            remove_path(body, &path, names);
        }
        if broken(&smaller) != before {
            check.removable.push(path);
            continue;
        }
        let ran = exec.run_check(&smaller);
        if ran.verdict == verdict {
            *check = smaller;
            *reason = ran.reason;
            *exchanges = ran.exchanges;
        } else {
            check.removable.push(path);
        }
    }
    check.what = format!("{} (shrunk to a minimal request)", check.what);
}
