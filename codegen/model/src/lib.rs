//! The model every erpspec stage reads, and nothing that writes or serves.
//!
//! [`ir`] is the checked form of the schemas (built only by `erpspec-schema`);
//! [`answers`] and [`template`] say what a server answers in each situation;
//! [`recognise`] tells whether an answer is that one; [`validate`] is the
//! IR-driven request validator (the harness's oracle); [`fingerprint`] ties
//! generated code to the IR it came from; [`payload`] reads a success
//! payload into the generated answer types; [`call`] says how a call travels
//! (path, where credentials are presented); [`check_id`] names each documented
//! expectation, for the checks that hold a server to it and the faults that
//! break it. The emitters, the reference server
//! and the harness all read these; none of them re-derives what is here.

pub mod answers;
pub mod call;
pub mod check_id;
pub mod fingerprint;
pub mod ir;
pub mod payload;
pub mod recognise;
pub mod template;
pub mod validate;
