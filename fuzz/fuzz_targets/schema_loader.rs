//! The schema loader and checker on hostile YAML: one file of a real vendor
//! tree (chosen by the first byte) replaced by the input. Never a panic;
//! every refusal is a diagnostic.
#![no_main]
use erpspec_schema::{SchemaTree, load::VendorFiles};
use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The real tree, and each vendor's `api.yaml` parsed once: an endpoint
/// file is checked in its dialect without parsing the dialect again.
struct Real {
    tree: SchemaTree,
    apis: Vec<VendorFiles>,
}

fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let tree = erpspec_schemas::tree();
        let apis_only = SchemaTree {
            root: tree.root.clone(),
            files: tree.files.iter().filter(|(p, _)| is_api(p)).cloned().collect(),
        };
        let apis = erpspec_schema::load::parse_tree(&apis_only, &mut Default::default());
        Real { tree, apis }
    })
}

fn is_api(path: &std::path::Path) -> bool {
    path.file_name().is_some_and(|f| f == "api.yaml")
}

fn vendor_of(path: &std::path::Path) -> String {
    path.parent().and_then(|p| p.to_str()).unwrap_or("").to_string()
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else { return };
    let real = real();
    let (path, _) = &real.tree.files[pick as usize % real.tree.files.len()];
    let text = String::from_utf8_lossy(text).into_owned();
    let mut diags = erpspec_schema::diag::Diagnostics::default();
    let vendor = vendor_of(path);
    let one = |path: PathBuf, text: String| SchemaTree {
        root: real.tree.root.clone(),
        files: vec![(path, text)],
    };
    let mut files = erpspec_schema::load::parse_tree(&one(path.clone(), text), &mut diags);
    if !is_api(path) {
        // The input as an endpoint of its vendor, whose dialect parsed once.
        if let (Some(parsed), Some(api)) = (files.first_mut(), real.apis.iter().find(|a| a.dir_name == vendor)) {
            parsed.api = api.api.clone();
            parsed.api_pos = api.api_pos.clone();
        }
    }
    let _ = erpspec_schema::check::check(files, None, &mut diags);
    for item in &diags.items {
        let _ = item.render(false);
    }
});
