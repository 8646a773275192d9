//! A SQLite VFS for crash tests that can fail on a missing fsync: what the
//! database writes to its files stays in this process's memory until
//! SQLite syncs that file, so a `kill -9` loses exactly what a power cut
//! would. A plain kill cannot show a missing sync: the kernel's page cache
//! keeps unsynced writes across it. Reads see the unsynced writes, as they
//! would through the page cache.
//!
//! It wraps the platform's default VFS and is used only when the server
//! runs with the hidden `--power-cut-storage`; the durability tests start
//! it that way. Only the files that must survive a power cut (the database,
//! its WAL and rollback journal) are held back; temporary files pass
//! straight through.

use rusqlite::ffi;
use std::ffi::{c_int, c_void};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicPtr, Ordering};

/// The name to open a database with ([`rusqlite::Connection::open_with_flags_and_vfs`]).
pub const NAME: &str = "erpspec-power-cut";

/// A change to a file not yet synced, in the order SQLite made it.
enum Change {
    Write { at: i64, bytes: Vec<u8> },
    Truncate { to: i64 },
}

/// What SQLite holds for each open file: `base` first, as the C side
/// expects of every `sqlite3_file`.
#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    real: *mut ffi::sqlite3_file,
    /// Null for files that pass straight through.
    unsynced: *mut Vec<Change>,
}

/// The platform's VFS this one wraps.
static REAL: AtomicPtr<ffi::sqlite3_vfs> = AtomicPtr::new(std::ptr::null_mut());

/// Registers the VFS under [`NAME`] (once per process).
pub fn register() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    // SAFETY: runs once; SQLite keeps the leaked VFS for the process's life.
    REGISTERED.get_or_init(|| unsafe { register_once() }).clone()
}

unsafe fn register_once() -> Result<(), String> {
    // SAFETY (whole function): the default VFS SQLite returns lives as long
    // as the process; ours is copied from it and leaked.
    unsafe {
        let real = ffi::sqlite3_vfs_find(std::ptr::null());
        if real.is_null() {
            return Err("SQLite has no default VFS to wrap".into());
        }
        REAL.store(real, Ordering::Release);
        // Everything but opening a file is the platform's own (its methods
        // read only fields this copy keeps).
        let mut ours: ffi::sqlite3_vfs = *real;
        ours.szOsFile = std::mem::size_of::<File>() as c_int;
        ours.zName = c"erpspec-power-cut".as_ptr();
        ours.pNext = std::ptr::null_mut();
        ours.xOpen = Some(open);
        let rc = ffi::sqlite3_vfs_register(Box::leak(Box::new(ours)), 0);
        match rc {
            ffi::SQLITE_OK => Ok(()),
            rc => Err(format!("cannot register the power-cut VFS (SQLite code {rc})")),
        }
    }
}

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    // Version 2: shared memory for WAL, no memory-mapped I/O (which would
    // read the real file past the unsynced writes).
    iVersion: 2,
    xClose: Some(close),
    xRead: Some(read),
    xWrite: Some(write),
    xTruncate: Some(truncate),
    xSync: Some(sync),
    xFileSize: Some(file_size),
    xLock: Some(lock),
    xUnlock: Some(unlock),
    xCheckReservedLock: Some(check_reserved_lock),
    xFileControl: Some(file_control),
    xSectorSize: Some(sector_size),
    xDeviceCharacteristics: Some(device_characteristics),
    xShmMap: Some(shm_map),
    xShmLock: Some(shm_lock),
    xShmBarrier: Some(shm_barrier),
    xShmUnmap: Some(shm_unmap),
    xFetch: None,
    xUnfetch: None,
};

/// The files a power cut must not take: held back until synced.
const DURABLE: c_int = ffi::SQLITE_OPEN_MAIN_DB | ffi::SQLITE_OPEN_WAL | ffi::SQLITE_OPEN_MAIN_JOURNAL;

