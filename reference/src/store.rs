//! Records as JSON documents in SQLite, one generic table for every vendor
//! and resource, so the engine never needs a vendor-specific schema.
//!
//! Lookups: beside each record, the values of the fields the engine looks
//! records up by (which fields, the engine reads from the IR: see
//! [`crate::index`]) are rows of the generic side table `fields(record_id,
//! vendor, resource, name, kind, value, num)`, indexed by `(vendor,
//! resource, name, value)`; [`Tx::select`] finds records through it. The
//! rows are written in the same transaction as their record.
//!
//! Durability: WAL journal with `synchronous=FULL`, so every commit is
//! fsync'd to the WAL before the server answers; a request's writes happen in
//! one transaction (a savepoint of a [`Batch`], see [`crate::commit`]) that
//! commits before the answer is sent. An acknowledged write therefore
//! survives `kill -9` (and a power cut, which NORMAL would not promise: the
//! tests prove both, a power cut through [`crate::power_cut`]).

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;
use std::path::Path;

/// One stored record.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Insertion order (SQLite rowid).
    pub id: i64,
    /// Canonical JSON of the key values.
    pub key: String,
    pub doc: Value,
}

pub struct Store {
    conn: Connection,
}

/// One value a record is looked up by: a row of the `fields` table.
#[derive(Clone, Debug, PartialEq)]
pub struct Indexed {
    /// Which field, and how it is read ([`crate::index::Extract::name`]).
    pub name: String,
    /// 0 string, 1 number, 2 boolean, 3 anything else.
    pub kind: i64,
    /// The value as text.
    pub value: String,
    /// The value as a number, where one is kept.
    pub num: Option<f64>,
}

/// One condition of a [`Tx::select`]: a record matches when one of its
/// `fields` rows under `names` satisfies `predicate` (SQL on the columns
/// `kind`, `value`, `num`, with `?` for each of `params`), or, with
/// `absent_matches`, also when it has no such row (`names` then holds one
/// single-valued name).
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub names: Vec<String>,
    pub predicate: String,
    pub params: Vec<rusqlite::types::Value>,
    pub absent_matches: bool,
}

pub type Result<T> = std::result::Result<T, rusqlite::Error>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vendor TEXT NOT NULL,
    resource TEXT NOT NULL,
    key TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (vendor, resource, key)
);
CREATE TABLE IF NOT EXISTS fields (
    record_id INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    resource TEXT NOT NULL,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    value TEXT NOT NULL,
    num REAL
);
CREATE INDEX IF NOT EXISTS fields_by_value ON fields (vendor, resource, name, value, kind, record_id);
CREATE INDEX IF NOT EXISTS fields_by_number ON fields (vendor, resource, name, num, record_id) WHERE num IS NOT NULL;
CREATE INDEX IF NOT EXISTS fields_by_record ON fields (record_id);
CREATE TABLE IF NOT EXISTS sequences (
    vendor TEXT NOT NULL,
    resource TEXT NOT NULL,
    field TEXT NOT NULL,
    next INTEGER NOT NULL,
    PRIMARY KEY (vendor, resource, field)
);
CREATE TABLE IF NOT EXISTS credentials (
    vendor TEXT NOT NULL,
    name TEXT NOT NULL,
    salt BLOB NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (vendor, name)
);
CREATE TABLE IF NOT EXISTS tokens (
    vendor TEXT NOT NULL,
    hash BLOB NOT NULL,
    principal TEXT NOT NULL,
    -- Unix milliseconds (ISO text in databases of earlier versions).
    issued TEXT NOT NULL,
    PRIMARY KEY (vendor, hash)
);
CREATE TABLE IF NOT EXISTS meta (
    vendor TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (vendor, name)
);
";

/// How commits reach the disk: FULL syncs on real files, unless a crash
/// test asks otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Durability {
    /// Keep writes in this process's memory until synced, so a kill loses
    /// what a power cut would ([`crate::power_cut`]).
    pub power_cut_storage: bool,
    /// The crash fault `synchronous-normal`: commits not synced (WAL's
    /// NORMAL), which only a power cut shows.
    pub synchronous_normal: bool,
}

