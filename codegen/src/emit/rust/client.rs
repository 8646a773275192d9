//! The typed client of a vendor (the generated crate's `client` feature):
//! `<vendor>::Client`, one async method per endpoint taking its `Request`
//! and returning its `answer::Answer` or a typed error. The dialect
//! (paths, credentials, tokens) is `erpspec_client`'s, read from the IR;
//! what is written here is only what differs per endpoint.

use super::literals::doc_lines;
use super::names::{ident, snake};
use erpspec_model::ir::Vendor;
use proc_macro2::TokenStream;
use quote::quote;

/// `ClientError`, in `lib.rs`.
pub(super) fn crate_items() -> TokenStream {
    quote! {
        /// Why a typed client's call did not return its answer.
        #[cfg(feature = "client")]
        #[derive(Debug)]
        pub enum ClientError<E> {
            /// The request breaks documented rules, so it was not sent
            /// (`Client::without_validation` sends it anyway).
            Invalid(Vec<erpspec_rules::Violation>),
            /// The server refused with a documented answer, or gave one the
            /// docs do not describe.
            Refused(E),
            /// No answer to read: the connection, the timeout or the login.
            Failed(erpspec_client::Failure),
        }

        #[cfg(feature = "client")]
        impl<E: std::fmt::Display> std::fmt::Display for ClientError<E> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    ClientError::Invalid(v) => {
                        let broken: Vec<String> = v.iter().map(|v| v.to_string()).collect();
                        write!(f, "not sent: {}", broken.join("; "))
                    }
                    ClientError::Refused(e) => e.fmt(f),
                    ClientError::Failed(e) => e.fmt(f),
                }
            }
        }

        #[cfg(feature = "client")]
        impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for ClientError<E> {}

        #[cfg(feature = "client")]
        pub use erpspec_client::{Credentials, Failure};
    }
}

/// `Client` in a vendor's `mod.rs`, with a method per endpoint.
pub(super) fn vendor_items(v: &Vendor, endpoint_modules: &[String]) -> TokenStream {
    let methods = v.endpoints.iter().zip(endpoint_modules).map(|(ep, module)| {
        let m = ident(module);
        let method = ident(&snake(&ep.id));
        let mut doc = vec![format!("{} (`{}`).", ep.title, ep.id)];
        if let Some(s) = &ep.summary {
            doc.push(String::new());
            doc.push(s.clone());
        }
        let doc = doc_lines(&doc);
        quote! {
            #doc
            pub async fn #method(&self, request: &#m::Request) -> Result<#m::answer::Answer, crate::ClientError<Error>> {
                self.call(#m::ENDPOINT, request, #m::parse_answer).await
            }
        }
    });
    let name = &v.name;
    let title = format!("A typed client of {}.", v.title);
    quote! {
        #[doc = #title]
        ///
        /// Credentials travel where the docs say (and a token is fetched,
        /// kept and renewed where the vendor issues them); each request is
        /// checked against its documented rules before it is sent; `Debug`
        /// and errors never show a credential.
        #[cfg(feature = "client")]
        #[derive(Debug)]
        pub struct Client {
            inner: erpspec_client::Client,
            validate: bool,
        }

        #[cfg(feature = "client")]
        impl Client {
            /// A client at `base_url` (`https://host:port`), presenting
            /// `credentials` (named as `auth.credentials` names them).
            pub fn new(base_url: &str, credentials: erpspec_client::Credentials) -> Client {
                Client { inner: erpspec_client::Client::new(vendor(), base_url, credentials), validate: true }
            }

            /// The most a call may take, a login included
            /// (`erpspec_client::DEFAULT_TIMEOUT` unless set).
            pub fn with_timeout(mut self, timeout: std::time::Duration) -> Client {
                self.inner = self.inner.with_timeout(timeout);
                self
            }

            /// Sends requests that break documented rules too.
            pub fn without_validation(mut self) -> Client {
                self.validate = false;
                self
            }

            async fn call<R: serde::Serialize, A>(
                &self,
                endpoint: &str,
                request: &R,
                parse: fn(u16, &[u8]) -> Result<A, Error>,
            ) -> Result<A, crate::ClientError<Error>> {
                let body = serde_json::to_value(request).unwrap_or_default();
                if self.validate
                    && let Some(report) = crate::validate_wire(#name, endpoint, &body)
                {
                    let broken: Vec<erpspec_rules::Violation> = report.documented().cloned().collect();
                    if !broken.is_empty() {
                        return Err(crate::ClientError::Invalid(broken));
                    }
                }
                let answer = self.inner.call(endpoint, &body).await.map_err(crate::ClientError::Failed)?;
                parse(answer.status, &answer.body).map_err(crate::ClientError::Refused)
            }

            #(#methods)*
        }
    }
}
