//! Building the engine: routes and record shapes from the IR, credentials
//! (given, kept from the database, or generated) and the docs' example records.

use super::operate::record_name;
use super::route::Route;
use super::{Abort, CredentialSetup, Engine};
use crate::auth;
use crate::faults::Faults;
use crate::index::Indexes;
use crate::readings::{self, Readings};
use crate::store::{Store, Tx};
use crate::util;
use erpspec_model::ir::{AssignedHow, Field, OperationKind, Payload, Resource, Vendor};
use serde_json::json;
use std::collections::BTreeMap;

/// Salt and hash of each credential, by name.
type Credentials = BTreeMap<String, (Vec<u8>, Vec<u8>)>;

impl Engine {
    /// Builds the engine for one vendor: routes from the IR, credentials
    /// (given, kept from the database, or generated) and demo records.
    pub fn new(
        v: Vendor,
        store: &mut Store,
        faults: Faults,
        readings: Readings,
        given: &BTreeMap<String, String>,
    ) -> Result<(Engine, CredentialSetup), String> {
        if let Some(name) = given.keys().find(|name| !v.auth.credentials.contains(name)) {
            return Err(format!(
                "unknown credential `{name}` for {}; it takes: {}",
                v.name,
                v.auth.credentials.join(", ")
            ));
        }
        let (record_fields, members) = record_shapes(&v);
        let body_credentials = v.auth.body_credential_fields();
        let index = Indexes::from_ir(&v, &members, &|ep, k| record_name(&v, &record_fields, ep, k));
        let (credentials, setup) = set_up_credentials(&v, store, given)?;
        let engine = Engine {
            routes: Route::all(&v),
            v,
            faults,
            readings,
            record_fields,
            members,
            credentials,
            body_credentials,
            answered: std::sync::atomic::AtomicU64::new(0),
            index,
            token_lifetime: None,
            answer_before_commit: None,
        };
        engine.load_demo(store).map_err(|e| format!("cannot store the demo records: {e}"))?;
        Ok((engine, setup))
    }

    /// Stores the docs' example records on first start.
    fn load_demo(&self, store: &mut Store) -> Result<(), rusqlite::Error> {
        let vendor = self.v.name.clone();
        store.transaction(|tx| {
            // A database written with other lookup fields (or none) gets
            // this build's.
            for r in &self.v.resources {
                let signature = self.index.signature(&r.name);
                let name = format!("index:{}", r.name);
                if tx.meta(&vendor, &name)?.as_deref() != Some(signature.as_str()) {
                    tx.reindex(&vendor, &r.name, &|doc| self.index.rows(&r.name, doc))?;
                    tx.set_meta(&vendor, &name, &signature)?;
                }
            }
            if tx.meta(&vendor, "demo-loaded")?.is_some() {
                return Ok(());
            }
            for r in &self.v.resources {
                self.load_demo_records(tx, r)?;
            }
            tx.set_meta(&vendor, "demo-loaded", &util::now_iso())
        })
    }

    /// One resource's demo records.
    fn load_demo_records(&self, tx: &Tx<'_>, r: &Resource) -> Result<(), rusqlite::Error> {
        let vendor = &self.v.name;
        // The other reading starts with only the records no endpoint can
        // create (a singleton, what the harness needs as fixtures), and
        // numbers new records from an offset.
        let other_records = self.readings.other(readings::RECORDS);
        if other_records {
            for a in r
                .assigned
                .iter()
                .filter(|a| matches!(a.how, AssignedHow::PaddedSequence { .. } | AssignedHow::IntegerSequence))
            {
                tx.bump_sequence(vendor, &r.name, &a.field, self.readings.offset)?;
            }
        }
        let creatable = self
            .v
            .endpoints
            .iter()
            .any(|e| e.operation.kind == OperationKind::Create && e.operation.resource.as_deref() == Some(&r.name));
        let member = self.members.get(&r.name).map(String::as_str);
        for demo in r.demo.iter().filter(|_| !(other_records && (creatable || self.includes_child(r)))) {
            // A demo record is the record proper unless it is written
            // in the request's shape (holding the record member).
            let mut doc = match member {
                Some(m) if demo.get(m).is_none() => json!({ m: demo.clone() }),
                _ => demo.clone(),
            };
            self.assign(tx, r, &mut doc, "demo", OperationKind::Create, &[])
                .map_err(|e| match e {
                    Abort::Db(e) => e,
                    Abort::Answer(_) => rusqlite::Error::InvalidQuery,
                })?;
            if let Some(key) = self.key_of(r, &doc)
                && tx.get(vendor, &r.name, &key)?.is_none()
            {
                tx.insert(vendor, &r.name, &key, &doc, &self.index.rows(&r.name, &doc))?;
            }
        }
        tx.set_meta(vendor, &format!("modified:{}", r.name), &util::now_unix().to_string())
    }
}

/// The fields of each resource's records (from the responses that return
/// them), and the request member holding each resource's record.
fn record_shapes(v: &Vendor) -> (BTreeMap<String, Vec<Field>>, BTreeMap<String, String>) {
    let mut record_fields: BTreeMap<String, Vec<Field>> = BTreeMap::new();
    let mut members = BTreeMap::new();
    for ep in &v.endpoints {
        let Some(res) = &ep.operation.resource else { continue };
        if let Some(m) = &ep.operation.record_member {
            members.entry(res.clone()).or_insert_with(|| m.clone());
        }
        if matches!(ep.response.payload, Payload::Record | Payload::Records | Payload::Wrapped { .. }) {
            let list = record_fields.entry(res.clone()).or_default();
            for f in &ep.response.fields {
                if !list.iter().any(|g| g.name == f.name) {
                    list.push(f.clone());
                }
            }
        }
    }
    (record_fields, members)
}

/// Each credential's salt and hash: a given value's (stored now), else the
/// database's, else a generated value's (stored now, shown once).
fn set_up_credentials(v: &Vendor, store: &mut Store, given: &BTreeMap<String, String>) -> Result<(Credentials, CredentialSetup), String> {
    let vendor = v.name.clone();
    let mut setup = CredentialSetup::default();
    let mut credentials = BTreeMap::new();
    store
        .transaction(|tx| {
            for name in &v.auth.credentials {
                let stored = tx.credential(&vendor, name)?;
                let (salt, hash) = match (given.get(name), stored) {
                    // The same value as before: the tokens it logged in stay good.
                    (Some(value), Some((salt, hash))) if auth::same_hash(&hash, &auth::credential_hash(&salt, name, value)) => (salt, hash),
                    (Some(value), stored) => {
                        let salt = auth::new_salt();
                        let hash = auth::credential_hash(&salt, name, value);
                        tx.set_credential(&vendor, name, &salt, &hash)?;
                        // A changed credential (a password reset) ends every
                        // session the old one opened.
                        if stored.is_some() {
                            setup.revoked_tokens += tx.revoke_tokens(&vendor)?;
                        }
                        (salt, hash)
                    }
                    (None, Some(kept)) => {
                        setup.kept.push(name.clone());
                        kept
                    }
                    (None, None) => {
                        let value = auth::generate_secret();
                        let salt = auth::new_salt();
                        let hash = auth::credential_hash(&salt, name, &value);
                        tx.set_credential(&vendor, name, &salt, &hash)?;
                        setup.generated.push((name.clone(), value));
                        (salt, hash)
                    }
                };
                credentials.insert(name.clone(), (salt, hash));
            }
            Ok::<_, rusqlite::Error>(())
        })
        .map_err(|e| format!("cannot set up credentials in the database: {e}"))?;
    Ok((credentials, setup))
}