impl Store {
    /// Opens (creating if needed) a database file, or an in-memory one.
    pub fn open(path: Option<&Path>) -> Result<Store> {
        Store::open_with(path, Durability::default())
    }

    /// [`Store::open`], with the durability a crash test asks for.
    pub fn open_with(path: Option<&Path>, durability: Durability) -> Result<Store> {
        let conn = match path {
            Some(p) if durability.power_cut_storage => {
                crate::power_cut::register().map_err(rusqlite::Error::InvalidParameterName)?;
                Connection::open_with_flags_and_vfs(p, rusqlite::OpenFlags::default(), crate::power_cut::NAME)?
            }
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        if path.is_some() {
            // WAL lets readers of other processes (sqlite3 on the file) see
            // committed data while the server writes; FULL fsyncs each commit.
            let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(rusqlite::Error::InvalidParameterName(format!("journal_mode is {mode}, not wal")));
            }
        }
        let synchronous = if durability.synchronous_normal { "NORMAL" } else { "FULL" };
        conn.execute_batch(&format!("PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=5000;"))?;
        conn.execute_batch(SCHEMA)?;
        // Lookups build their SQL from the request's conditions: keep them
        // prepared, and keep their plans: without the query planner
        // stability guarantee SQLite re-prepares a statement whenever a
        // value bound to it changes (its STAT4 and partial-index checks).
        conn.set_prepared_statement_cache_capacity(256);
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(Store { conn })
    }

    /// Runs `f` in one transaction (IMMEDIATE: it takes the write lock up
    /// front, so a request never fails half-way on a busy database). The
    /// transaction commits when `f` returns `Ok`, and rolls back otherwise.
    pub fn transaction<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&Tx { tx: &tx })?;
        tx.commit()?;
        Ok(out)
    }

    /// Starts a batch: one IMMEDIATE transaction holding several requests,
    /// each in its own savepoint, committed (one fsync) by [`Batch::commit`].
    /// Dropping a batch rolls it back.
    pub fn begin(&mut self) -> Result<Batch<'_>> {
        self.conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(Batch {
            conn: &self.conn,
            open: true,
        })
    }
}

/// Several requests' transactions committed together (group commit).
pub struct Batch<'c> {
    conn: &'c Connection,
    open: bool,
}

impl Batch<'_> {
    /// Runs one request in a savepoint: its writes are kept when `f` says
    /// so (`true`), undone otherwise; either way the batch goes on. An
    /// error here leaves the batch unusable: roll it back.
    pub fn run<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> (bool, T)) -> Result<T> {
        self.conn.prepare_cached("SAVEPOINT request")?.execute([])?;
        let (keep, out) = f(&Tx { tx: self.conn });
        if !keep {
            self.conn.prepare_cached("ROLLBACK TO request")?.execute([])?;
        }
        self.conn.prepare_cached("RELEASE request")?.execute([])?;
        Ok(out)
    }

    /// False once SQLite rolled the whole transaction back by itself (it
    /// does on some errors: a full disk, an I/O error).
    pub fn alive(&self) -> bool {
        !self.conn.is_autocommit()
    }

    /// Commits every request of the batch: when this returns `Ok`, their
    /// writes are on disk.
    pub fn commit(mut self) -> Result<()> {
        // On failure, dropping the batch rolls back what is left of it.
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if self.open && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// The operations a request may perform, all inside its transaction.
pub struct Tx<'a> {
    tx: &'a Connection,
}

