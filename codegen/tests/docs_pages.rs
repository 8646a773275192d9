//! The documentation pages (`cargo xtask docs`, also written by `cargo xtask
//! codegen`): every Markdown page is an insta snapshot, so a change in what a
//! page says is reviewed as a diff; and the pages say what the vendors' own
//! pages lack.

use std::collections::BTreeMap;

fn pages() -> BTreeMap<String, String> {
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    erpspec_codegen::emit::docs::files(&api)
        .expect("the pages render")
        .into_iter()
        .collect()
}

#[test]
fn every_markdown_page_is_snapshotted() {
    let pages = pages();
    let mut n = 0;
    for (path, text) in pages.iter().filter(|(p, _)| p.ends_with(".md")) {
        let name = path
            .trim_start_matches("generated/docs/")
            .trim_end_matches(".md")
            .replace('/', "__");
        insta::assert_snapshot!(name, text);
        n += 1;
    }
    // An index, one page per vendor and one per endpoint.
    let api = erpspec_schema::load_workspace().unwrap_or_else(|d| panic!("{}", d.items[0]));
    let endpoints: usize = api.vendors.iter().map(|v| v.endpoints.len()).sum();
    assert_eq!(n, 1 + api.vendors.len() + endpoints);
}

#[test]
fn a_page_marks_contested_rules_contradictions_and_examples_that_break_rules() {
    let pages = pages();
    let edit = &pages["generated/docs/manex/customer-edit.md"];
    for section in [
        "## Required fields",
        "## Example request",
        "## Full request",
        "## Success response",
        "## Failure responses",
        "## Rules",
        "## Contradictions",
        "## Examples",
        "## Sources",
    ] {
        assert!(edit.contains(section), "missing {section}");
    }
    assert!(edit.contains("| `manex.customer-edit.Status.enum` | `/Status` | contested |"));
    assert!(edit.contains("Breaks `manex.customer-edit.Acct_date.format`."));
    assert!(edit.contains("`success`. Recognised as documented."));
    assert!(edit.contains("Edit's Status accepts both documented spellings."));
    assert!(edit.contains("| `invalid-api-key` | not documented | exactly \"Invalid API Key.\" |"));
    // The HTML page says the same.
    let html = &pages["generated/site/manex/customer-edit.html"];
    assert!(html.contains("<span class=\"strength\">contested</span>"));
    assert!(html.contains("Breaks manex.customer-edit.Acct_date.format."));
    assert!(html.contains("href=\"#source-kb-customer-edit\""));
    assert!(html.contains("id=\"source-kb-customer-edit\""));
}
