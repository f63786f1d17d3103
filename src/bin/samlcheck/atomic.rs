//! Replacing a file safely: a temporary file in the same directory, written, synced and
//! renamed over the target, then the directory synced.
//!
//! - The temporary file is named `.FILE.samlcheck-tmp-PID`, so one left by a run that was
//!   killed (SIGKILL, power loss) is recognisable; the next run on FILE removes it when no
//!   samlcheck process with that PID is alive (on systems without `/proc`: when it is more
//!   than an hour old).
//! - It is removed on every error path, and on SIGINT, SIGTERM and SIGHUP (Unix: a handler
//!   thread removes it, then exits 128 + the signal). SIGKILL cannot be caught: that is
//!   what the name is for.
//! - With `--in-place` the new file keeps the original's permission bits, and its owner
//!   and group: root can always keep them; another user keeps the group when they belong
//!   to it, and is told on standard error when the owner or group changes. Extended
//!   attributes and ACLs are not copied, and a hard link to the original keeps the old
//!   content (the rename makes a new file).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix and the marker of a temporary file name: `.FILE.samlcheck-tmp-PID`.
const MARKER: &str = ".samlcheck-tmp-";

/// A temporary file left longer than this is stale even when its PID cannot be checked.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// What happened besides the write, for standard error.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Leftover temporary files removed.
    pub removed: Vec<PathBuf>,
    /// Problems that did not stop the write (owner not kept, directory not synced).
    pub warnings: Vec<String>,
}

/// The temporary file's name for `path` in process `pid`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}{MARKER}{pid}")
}

/// The PID in a temporary file name made for `name`, if `file` is one.
fn temp_pid(file: &str, name: &str) -> Option<u32> {
    let rest = file
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix(MARKER)?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// Whether a samlcheck process `pid` may still be writing: `Some(true/false)` where
/// `/proc` tells, `None` where it cannot.
fn writer_alive(pid: u32) -> Option<bool> {
    if !Path::new("/proc/self").exists() {
        return None;
    }
    if pid == std::process::id() {
        // Ours is not created yet: a file with our PID is from an earlier process.
        return Some(false);
    }
    match fs::read_to_string(format!("/proc/{pid}/comm")) {
        Ok(comm) => Some(comm.trim_end().starts_with("samlcheck")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(false),
        // Exists but unreadable: assume it is alive.
        Err(_) => Some(true),
    }
}

/// Removes the temporary files for `name` in `dir` that killed runs left.
fn remove_leftovers(dir: &Path, name: &str, out: &mut Outcome) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file.to_str().and_then(|f| temp_pid(f, name)) else {
            continue;
        };
        let p = entry.path();
        // Never follow a link; only plain files are ours.
        let Ok(meta) = fs::symlink_metadata(&p) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let stale = match writer_alive(pid) {
            Some(alive) => !alive,
            None => meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > STALE_AFTER),
        };
        if stale && fs::remove_file(&p).is_ok() {
            out.removed.push(p);
        }
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename. With `keep_from` (the
/// original, for `--in-place`), the new file gets its mode, owner and group. On failure
/// the temporary file is gone and `path` is untouched.
///
/// Only a regular file is replaced: an output that exists and is something else (a
/// character device such as `/dev/null` or `/dev/stdout`, a FIFO, a socket) is written to
/// directly, since a rename would put a regular file in its place. A symbolic link is
/// followed, so the file it points to is replaced and the link stays.
pub fn write(path: &Path, bytes: &[u8], keep_from: Option<&Path>) -> Result<Outcome, String> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        if let Ok(target) = fs::canonicalize(path) {
            return write(&target, bytes, keep_from);
        }
    }
    if fs::metadata(path).is_ok_and(|m| !m.file_type().is_file() && !m.is_dir()) {
        use std::io::Write;
        return fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .and_then(|mut f| f.write_all(bytes))
            .map(|()| Outcome::default())
            .map_err(|e| e.to_string());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let mut out = Outcome::default();
    remove_leftovers(&dir, &name, &mut out);
    let tmp = dir.join(temp_name(&name, std::process::id()));
    // One with our PID is from an earlier process (ours is not created yet).
    if fs::symlink_metadata(&tmp).is_ok() && fs::remove_file(&tmp).is_ok() {
        out.removed.push(tmp.clone());
    }
    signals::install();
    signals::set_temp(Some(tmp.clone()));
    let result = write_temp(&tmp, bytes, keep_from, &mut out).and_then(|()| {
        test_hold();
        // Renamed under the lock a signal handler takes: either the handler removes the
        // temporary file first (and the rename fails), or it finds nothing to remove.
        signals::with_temp_cleared(|| fs::rename(&tmp, path).map_err(|e| e.to_string()))
    });
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        signals::set_temp(None);
        return Err(e);
    }
    // The rename is durable once the directory is.
    if let Err(e) = File::open(&dir).and_then(|d| d.sync_all()) {
        out.warnings.push(format!(
            "{} was written, but its directory could not be synced: {e}",
            path.display()
        ));
    }
    Ok(out)
}

