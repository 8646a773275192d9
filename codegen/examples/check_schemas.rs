//! Loads the workspace schemas, prints what they encode, or every diagnostic.
//! (`cargo xtask codegen --check` does the same and checks generated files.)
fn main() {
    match erpspec_codegen::load_workspace() {
        Ok(api) => println!("{}", api.summary()),
        Err(d) => {
            for x in &d.items {
                eprintln!("{}", x.render(false));
            }
            std::process::exit(1);
        }
    }
}
