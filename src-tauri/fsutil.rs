//! File operations that must not lose data: atomic replace and move-aside (never delete).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temporary file in the same folder, fsyncs it, renames it over
/// the old file and fsyncs the folder, so a crash leaves the old or the new content, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// A temporary file's path beside `path` (its folder made), unique per write: two writers (two
/// threads of this process, or the app and the command line) never share one.
fn temp_beside(path: &Path) -> std::io::Result<(PathBuf, PathBuf)> {
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    Ok((dir, tmp))
}

/// Replaces `path` with `bytes` through a temporary file and a rename (a reader sees the old note
/// or the new one, never half of one), without waiting for the disk: for the many small files of
/// an export, whose folder is synced once at the end (`sync_dir`).
pub fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (_, tmp) = temp_beside(path)?;
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Flushes a folder's entries (the names in it) to disk; the files' data follows the system's own
/// write-back, within seconds.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let d = std::fs::File::open(dir)?;
        d.sync_all()?;
    }
    let _ = dir;
    Ok(())
}

/// Like `write_atomic`, for content written piece by piece (an export of any size): `fill` writes
/// into a buffered temporary file, which replaces `path` only if `fill` succeeds; on failure or
/// cancel it is removed and `path` is untouched.
pub fn write_atomic_with<T, E: From<std::io::Error>>(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    let (dir, tmp) = temp_beside(path)?;
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        let value = fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    #[cfg(unix)]
    if result.is_ok() {
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
    }
    let _ = dir;
    result
}

/// Renames `path` (and its SQLite `-wal`/`-shm` companions, when present) to
/// `NAME.broken-TIMESTAMP`, so the user can still recover it, and returns the new path.
pub fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut aside = path.with_file_name(format!("{name}.broken-{stamp}"));
    let mut n = 1;
    while aside.exists() {
        aside = path.with_file_name(format!("{name}.broken-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &aside)?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.exists() {
            std::fs::rename(&side, format!("{}{suffix}", aside.display()))?;
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "only the target file remains: {names:?}");
    }

    #[test]
    fn move_aside_keeps_the_file_and_its_companions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("diary.sqlite3");
        std::fs::write(&p, b"junk").unwrap();
        std::fs::write(dir.path().join("diary.sqlite3-wal"), b"wal").unwrap();
        let a = move_aside(&p).unwrap();
        assert!(!p.exists(), "original path is free");
        assert_eq!(std::fs::read(&a).unwrap(), b"junk", "bytes kept");
        assert_eq!(
            std::fs::read(format!("{}-wal", a.display())).unwrap(),
            b"wal",
            "WAL moved along"
        );
        std::fs::write(&p, b"junk2").unwrap();
        let b = move_aside(&p).unwrap();
        assert_ne!(
            a, b,
            "a second move in the same second does not overwrite the first"
        );
    }
}