/// Creates, fills, and (for `keep_from`) gives the temporary file the original's owner,
/// group and mode, then syncs it.
fn write_temp(
    tmp: &Path,
    bytes: &[u8],
    keep_from: Option<&Path>,
    out: &mut Outcome,
) -> Result<(), String> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    if keep_from.is_some() {
        // Nobody else reads the new content before it has the original's mode.
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(tmp)
        .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    f.write_all(bytes).map_err(|e| e.to_string())?;
    if let Some(orig) = keep_from {
        let meta = fs::metadata(orig).map_err(|e| e.to_string())?;
        #[cfg(unix)]
        keep_owner(&f, &meta, orig, out)?;
        // After the owner: changing the owner clears set-user-ID and set-group-ID bits.
        f.set_permissions(meta.permissions())
            .map_err(|e| e.to_string())?;
    }
    #[cfg(not(unix))]
    let _ = &out;
    f.sync_all().map_err(|e| e.to_string())
}

/// Gives `f` the owner and group of `meta` (the original). Root always can (a failure is
/// an error); another user keeps what the system allows and gets a warning for the rest.
#[cfg(unix)]
fn keep_owner(f: &File, meta: &fs::Metadata, orig: &Path, out: &mut Outcome) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let mine = f.metadata().map_err(|e| e.to_string())?;
    let (uid, gid) = (meta.uid(), meta.gid());
    if (mine.uid(), mine.gid()) == (uid, gid) {
        return Ok(());
    }
    let root = mine.uid() == 0;
    match std::os::unix::fs::fchown(f, Some(uid), Some(gid)) {
        Ok(()) => Ok(()),
        Err(e) if root => Err(format!(
            "cannot give the new file the owner {uid}:{gid} of the original: {e}"
        )),
        Err(_) => {
            let group_kept =
                mine.gid() == gid || std::os::unix::fs::fchown(f, None, Some(gid)).is_ok();
            let lost = match (mine.uid() == uid, group_kept) {
                (true, true) => return Ok(()),
                (false, true) => format!("owner (uid {uid})"),
                (true, false) => format!("group (gid {gid})"),
                (false, false) => format!("owner and group ({uid}:{gid})"),
            };
            out.warnings.push(format!(
                "{}: the new file could not keep the original's {lost}: only root can; it now belongs to {}:{}",
                orig.display(),
                mine.uid(),
                if group_kept { gid } else { mine.gid() }
            ));
            Ok(())
        }
    }
}

/// Tests only: `SAMLCHECK_TEST_HOLD_TEMP_MS` (at most 60000) keeps the finished temporary
/// file in place that long before the rename, so a test can signal the process while the
/// file exists.
fn test_hold() {
    if let Some(ms) = std::env::var("SAMLCHECK_TEST_HOLD_TEMP_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
}

/// Removing the temporary file on SIGINT, SIGTERM and SIGHUP.
#[cfg(unix)]
mod signals {
    use std::path::PathBuf;
    use std::sync::{Mutex, MutexGuard, Once};

    static TEMP: Mutex<Option<PathBuf>> = Mutex::new(None);
    static INSTALL: Once = Once::new();

    fn temp() -> MutexGuard<'static, Option<PathBuf>> {
        TEMP.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts the handler thread (once). It stays for the life of the process: the
    /// handler library cannot restore the default action, so the thread provides it
    /// (exit 128 + signal) after removing the temporary file, if any.
    pub fn install() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        INSTALL.call_once(|| {
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            std::thread::spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    if let Some(p) = temp().take() {
                        let _ = std::fs::remove_file(p);
                    }
                    let code = 128i32.saturating_add(sig);
                    std::process::exit(code);
                }
            });
        });
    }

    pub fn set_temp(p: Option<PathBuf>) {
        *temp() = p;
    }

    /// Runs `f` (the rename) holding the lock, then forgets the temporary file.
    pub fn with_temp_cleared<T>(f: impl FnOnce() -> T) -> T {
        let mut g = temp();
        let r = f();
        *g = None;
        r
    }
}