impl Tx<'_> {
    pub fn get(&self, vendor: &str, resource: &str, key: &str) -> Result<Option<Row>> {
        self.tx
            .prepare_cached("SELECT id, key, doc FROM records WHERE vendor = ?1 AND resource = ?2 AND key = ?3")?
            .query_row(params![vendor, resource, key], row)
            .optional()
    }

    /// The records matching every clause, in insertion order; every record
    /// of the resource without clauses. Callers still compare what they
    /// look for: a clause may only narrow.
    pub fn select(&self, vendor: &str, resource: &str, clauses: &[Clause]) -> Result<Vec<Row>> {
        let (sql, p) = select_sql(vendor, resource, clauses);
        let mut st = self.tx.prepare_cached(&sql)?;
        let mut rows: Vec<Row> = st.query_map(rusqlite::params_from_iter(p), row)?.collect::<Result<_>>()?;
        // Insertion order.
        rows.sort_by_key(|r| r.id);
        rows.dedup_by_key(|r| r.id);
        Ok(rows)
    }

    /// Whether any record of a resource meets the clauses, read off the
    /// index alone (no record is parsed).
    pub fn any(&self, vendor: &str, resource: &str, clauses: &[Clause]) -> Result<bool> {
        let (sql, p) = select_sql(vendor, resource, clauses);
        self.tx
            .prepare_cached(&format!("SELECT EXISTS ({sql})"))?
            .query_row(rusqlite::params_from_iter(p), |r| r.get(0))
    }

    /// The first record of a resource (a singleton's one record).
    pub fn first(&self, vendor: &str, resource: &str) -> Result<Option<Row>> {
        self.tx
            .prepare_cached("SELECT id, key, doc FROM records WHERE vendor = ?1 AND resource = ?2 ORDER BY id LIMIT 1")?
            .query_row(params![vendor, resource], row)
            .optional()
    }

    /// Every record of a resource, in insertion order.
    pub fn all(&self, vendor: &str, resource: &str) -> Result<Vec<Row>> {
        let mut st = self
            .tx
            .prepare_cached("SELECT id, key, doc FROM records WHERE vendor = ?1 AND resource = ?2 ORDER BY id")?;
        let rows = st.query_map(params![vendor, resource], row)?;
        rows.collect()
    }

    /// Stores a record with the values it is looked up by.
    pub fn insert(&self, vendor: &str, resource: &str, key: &str, doc: &Value, fields: &[Indexed]) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO records (vendor, resource, key, doc) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![vendor, resource, key, doc.to_string()])?;
        let id = self.tx.last_insert_rowid();
        self.insert_fields(id, vendor, resource, fields)
    }

    /// Replaces a record's document and the values it is looked up by.
    pub fn replace(&self, id: i64, doc: &Value, fields: &[Indexed]) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE records SET doc = ?1 WHERE id = ?2")?
            .execute(params![doc.to_string(), id])?;
        let (vendor, resource): (String, String) = self
            .tx
            .prepare_cached("SELECT vendor, resource FROM records WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        self.tx
            .prepare_cached("DELETE FROM fields WHERE record_id = ?1")?
            .execute(params![id])?;
        self.insert_fields(id, &vendor, &resource, fields)
    }

    pub fn delete(&self, id: i64) -> Result<()> {
        self.tx.prepare_cached("DELETE FROM records WHERE id = ?1")?.execute(params![id])?;
        self.tx
            .prepare_cached("DELETE FROM fields WHERE record_id = ?1")?
            .execute(params![id])?;
        Ok(())
    }

    fn insert_fields(&self, id: i64, vendor: &str, resource: &str, fields: &[Indexed]) -> Result<()> {
        let mut st = self.tx.prepare_cached(
            "INSERT INTO fields (record_id, vendor, resource, name, kind, value, num) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for f in fields {
            st.execute(params![id, vendor, resource, f.name, f.kind, f.value, f.num])?;
        }
        Ok(())
    }

    /// Rewrites the lookup values of every record of a resource (a database
    /// written before the resource indexed what it indexes now).
    pub fn reindex(&self, vendor: &str, resource: &str, fields: &dyn Fn(&Value) -> Vec<Indexed>) -> Result<()> {
        self.tx
            .execute("DELETE FROM fields WHERE vendor = ?1 AND resource = ?2", params![vendor, resource])?;
        for r in self.all(vendor, resource)? {
            self.insert_fields(r.id, vendor, resource, &fields(&r.doc))?;
        }
        Ok(())
    }

    pub fn count(&self, vendor: &str, resource: &str) -> Result<i64> {
        self.tx
            .prepare_cached("SELECT COUNT(*) FROM records WHERE vendor = ?1 AND resource = ?2")?
            .query_row(params![vendor, resource], |r| r.get(0))
    }

    /// The next value of a sequence (starting at 1), advancing it.
    pub fn next_in_sequence(&self, vendor: &str, resource: &str, field: &str) -> Result<i64> {
        let next = self.sequence(vendor, resource, field)?;
        self.set_sequence(vendor, resource, field, next + 1)?;
        Ok(next)
    }

    /// Makes sure the sequence will never hand out `used` or anything below it.
    pub fn bump_sequence(&self, vendor: &str, resource: &str, field: &str, used: i64) -> Result<()> {
        let next = self.sequence(vendor, resource, field)?;
        if used >= next {
            self.set_sequence(vendor, resource, field, used.saturating_add(1))?;
        }
        Ok(())
    }

    fn sequence(&self, vendor: &str, resource: &str, field: &str) -> Result<i64> {
        Ok(self
            .tx
            .prepare_cached("SELECT next FROM sequences WHERE vendor = ?1 AND resource = ?2 AND field = ?3")?
            .query_row(params![vendor, resource, field], |r| r.get(0))
            .optional()?
            .unwrap_or(1))
    }

    fn set_sequence(&self, vendor: &str, resource: &str, field: &str, next: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO sequences (vendor, resource, field, next) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (vendor, resource, field) DO UPDATE SET next = excluded.next",
            )?
            .execute(params![vendor, resource, field, next])?;
        Ok(())
    }

    pub fn credential(&self, vendor: &str, name: &str) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        self.tx
            .query_row(
                "SELECT salt, hash FROM credentials WHERE vendor = ?1 AND name = ?2",
                params![vendor, name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    pub fn set_credential(&self, vendor: &str, name: &str, salt: &[u8], hash: &[u8]) -> Result<()> {
        self.tx.execute(
            "INSERT INTO credentials (vendor, name, salt, hash) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (vendor, name) DO UPDATE SET salt = excluded.salt, hash = excluded.hash",
            params![vendor, name, salt, hash],
        )?;
        Ok(())
    }

    /// Keeps a token's hash, its principal and when it was issued (Unix
    /// milliseconds).
    pub fn add_token(&self, vendor: &str, hash: &[u8], principal: &str, issued_ms: i64) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO tokens (vendor, hash, principal, issued) VALUES (?1, ?2, ?3, ?4)",
            params![vendor, hash, principal, issued_ms.to_string()],
        )?;
        Ok(())
    }

    /// Forgets every token issued for `vendor`; returns how many there were.
    pub fn revoke_tokens(&self, vendor: &str) -> Result<usize> {
        self.tx.execute("DELETE FROM tokens WHERE vendor = ?1", params![vendor])
    }

    /// The principal a token was issued to, and when (as stored by
    /// [`Tx::add_token`]).
    pub fn token(&self, vendor: &str, hash: &[u8]) -> Result<Option<(String, String)>> {
        self.tx
            .prepare_cached("SELECT principal, issued FROM tokens WHERE vendor = ?1 AND hash = ?2")?
            .query_row(params![vendor, hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    }

    pub fn meta(&self, vendor: &str, name: &str) -> Result<Option<String>> {
        self.tx
            .prepare_cached("SELECT value FROM meta WHERE vendor = ?1 AND name = ?2")?
            .query_row(params![vendor, name], |r| r.get(0))
            .optional()
    }

    pub fn set_meta(&self, vendor: &str, name: &str, value: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO meta (vendor, name, value) VALUES (?1, ?2, ?3)
                 ON CONFLICT (vendor, name) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![vendor, name, value])?;
        Ok(())
    }
}