unsafe extern "C" fn open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    // SAFETY (whole function): SQLite gives `file` with `szOsFile` bytes,
    // i.e. room for a `File`; the real file gets the real VFS's size.
    unsafe {
        let f = file.cast::<File>();
        (*f).base.pMethods = std::ptr::null();
        let real_vfs = REAL.load(Ordering::Acquire);
        let size = (*real_vfs).szOsFile;
        let real = ffi::sqlite3_malloc(size).cast::<ffi::sqlite3_file>();
        if real.is_null() {
            return ffi::SQLITE_NOMEM;
        }
        std::ptr::write_bytes(real.cast::<u8>(), 0, size as usize);
        let Some(real_open) = (*real_vfs).xOpen else {
            ffi::sqlite3_free(real.cast());
            return ffi::SQLITE_CANTOPEN;
        };
        let rc = real_open(real_vfs, name, real, flags, out_flags);
        if rc != ffi::SQLITE_OK {
            ffi::sqlite3_free(real.cast());
            return rc;
        }
        (*f).real = real;
        (*f).unsynced = match flags & DURABLE {
            0 => std::ptr::null_mut(),
            _ => Box::into_raw(Box::new(Vec::new())),
        };
        (*f).base.pMethods = &METHODS;
        ffi::SQLITE_OK
    }
}

/// The wrapped file and its methods.
///
/// # Safety
/// `file` is a `File` this VFS opened.
unsafe fn real(file: *mut ffi::sqlite3_file) -> (*mut ffi::sqlite3_file, &'static ffi::sqlite3_io_methods) {
    // SAFETY: an open real file has its methods, which live as long as the VFS.
    unsafe {
        let real = (*file.cast::<File>()).real;
        (real, &*(*real).pMethods)
    }
}

/// The unsynced changes, or `None` for a file that passes through.
///
/// # Safety
/// `file` is a `File` this VFS opened; SQLite calls one file's methods from
/// one thread at a time.
unsafe fn unsynced<'f>(file: *mut ffi::sqlite3_file) -> Option<&'f mut Vec<Change>> {
    // SAFETY: the pointer is null or the box `open` made.
    unsafe { (*file.cast::<File>()).unsynced.as_mut() }
}

unsafe extern "C" fn close(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: SQLite closes a file once; what was never synced is dropped,
    // as the power cut this simulates would drop it.
    unsafe {
        let (real_file, m) = real(file);
        let rc = m.xClose.map_or(ffi::SQLITE_OK, |f| f(real_file));
        ffi::sqlite3_free(real_file.cast());
        let f = file.cast::<File>();
        if !(*f).unsynced.is_null() {
            drop(Box::from_raw((*f).unsynced));
        }
        (*f).unsynced = std::ptr::null_mut();
        (*f).base.pMethods = std::ptr::null();
        rc
    }
}

/// The size the file has with its unsynced changes.
///
/// # Safety
/// As [`real`].
unsafe fn size_with(file: *mut ffi::sqlite3_file, changes: &[Change]) -> Result<i64, c_int> {
    let mut size = 0;
    // SAFETY: as the caller's.
    let (real_file, m) = unsafe { real(file) };
    let rc = m.xFileSize.map_or(ffi::SQLITE_IOERR, |f| unsafe { f(real_file, &mut size) });
    if rc != ffi::SQLITE_OK {
        return Err(rc);
    }
    Ok(changes.iter().fold(size, |size, c| match c {
        Change::Write { at, bytes } => size.max(at + bytes.len() as i64),
        Change::Truncate { to } => *to,
    }))
}

unsafe extern "C" fn read(file: *mut ffi::sqlite3_file, buf: *mut c_void, amount: c_int, offset: i64) -> c_int {
    // SAFETY: `buf` holds `amount` bytes (SQLite's contract).
    unsafe {
        let (real_file, m) = real(file);
        let rc = m.xRead.map_or(ffi::SQLITE_IOERR_READ, |f| f(real_file, buf, amount, offset));
        let Some(changes) = unsynced(file) else { return rc };
        if rc != ffi::SQLITE_OK && rc != ffi::SQLITE_IOERR_SHORT_READ {
            return rc;
        }
        let out = std::slice::from_raw_parts_mut(buf.cast::<u8>(), amount as usize);
        overlay(out, offset, changes);
        match size_with(file, changes) {
            Err(rc) => rc,
            Ok(size) if offset + i64::from(amount) > size => {
                let from = (size - offset).clamp(0, i64::from(amount)) as usize;
                out[from..].fill(0);
                ffi::SQLITE_IOERR_SHORT_READ
            }
            Ok(_) => ffi::SQLITE_OK,
        }
    }
}