/// No signal handling off Unix: every error path still removes the temporary file, and the
/// next run removes one left by a killed run.
#[cfg(not(unix))]
mod signals {
    use std::path::PathBuf;
    pub fn install() {}
    pub fn set_temp(_: Option<PathBuf>) {}
    pub fn with_temp_cleared<T>(f: impl FnOnce() -> T) -> T {
        f()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_or_device_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        // Replacing /dev/null by a regular file (a rename over it, as root) broke the whole
        // machine once; a FIFO stands in for a device here.
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("out.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            assert!(
                std::env::var_os("CI").is_none(),
                "mkfifo is missing under CI"
            );
            eprintln!("skipping: mkfifo is not available");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(&fifo).unwrap())
        };
        write(&fifo, b"<x/>", None).unwrap();
        // Checked before joining: had the FIFO been replaced, the reader would wait forever.
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(reader.join().unwrap(), b"<x/>");
        assert_eq!(
            fs::read_dir(d.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        // A symbolic link is followed: the file it points to changes, the link stays.
        let real = d.path().join("real.xml");
        fs::write(&real, "old").unwrap();
        let link = d.path().join("link.xml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new", None).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn temp_names_are_recognised_exactly() {
        assert_eq!(temp_name("idp.xml", 42), ".idp.xml.samlcheck-tmp-42");
        assert_eq!(temp_pid(".idp.xml.samlcheck-tmp-42", "idp.xml"), Some(42));
        for other in [
            ".idp.xml.samlcheck-tmp-",
            ".idp.xml.samlcheck-tmp-4x2",
            ".idp.xml.samlcheck-tmp-42.bak",
            "idp.xml.samlcheck-tmp-42",
            ".sp.xml.samlcheck-tmp-42",
            ".idp.xml",
            ".idp.xml.samlcheck-tmp-99999999999999999999",
        ] {
            assert_eq!(temp_pid(other, "idp.xml"), None, "{other}");
        }
    }

    #[test]
    fn liveness() {
        if !Path::new("/proc/self").exists() {
            eprintln!("skipped: no /proc");
            return;
        }
        // Our own PID: not created yet, so a file with it is a leftover.
        assert_eq!(writer_alive(std::process::id()), Some(false));
        // A PID above any pid_max.
        assert_eq!(writer_alive(u32::MAX), Some(false));
        // PID 1 is alive but not samlcheck.
        assert_eq!(writer_alive(1), Some(false));
    }

    #[test]
    fn leftovers_of_dead_writers_go_others_stay() {
        let d = tempfile::tempdir().unwrap();
        let dead = d.path().join(temp_name("f.xml", u32::MAX));
        let unrelated = d.path().join(".g.xml.samlcheck-tmp-7");
        let similar = d.path().join(".f.xml.samlcheck-tmp-7.keep");
        for p in [&dead, &unrelated, &similar] {
            fs::write(p, "x").unwrap();
        }
        let mut out = Outcome::default();
        remove_leftovers(d.path(), "f.xml", &mut out);
        if Path::new("/proc/self").exists() {
            assert_eq!(out.removed, vec![dead.clone()]);
            assert!(!dead.exists());
        }
        assert!(unrelated.exists() && similar.exists());
    }

    #[test]
    fn an_error_leaves_no_temp_file_and_the_target_untouched() {
        let d = tempfile::tempdir().unwrap();
        // The target is a non-empty directory: the rename fails.
        let target = d.path().join("out.xml");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), "k").unwrap();
        let e = write(&target, b"<x/>", None).unwrap_err();
        assert!(!e.is_empty());
        let names: Vec<String> = fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["out.xml"], "no temporary file left");
        assert_eq!(fs::read_to_string(target.join("keep")).unwrap(), "k");
    }

    #[cfg(unix)]
    #[test]
    fn mode_owner_and_group_are_kept() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("m.xml");
        fs::write(&f, "<old/>").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o640)).unwrap();
        let root = fs::metadata(&f).unwrap().uid() == 0;
        if root {
            std::os::unix::fs::chown(&f, Some(4242), Some(4343)).unwrap();
        } else {
            eprintln!("owner part skipped: not running as root");
        }
        let out = write(&f, b"<new/>", Some(&f)).unwrap();
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let m = fs::metadata(&f).unwrap();
        assert_eq!(m.permissions().mode() & 0o7777, 0o640);
        if root {
            assert_eq!((m.uid(), m.gid()), (4242, 4343));
        }
        assert_eq!(fs::read_to_string(&f).unwrap(), "<new/>");
    }
}