/// The SQL of [`Tx::select`] and its parameters.
fn select_sql(vendor: &str, resource: &str, clauses: &[Clause]) -> (String, Vec<rusqlite::types::Value>) {
    let text = |s: &str| rusqlite::types::Value::Text(s.to_string());
    let mut p: Vec<rusqlite::types::Value> = Vec::new();
    let (positive, negative): (Vec<&Clause>, Vec<&Clause>) = clauses.iter().partition(|c| !c.absent_matches);
    let mut sql = match positive.first() {
        // The records table's own index finds the resource's records.
        None => {
            p.extend([text(vendor), text(resource)]);
            String::from("SELECT r.id, r.key, r.doc FROM records r WHERE r.vendor = ? AND r.resource = ?")
        }
        // The first condition's fields rows lead to the records (the
        // index on (name, value) finds them, as written: no function
        // around the predicate); a record two of its names match comes
        // twice, and is read once below.
        Some(c) => {
            p.extend([text(vendor), text(resource)]);
            p.extend(c.names.iter().map(|n| text(n)));
            p.extend(c.params.iter().cloned());
            format!(
                "SELECT r.id, r.key, r.doc FROM fields f CROSS JOIN records r ON r.id = f.record_id \
                     WHERE f.vendor = ? AND f.resource = ? AND f.name IN ({}) AND ({})",
                vec!["?"; c.names.len()].join(", "),
                c.predicate
            )
        }
    };
    for c in positive.iter().skip(1).chain(&negative) {
        let marks = vec!["?"; c.names.len()].join(", ");
        let (op, pred) = if c.absent_matches {
            ("NOT IN", format!("NOT ifnull(({}), 0)", c.predicate))
        } else {
            ("IN", format!("({})", c.predicate))
        };
        sql.push_str(&format!(
            " AND r.id {op} (SELECT record_id FROM fields WHERE vendor = ? AND resource = ? AND name IN ({marks}) AND {pred})"
        ));
        p.extend([text(vendor), text(resource)]);
        p.extend(c.names.iter().map(|n| text(n)));
        p.extend(c.params.iter().cloned());
    }
    (sql, p)
}

