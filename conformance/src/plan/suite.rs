//! The whole plan of a run, made before any request is sent: the subject
//! records setup makes, every check (generated cases included) in report
//! order, and how the records a run leaves are deleted. A pure function of
//! the target's vendor, fixtures and credentials, the selection and the
//! run's nonce.

use super::*;
use erpspec_model::ir::OperationKind;

/// Which checks a run plans.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// Generated cases per endpoint (the proptest layer).
    pub cases: u32,
    /// The seed of the generated cases.
    pub seed: u64,
    /// Seeds whose generated cases failed in earlier runs: planned again.
    pub regression_seeds: Vec<u64>,
    /// Only checks whose id starts with one of these (all when empty).
    pub only: Vec<String>,
}

/// The delete of records of one resource a run created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Teardown {
    pub resource: String,
    /// The delete, its identity members to be set from the record.
    pub step: Step,
    /// (request path, record path) of the values that name the record.
    pub identity: Vec<(Vec<String>, Vec<String>)>,
}

/// Everything a run does, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    /// One create per resource the harness can create, those others refer
    /// to first: each answer's record (and the children its lists made)
    /// is the subject checks name.
    pub setup: Vec<Step>,
    pub checks: Vec<Check>,
    /// A delete per resource that has one, for the cleanup.
    pub cleanup: Vec<Teardown>,
}

/// Plans a run; `nonce` makes its unique values (see [`Uniq`]).
pub fn suite(t: &Target, selection: &Selection, nonce: u64) -> Suite {
    let mut p = Planner::new(t, nonce);
    let setup = p.setup_steps();
    let mut checks = p.checks();
    checks.extend(p.generated_checks(selection.cases, selection.seed, ""));
    // Seeds whose generated cases failed before are run again (kept regressions).
    for &s in selection.regression_seeds.iter().filter(|s| **s != selection.seed) {
        checks.extend(p.generated_checks(selection.cases, s, &format!("@seed{s}")));
    }
    if !selection.only.is_empty() {
        checks.retain(|c| selection.only.iter().any(|prefix| c.id.starts_with(prefix.as_str())));
    }
    let cleanup = p.teardowns();
    let mut suite = Suite { setup, checks, cleanup };
    let steps = suite
        .setup
        .iter_mut()
        .chain(suite.checks.iter_mut().flat_map(|c| c.steps.iter_mut()))
        .chain(suite.cleanup.iter_mut().map(|t| &mut t.step));
    for step in steps {
        p.attach_subject_fills(step);
    }
    suite
}

impl Planner<'_> {
    /// The creates setup sends, in [`Planner::setup_order`].
    fn setup_steps(&mut self) -> Vec<Step> {
        let mut out = Vec::new();
        for ep in self.setup_order() {
            if ep.operation.resource.is_none() {
                continue;
            }
            let built = self.base(ep);
            out.push(self.step(ep, built.body, Presenting::Valid, success()));
        }
        out
    }

    /// The first delete of each resource that has one.
    fn teardowns(&mut self) -> Vec<Teardown> {
        let v = self.v();
        let mut out: Vec<Teardown> = Vec::new();
        for del in v.endpoints.iter().filter(|e| e.operation.kind == OperationKind::Delete) {
            let Some(resource) = del.operation.resource.clone() else { continue };
            if out.iter().any(|t| t.resource == resource) {
                continue;
            }
            let built = self.base(del);
            out.push(Teardown {
                resource,
                step: self.step(del, built.body, Presenting::Valid, success()),
                identity: built.identity,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::BaseUrl;

    fn target(api: &str) -> Target {
        let vendor = crate::load_vendor(api).unwrap();
        Target {
            fixtures: crate::default_fixtures(&vendor),
            credentials: vendor
                .auth
                .credentials
                .iter()
                .map(|c| (c.clone(), "K123456789".to_string()))
                .collect(),
            vendor,
            // Nothing listens there: planning sends no request.
            base: BaseUrl::parse("http://127.0.0.1:9").unwrap(),
            token: Default::default(),
        }
    }

    #[test]
    fn planning_twice_with_the_same_inputs_gives_the_same_suite() {
        let selection = Selection {
            cases: 3,
            seed: 11,
            regression_seeds: vec![5],
            only: Vec::new(),
        };
        for api in erpspec_schemas::load()
            .expect("schemas load")
            .vendors
            .iter()
            .map(|v| v.name.clone())
        {
            let t = target(&api);
            let first = suite(&t, &selection, 42);
            let again = serde_json::to_string(&suite(&t, &selection, 42)).unwrap();
            assert_eq!(serde_json::to_string(&first).unwrap(), again, "{api}");
            assert!(first.checks.iter().any(|c| c.family == Family::Generated), "{api}");
            // Another nonce gives the run other unique values.
            assert_ne!(serde_json::to_string(&suite(&t, &selection, 43)).unwrap(), again, "{api}");
        }
    }

    #[test]
    fn requests_name_the_records_setup_makes_by_reference() {
        for api in ["manex", "rpm"] {
            let s = suite(&target(api), &Selection::default(), 1);
            let subject_fills: Vec<&Fill> = s
                .setup
                .iter()
                .chain(s.checks.iter().flat_map(|c| &c.steps))
                .flat_map(|step| &step.fills)
                .filter(|f| matches!(f.from, Source::Subject { .. }))
                .collect();
            assert!(!subject_fills.is_empty(), "{api}");
            // Every placeholder in a body has its fill, and a step's own
            // fills from earlier steps win over a subject's.
            for step in s.checks.iter().flat_map(|c| &c.steps) {
                let subject_paths: Vec<&[String]> = step
                    .fills
                    .iter()
                    .filter(|f| matches!(f.from, Source::Subject { .. }))
                    .filter_map(Fill::body_path)
                    .collect();
                let step_paths: Vec<&[String]> = step
                    .fills
                    .iter()
                    .filter(|f| matches!(f.from, Source::Step { .. }))
                    .filter_map(Fill::body_path)
                    .collect();
                assert!(subject_paths.iter().all(|p| !step_paths.contains(p)), "{step:?}");
            }
        }
        // The `only` selection plans the same checks, fewer of them.
        let t = target("manex");
        let all = suite(&t, &Selection::default(), 1);
        let only = suite(
            &t,
            &Selection {
                only: vec!["manex.customer-edit.".into()],
                ..Selection::default()
            },
            1,
        );
        assert!(!only.checks.is_empty() && only.checks.len() < all.checks.len());
        let kept: Vec<&Check> = all.checks.iter().filter(|c| c.id.starts_with("manex.customer-edit.")).collect();
        assert_eq!(only.checks.iter().collect::<Vec<_>>(), kept);
    }
}
