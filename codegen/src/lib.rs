//! erpspec's code generator: the emitters that write Rust types and
//! validators, OpenAPI 3.1/3.0.3, JSON Schema and documentation pages from
//! the IR (`erpspec_model::ir`). It reads the model and writes text; it never
//! loads schemas itself (that is `erpspec-schema`) and nothing that serves or
//! checks a server links it.

pub mod emit;
