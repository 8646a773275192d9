//! Every deterministic case of every rule of every endpoint, placed into the
//! harness's base request: the generated validators and the IR validator
//! agree on the whole report, and find the rule broken exactly when the case
//! says it does not hold (at the limit passes, one step past fails).

use conformance::plan::Planner;
use conformance::target::Target;
use conformance::transport::BaseUrl;
use conformance::values::{pointer_segments, set_path};

#[test]
fn every_case_of_every_rule_through_both_validators() {
    let mut cases = 0;
    for vendor in erpspec_schemas::load().expect("schemas load").vendors {
        let t = Target {
            fixtures: conformance::default_fixtures(&vendor),
            vendor: vendor.clone(),
            base: BaseUrl::parse("http://127.0.0.1:1").unwrap(),
            credentials: Default::default(),
            token: Default::default(),
        };
        let mut planner = Planner::new(&t, 1);
        for ep in &vendor.endpoints {
            for (path, rule) in ep.all_rules() {
                for case in rule.kind.cases() {
                    let mut body = planner.base(ep).body;
                    set_path(&mut body, &pointer_segments(&path), case.value.clone(), vendor.transport.names);
                    let generated = erpspec_generated::validate_wire(&vendor.name, &ep.id, &body).expect("generated");
                    let ir = erpspec_model::validate::validate_request(&vendor, ep, &body);
                    assert_eq!(generated, ir, "{} {}: the validators disagree on {body}", rule.id, case.id);
                    let broken = ir.violations.iter().any(|v| v.rule == rule.id);
                    assert_eq!(broken, !case.holds, "{} {} ({}): {:?}", rule.id, case.id, case.value, ir.violations);
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 100, "{cases} cases");
}
