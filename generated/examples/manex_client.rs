//! The typed ManEx client against a reference server this example starts:
//! create a customer, read it back, and handle a documented refusal as a
//! typed error.
//!
//! ```text
//! cargo run -p erpspec-generated --example manex_client
//! ```

use erpspec_generated::{ClientError, Credentials, manex};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A ManEx reference server on a free port, with a key of our choosing.
    let key = "DemoKey123";
    let mut config = reference::Config::new("manex");
    config.credentials = [("API_KEY".to_string(), key.to_string())].into();
    let server = reference::spawn(config)?;
    let base_url = format!("http://{}", server.addr);
    println!("reference ManEx server at {base_url}");

    tokio::runtime::Runtime::new()?.block_on(async {
        let client = manex::Client::new(&base_url, Credentials::from_iter([("API_KEY", key)]));

        // Create: the request is checked against its documented rules first.
        let add = manex::customer_add::Request::parse(&json!({"Custname": "Example Corp", "Status": "Active"}))?;
        let added = client.customer_add(&add).await?;
        let custno = added.custno.clone().unwrap_or_default();
        println!("created customer {custno}");

        // Read it back: ManEx pads text columns, as its docs show.
        let get = manex::customer_get::Request::parse(&json!({"CustNumOrName": custno}))?;
        let read = client.customer_get(&get).await?;
        println!(
            "read back {:?} ({:?})",
            read.custname.as_deref().map(str::trim_end),
            read.acctstatus
        );

        // A documented refusal, inside HTTP 200, as a typed error.
        let missing = manex::customer_get::Request::parse(&json!({"CustNumOrName": "0000099999"}))?;
        match client.customer_get(&missing).await {
            Err(ClientError::Refused(manex::Error::CustomerDoesNotExist { message })) => {
                println!("refused as documented: {message:?}");
            }
            other => return Err(format!("expected the documented refusal, got {other:?}").into()),
        }
        Ok::<(), Box<dyn std::error::Error>>(())
    })
}