/// `out`, read from the file at `offset`, as the unsynced changes make it.
fn overlay(out: &mut [u8], offset: i64, changes: &[Change]) {
    let end = offset + out.len() as i64;
    for change in changes {
        match change {
            Change::Write { at, bytes } => {
                let from = offset.max(*at);
                let to = end.min(at + bytes.len() as i64);
                if from < to {
                    out[(from - offset) as usize..(to - offset) as usize].copy_from_slice(&bytes[(from - at) as usize..(to - at) as usize]);
                }
            }
            Change::Truncate { to } => {
                let from = (to - offset).clamp(0, out.len() as i64) as usize;
                out[from..].fill(0);
            }
        }
    }
}

unsafe extern "C" fn write(file: *mut ffi::sqlite3_file, buf: *const c_void, amount: c_int, offset: i64) -> c_int {
    // SAFETY: `buf` holds `amount` bytes (SQLite's contract).
    unsafe {
        let Some(changes) = unsynced(file) else {
            let (real_file, m) = real(file);
            return m.xWrite.map_or(ffi::SQLITE_IOERR_WRITE, |f| f(real_file, buf, amount, offset));
        };
        let bytes = std::slice::from_raw_parts(buf.cast::<u8>(), amount as usize).to_vec();
        changes.push(Change::Write { at: offset, bytes });
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn truncate(file: *mut ffi::sqlite3_file, to: i64) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let Some(changes) = unsynced(file) else {
            let (real_file, m) = real(file);
            return m.xTruncate.map_or(ffi::SQLITE_IOERR_TRUNCATE, |f| f(real_file, to));
        };
        changes.push(Change::Truncate { to });
        ffi::SQLITE_OK
    }
}

/// Writes the unsynced changes to the real file, in order, then syncs it.
unsafe extern "C" fn sync(file: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    // SAFETY: as [`real`]; the bytes are this file's own.
    unsafe {
        let (real_file, m) = real(file);
        if let Some(changes) = unsynced(file) {
            for change in changes.iter() {
                let rc = match change {
                    Change::Write { at, bytes } => m.xWrite.map_or(ffi::SQLITE_IOERR_WRITE, |f| {
                        f(real_file, bytes.as_ptr().cast(), bytes.len() as c_int, *at)
                    }),
                    Change::Truncate { to } => m.xTruncate.map_or(ffi::SQLITE_IOERR_TRUNCATE, |f| f(real_file, *to)),
                };
                // Replaying the whole list again later gives the same file.
                if rc != ffi::SQLITE_OK {
                    return rc;
                }
            }
            changes.clear();
        }
        m.xSync.map_or(ffi::SQLITE_IOERR_FSYNC, |f| f(real_file, flags))
    }
}

unsafe extern "C" fn file_size(file: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    // SAFETY: `size` is SQLite's out parameter.
    unsafe {
        match size_with(file, unsynced(file).map_or(&[][..], |c| &c[..])) {
            Ok(s) => {
                *size = s;
                ffi::SQLITE_OK
            }
            Err(rc) => rc,
        }
    }
}

// The rest is the real file's: locks, controls and the WAL's shared memory.

unsafe extern "C" fn lock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xLock.map_or(ffi::SQLITE_IOERR_LOCK, |x| x(f, level))
    }
}

unsafe extern "C" fn unlock(file: *mut ffi::sqlite3_file, level: c_int) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xUnlock.map_or(ffi::SQLITE_IOERR_UNLOCK, |x| x(f, level))
    }
}

