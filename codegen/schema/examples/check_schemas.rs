//! Loads the workspace schemas and prints what they encode, per vendor and
//! in total, or every diagnostic. (`cargo xtask codegen --check` does the
//! same and also checks the generated files.)
fn main() {
    match erpspec_schema::load_workspace() {
        Ok(api) => {
            for v in &api.vendors {
                let one = erpspec_model::ir::Api { vendors: vec![v.clone()] };
                println!("{:<11} {}", v.name, one.summary());
            }
            println!("{:<11} {}", "total", api.summary());
        }
        Err(d) => {
            for x in &d.items {
                eprintln!("{}", x.render(false));
            }
            std::process::exit(1);
        }
    }
}
