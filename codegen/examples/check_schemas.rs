//! Loads the workspace schemas and prints every diagnostic (a quick check
//! while editing schemas; `cargo xtask codegen --check` does the same and more).
fn main() {
    match erpspec_codegen::load_workspace() {
        Ok(api) => {
            for v in &api.vendors {
                println!("{}: {} endpoints", v.name, v.endpoints.len());
            }
        }
        Err(d) => {
            for x in &d.items {
                eprintln!("{}", x.render(false));
            }
            std::process::exit(1);
        }
    }
}