unsafe extern "C" fn check_reserved_lock(file: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xCheckReservedLock.map_or(ffi::SQLITE_IOERR_CHECKRESERVEDLOCK, |x| x(f, out))
    }
}

unsafe extern "C" fn file_control(file: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xFileControl.map_or(ffi::SQLITE_NOTFOUND, |x| x(f, op, arg))
    }
}

unsafe extern "C" fn sector_size(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xSectorSize.map_or(4096, |x| x(f))
    }
}

unsafe extern "C" fn device_characteristics(file: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xDeviceCharacteristics.map_or(0, |x| x(f))
    }
}

unsafe extern "C" fn shm_map(file: *mut ffi::sqlite3_file, page: c_int, size: c_int, extend: c_int, out: *mut *mut c_void) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xShmMap.map_or(ffi::SQLITE_IOERR_SHMMAP, |x| x(f, page, size, extend, out))
    }
}

unsafe extern "C" fn shm_lock(file: *mut ffi::sqlite3_file, offset: c_int, n: c_int, flags: c_int) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xShmLock.map_or(ffi::SQLITE_IOERR_SHMLOCK, |x| x(f, offset, n, flags))
    }
}

unsafe extern "C" fn shm_barrier(file: *mut ffi::sqlite3_file) {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        if let Some(x) = m.xShmBarrier {
            x(f)
        }
    }
}

unsafe extern "C" fn shm_unmap(file: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    // SAFETY: as [`real`].
    unsafe {
        let (f, m) = real(file);
        m.xShmUnmap.map_or(ffi::SQLITE_OK, |x| x(f, delete))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_see_unsynced_writes_and_truncations_in_order() {
        let mut out = [1u8; 8];
        let changes = vec![
            Change::Write {
                at: 2,
                bytes: vec![9, 9, 9],
            },
            Change::Truncate { to: 3 },
            Change::Write {
                at: 6,
                bytes: vec![7, 7, 7, 7],
            },
        ];
        overlay(&mut out, 0, &changes);
        assert_eq!(out, [1, 1, 9, 0, 0, 0, 7, 7]);
        let mut tail = [5u8; 4];
        overlay(&mut tail, 4, &changes);
        assert_eq!(tail, [0, 0, 7, 7]);
    }

    /// Unsynced commits are gone when the process's memory is; synced ones
    /// are on disk. In-process: a connection closed without a checkpoint's
    /// sync stands for the killed server.
    #[test]
    fn only_synced_writes_reach_the_file() {
        register().unwrap();
        let dir = std::env::temp_dir().join(format!("erpspec-power-cut-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (synchronous, survives) in [("FULL", true), ("OFF", false)] {
            let db = dir.join(format!("{synchronous}.sqlite"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let flags = rusqlite::OpenFlags::default();
            let conn = rusqlite::Connection::open_with_flags_and_vfs(&db, flags, NAME).unwrap();
            conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0)).unwrap();
            conn.execute_batch(&format!(
                "PRAGMA synchronous={synchronous}; CREATE TABLE t (x); INSERT INTO t VALUES (42);"
            ))
            .unwrap();
            assert_eq!(conn.query_row("SELECT x FROM t", [], |r| r.get::<_, i64>(0)).unwrap(), 42);
            // The "power cut": the process forgets its unsynced writes
            // without closing (closing would checkpoint), and what is on
            // disk is all a restart gets: a copy of the files, without the
            // shared memory this process still maps.
            std::mem::forget(conn);
            let copy = dir.join(format!("{synchronous}-after.sqlite"));
            for suffix in ["", "-wal"] {
                let _ = std::fs::copy(format!("{}{suffix}", db.display()), format!("{}{suffix}", copy.display()));
            }
            let after = rusqlite::Connection::open(&copy)
                .ok()
                .and_then(|c| c.query_row("SELECT x FROM t", [], |r| r.get::<_, i64>(0)).ok());
            assert_eq!(after == Some(42), survives, "synchronous={synchronous}: {after:?}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
