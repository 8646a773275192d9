//! The schema loader and checker on hostile YAML: one file of a real vendor
//! tree (chosen by the first byte) replaced by the input. Never a panic;
//! every refusal is a diagnostic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, text)) = data.split_first() else { return };
    let all = erpspec_schemas::tree();
    let (path, _) = &all.files[pick as usize % all.files.len()];
    let vendor = path.components().next().map(|c| c.as_os_str().to_owned());
    // The chosen file and its vendor's api.yaml: one execution checks one
    // file in its dialect.
    let mut tree = erpspec_schema::SchemaTree {
        root: all.root.clone(),
        files: all
            .files
            .iter()
            .filter(|(p, _)| {
                p.components().next().map(|c| c.as_os_str().to_owned()) == vendor
                    && (p == path || p.file_name().is_some_and(|f| f == "api.yaml"))
            })
            .cloned()
            .collect(),
    };
    if let Some(file) = tree.files.iter_mut().find(|(p, _)| p == path) {
        file.1 = String::from_utf8_lossy(text).into_owned();
    }
    if let Err(d) = erpspec_schema::load_tree(&tree) {
        assert!(!d.items.is_empty(), "a refusal names its problem");
        for item in &d.items {
            let _ = item.render(false);
        }
    }
});
