//! What the generated crate's entry points by vendor and endpoint repeat,
//! written once. Given its table, `fn wire(vendor, endpoint) ->
//! Option<&'static Endpoint>` (the one part that varies),
//!
//! ```ignore
//! erpspec_rules::entry_points!(wire);
//! ```
//!
//! defines beside it `validate_wire` (a parsed body), `validate_wire_bytes`
//! (raw bytes, validated while they are parsed) and `check_wire_bytes` (the
//! same without the normalized request), each `None` for an unknown endpoint.

#[doc(hidden)]
#[macro_export]
macro_rules! entry_points {
    ($wire:ident) => {
        /// Reads a request body for an endpoint the way its vendor's dialect
        /// does; `None` for an unknown endpoint.
        pub fn validate_wire(vendor: &str, endpoint: &str, body: &$crate::serde_json::Value) -> ::core::option::Option<$crate::WireReport> {
            $wire(vendor, endpoint).map(|w| w.read_value(body))
        }

        /// [`validate_wire`] on raw bytes, validated while they are parsed:
        /// `Some(Err(_))` if they are not JSON.
        pub fn validate_wire_bytes(
            vendor: &str,
            endpoint: &str,
            bytes: &[u8],
        ) -> ::core::option::Option<::core::result::Result<$crate::WireReport, $crate::serde_json::Error>> {
            $wire(vendor, endpoint).map(|w| w.read_bytes(bytes, true))
        }

        /// [`validate_wire_bytes`] without the normalized request
        /// (`normalized` is null): violations and unknown members only, no
        /// value copied.
        pub fn check_wire_bytes(
            vendor: &str,
            endpoint: &str,
            bytes: &[u8],
        ) -> ::core::option::Option<::core::result::Result<$crate::WireReport, $crate::serde_json::Error>> {
            $wire(vendor, endpoint).map(|w| w.read_bytes(bytes, false))
        }
    };
}