fn row(r: &rusqlite::Row<'_>) -> Result<Row> {
    let text: String = r.get(2)?;
    let doc =
        serde_json::from_str(&text).map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Row {
        id: r.get(0)?,
        key: r.get(1)?,
        doc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_rolled_back_transaction_leaves_nothing() {
        let mut s = Store::open(None).unwrap();
        let r: std::result::Result<(), rusqlite::Error> = s.transaction(|tx| {
            tx.insert("v", "r", "[1]", &json!({"a": 1}), &[])?;
            Err(rusqlite::Error::InvalidQuery)
        });
        assert!(r.is_err());
        let n = s.transaction(|tx| tx.count("v", "r")).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn lookups_are_prepared_once_not_per_value() {
        let mut s = Store::open(None).unwrap();
        s.transaction(|tx| {
            for i in 0..50 {
                let f = Indexed {
                    name: "path:N".into(),
                    kind: 0,
                    value: format!("v{i}"),
                    num: None,
                };
                tx.insert("v", "r", &format!("[{i}]"), &json!({"N": format!("v{i}")}), &[f])?;
            }
            let clause = |i: usize| Clause {
                names: vec!["path:N".into(), "path:M".into()],
                predicate: "kind = ? AND value = ?".into(),
                params: vec![rusqlite::types::Value::Integer(0), rusqlite::types::Value::Text(format!("v{i}"))],
                absent_matches: false,
            };
            for i in 0..10 {
                let rows = tx.select("v", "r", &[clause(i)])?;
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].doc, json!({"N": format!("v{i}")}));
            }
            let (sql, _) = select_sql("v", "r", &[clause(0)]);
            let st = tx.tx.prepare_cached(&sql)?;
            assert_eq!(st.get_status(rusqlite::StatementStatus::RePrepare), 0);
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
    }

    #[test]
    fn sequences_skip_values_already_used() {
        let mut s = Store::open(None).unwrap();
        s.transaction(|tx| {
            assert_eq!(tx.next_in_sequence("v", "r", "f")?, 1);
            tx.bump_sequence("v", "r", "f", 10)?;
            assert_eq!(tx.next_in_sequence("v", "r", "f")?, 11);
            tx.bump_sequence("v", "r", "f", 3)?;
            assert_eq!(tx.next_in_sequence("v", "r", "f")?, 12);
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
    }
}
