//! Records as JSON documents in SQLite, one generic table for every vendor
//! and resource, so the engine never needs a vendor-specific schema.
//!
//! Durability: WAL journal with `synchronous=FULL`, so every commit is
//! fsync'd to the WAL before the server answers; a request's writes happen in
//! one transaction that commits before the answer is sent. An acknowledged
//! write therefore survives `kill -9` (and a power cut, which NORMAL would
//! not promise).

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

impl Store {
    /// Opens (creating if needed) a database file, or an in-memory one.
    pub fn open(path: Option<&Path>) -> Result<Store> {
        let conn = match path {
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
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;")?;
        conn.execute_batch(SCHEMA)?;
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
}

/// The operations a request may perform, all inside its transaction.
pub struct Tx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl Tx<'_> {
    pub fn get(&self, vendor: &str, resource: &str, key: &str) -> Result<Option<Row>> {
        self.tx
            .query_row(
                "SELECT id, key, doc FROM records WHERE vendor = ?1 AND resource = ?2 AND key = ?3",
                params![vendor, resource, key],
                row,
            )
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

    pub fn insert(&self, vendor: &str, resource: &str, key: &str, doc: &Value) -> Result<()> {
        self.tx.execute(
            "INSERT INTO records (vendor, resource, key, doc) VALUES (?1, ?2, ?3, ?4)",
            params![vendor, resource, key, doc.to_string()],
        )?;
        Ok(())
    }

    pub fn replace(&self, id: i64, doc: &Value) -> Result<()> {
        self.tx
            .execute("UPDATE records SET doc = ?1 WHERE id = ?2", params![doc.to_string(), id])?;
        Ok(())
    }

    pub fn delete(&self, id: i64) -> Result<()> {
        self.tx.execute("DELETE FROM records WHERE id = ?1", params![id])?;
        Ok(())
    }

    pub fn count(&self, vendor: &str, resource: &str) -> Result<i64> {
        self.tx.query_row(
            "SELECT COUNT(*) FROM records WHERE vendor = ?1 AND resource = ?2",
            params![vendor, resource],
            |r| r.get(0),
        )
    }

    /// The next value of a sequence (starting at 1), advancing it.
    pub fn next_in_sequence(&self, vendor: &str, resource: &str, field: &str) -> Result<i64> {
        let next: i64 = self
            .tx
            .query_row(
                "SELECT next FROM sequences WHERE vendor = ?1 AND resource = ?2 AND field = ?3",
                params![vendor, resource, field],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(1);
        self.set_sequence(vendor, resource, field, next + 1)?;
        Ok(next)
    }

    /// Makes sure the sequence will never hand out `used` or anything below it.
    pub fn bump_sequence(&self, vendor: &str, resource: &str, field: &str, used: i64) -> Result<()> {
        let next: i64 = self
            .tx
            .query_row(
                "SELECT next FROM sequences WHERE vendor = ?1 AND resource = ?2 AND field = ?3",
                params![vendor, resource, field],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(1);
        if used >= next {
            self.set_sequence(vendor, resource, field, used.saturating_add(1))?;
        }
        Ok(())
    }

    fn set_sequence(&self, vendor: &str, resource: &str, field: &str, next: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO sequences (vendor, resource, field, next) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (vendor, resource, field) DO UPDATE SET next = excluded.next",
            params![vendor, resource, field, next],
        )?;
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

    pub fn add_token(&self, vendor: &str, hash: &[u8], principal: &str, issued: &str) -> Result<()> {
        self.tx.execute(
            "INSERT OR REPLACE INTO tokens (vendor, hash, principal, issued) VALUES (?1, ?2, ?3, ?4)",
            params![vendor, hash, principal, issued],
        )?;
        Ok(())
    }

    /// The principal a token was issued to.
    pub fn token(&self, vendor: &str, hash: &[u8]) -> Result<Option<String>> {
        self.tx
            .query_row(
                "SELECT principal FROM tokens WHERE vendor = ?1 AND hash = ?2",
                params![vendor, hash],
                |r| r.get(0),
            )
            .optional()
    }

    pub fn meta(&self, vendor: &str, name: &str) -> Result<Option<String>> {
        self.tx
            .query_row(
                "SELECT value FROM meta WHERE vendor = ?1 AND name = ?2",
                params![vendor, name],
                |r| r.get(0),
            )
            .optional()
    }

    pub fn set_meta(&self, vendor: &str, name: &str, value: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO meta (vendor, name, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (vendor, name) DO UPDATE SET value = excluded.value",
            params![vendor, name, value],
        )?;
        Ok(())
    }
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
            tx.insert("v", "r", "[1]", &json!({"a": 1}))?;
            Err(rusqlite::Error::InvalidQuery)
        });
        assert!(r.is_err());
        let n = s.transaction(|tx| tx.count("v", "r")).unwrap();
        assert_eq!(n, 0);
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
