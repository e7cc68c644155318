//! Settings → Data's work, one job at a time: exports read from their own snapshot connection (the
//! app's autosave never waits for them), an import or a restore goes through the diary's writer,
//! and a running job can be cancelled. Paths come from the native file dialog in Rust, never from
//! the webview; a restore names a backup by its file name, checked against the backups folder.
//! No tauri here.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::backup::{self, BackupInfo, Keep, Restored, Written};
use super::{Progress, Report};
use crate::db::Database;
use crate::error::{Error, Result};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub path: PathBuf,
    pub entries: usize,
}

/// The job running now, if any (its progress holds the cancel switch).
#[derive(Default)]
pub struct DataJobs {
    running: Mutex<Option<Arc<Progress>>>,
    /// A sealed file the user picked whose passphrase is being asked for: the next import given a
    /// passphrase opens it without a second dialog (the webview never learns where it is).
    sealed_waiting: Mutex<Option<PathBuf>>,
}

/// Clears the running job when the work ends, however it ends.
struct Running<'a> {
    jobs: &'a DataJobs,
    progress: Arc<Progress>,
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        let mut slot = self.jobs.running.lock().unwrap_or_else(|p| p.into_inner());
        *slot = None;
    }
}

impl DataJobs {
    fn begin(&self, progress: Progress) -> Result<Running<'_>> {
        let mut slot = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return Err(Error::DataBusy);
        }
        let progress = Arc::new(progress);
        *slot = Some(progress.clone());
        Ok(Running {
            jobs: self,
            progress,
        })
    }

    /// `Error::DataBusy` when a job runs: asked before a dialog opens, so nobody picks a file for
    /// nothing.
    pub fn ensure_idle(&self) -> Result<()> {
        match self.busy() {
            true => Err(Error::DataBusy),
            false => Ok(()),
        }
    }

    /// Cancels the running job; false when none runs.
    pub fn cancel(&self) -> bool {
        let slot = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(p) => {
                p.cancel();
                true
            }
            None => false,
        }
    }

    pub fn busy(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Runs `work` on the blocking pool as the one data job, with `progress`.
    async fn run<T: Send + 'static>(
        &self,
        progress: Progress,
        work: impl FnOnce(&Progress) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let running = self.begin(progress)?;
        let p = running.progress.clone();
        tokio::task::spawn_blocking(move || work(&p)).await?
    }

    /// The whole diary as Haemong JSON at `path` (written whole or not at all), sealed with
    /// `passphrase` (age) when one is given.
    pub async fn export_json(
        &self,
        db: &Database,
        path: PathBuf,
        passphrase: Option<String>,
        progress: Progress,
    ) -> Result<Exported> {
        db.call(super::json::assign_missing_ids).await?;
        let db = db.clone();
        self.run(progress, move |p| {
            let mut c = db.snapshot()?;
            let entries = crate::fsutil::write_atomic_with(&path, |w| {
                let now = crate::diary::now_ms();
                match &passphrase {
                    Some(pass) => {
                        super::sealed::seal(w, pass, |w| super::json::write_json(&mut c, w, now, p))
                    }
                    None => super::json::write_json(&mut c, w, now, p),
                }
            })?;
            Ok(Exported { path, entries })
        })
        .await
    }

    /// Every entry as a Markdown note in the folder `dir`.
    pub async fn export_markdown(
        &self,
        db: &Database,
        dir: PathBuf,
        progress: Progress,
    ) -> Result<Exported> {
        db.call(super::json::assign_missing_ids).await?;
        let db = db.clone();
        self.run(progress, move |p| {
            let mut c = db.snapshot()?;
            let entries = super::markdown::export_markdown(&mut c, &dir, p)?;
            Ok(Exported { path: dir, entries })
        })
        .await
    }

    /// Merges the file or folder at `path` (any format `read_any` knows) into the diary. A sealed
    /// file whose passphrase is missing or wrong waits for the next try (`sealed_waiting`).
    pub async fn import(
        &self,
        db: &Database,
        path: PathBuf,
        passphrase: Option<String>,
        progress: Progress,
    ) -> Result<Report> {
        let db = db.clone();
        let asked = path.clone();
        let done = self
            .run(progress, move |p| {
                let incoming = super::read_any(&path, passphrase.as_deref())?;
                p.check()?;
                db.call_blocking(|c| super::merge(c, &incoming, false, p))
            })
            .await;
        let again = matches!(
            done,
            Err(Error::PassphraseNeeded | Error::WrongFilePassphrase)
        );
        *self.sealed_slot() = again.then_some(asked);
        done
    }

    /// The sealed file waiting for its passphrase, if any (taken: a later import picks anew).
    pub fn take_sealed_waiting(&self) -> Option<PathBuf> {
        self.sealed_slot().take()
    }

    fn sealed_slot(&self) -> std::sync::MutexGuard<'_, Option<PathBuf>> {
        self.sealed_waiting
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The backups beside the diary, newest first.
    pub async fn backups(&self, db: &Database) -> Result<Vec<BackupInfo>> {
        let (dir, key) = (backups_of(db)?, db.key());
        tokio::task::spawn_blocking(move || backup::list(&dir, key.as_ref())).await?
    }

    /// Today's backup now (replacing one taken earlier today).
    pub async fn backup_now(
        &self,
        db: &Database,
        keep: Keep,
        progress: Progress,
    ) -> Result<Written> {
        let (diary, key) = (diary_of(db)?, db.key());
        self.run(progress, move |p| {
            let today = chrono::Local::now().date_naive();
            backup::take(&diary, key.as_ref(), today, keep, p)
        })
        .await
    }

    /// The automatic backup: taken when one is due (see `backup::due`) and no other job runs.
    pub async fn backup_if_due(&self, db: &Database, keep: Keep) -> Result<Option<Written>> {
        let today = chrono::Local::now().date_naive();
        let (check, diary) = (db.clone(), diary_of(db)?);
        let result = self
            .run(Progress::none(), move |p| {
                if !backup::due(&check, today)? {
                    return Ok(None);
                }
                backup::take(&diary, check.key().as_ref(), today, keep, p).map(Some)
            })
            .await;
        match result {
            Err(Error::DataBusy) => Ok(None),
            other => other,
        }
    }

    /// Replaces the diary with the backup named `name` (a file in the backups folder).
    pub async fn restore(
        &self,
        db: &Database,
        name: String,
        progress: Progress,
    ) -> Result<Restored> {
        let dir = backups_of(db)?;
        let listed = backup::list(&dir, db.key().as_ref())?
            .into_iter()
            .any(|b| b.name == name);
        if !listed {
            return Err(Error::InvalidInput("no such backup".into()));
        }
        let db = db.clone();
        self.run(progress, move |p| backup::restore(&db, &dir.join(name), p))
            .await
    }
}

fn diary_of(db: &Database) -> Result<PathBuf> {
    db.path()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::Internal("the diary has no file (it could not be opened)".into()))
}

fn backups_of(db: &Database) -> Result<PathBuf> {
    Ok(backup::folder_of(&diary_of(db)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entries;
    use crate::diary::EntryInput;

    fn diary() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("diary.sqlite3"))
            .unwrap()
            .db;
        db.call_blocking(|c| {
            let tx = c.transaction()?;
            for n in 0..300 {
                let body = format!("꿈 {n}");
                entries::create(
                    &tx,
                    &EntryInput {
                        body,
                        ..Default::default()
                    },
                )?;
            }
            Ok(tx.commit()?)
        })
        .unwrap();
        (dir, db)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_job_at_a_time_and_a_cancelled_export_leaves_no_file() {
        let (dir, db) = diary();
        let jobs = Arc::new(DataJobs::default());
        let (gate_tx, gate_rx) = std::sync::mpsc::channel::<()>();
        let gate = Mutex::new(gate_rx);
        let out = dir.path().join("out.json");
        // The first progress report waits until the test has tried a second job and cancelled.
        let slow = Progress::new(move |_, _| {
            let _ = gate.lock().unwrap().recv();
        });
        let export = {
            let (jobs, db, out) = (jobs.clone(), db.clone(), out.clone());
            tokio::spawn(async move { jobs.export_json(&db, out, None, slow).await })
        };
        while !jobs.busy() {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let second = jobs.import(&db, out.clone(), None, Progress::none()).await;
        assert!(
            matches!(second, Err(Error::DataBusy)),
            "a second job is refused: {second:?}"
        );
        assert!(jobs.cancel(), "the running job takes the cancel");
        gate_tx.send(()).unwrap();
        let got = export.await.unwrap();
        assert!(matches!(got, Err(Error::Cancelled)), "{got:?}");
        assert!(!out.exists(), "a cancelled export writes nothing");
        assert!(!jobs.busy(), "and the slot is free again");
        let done = jobs
            .export_json(&db, out.clone(), None, Progress::none())
            .await
            .unwrap();
        assert_eq!(done.entries, 300);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary files: {leftovers:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_sealed_export_waits_for_its_passphrase_and_comes_in_whole() {
        let (dir, db) = diary();
        let jobs = DataJobs::default();
        let out = dir.path().join("out.json.age");
        let pass = || Some("tide lantern 3".to_string());
        let done = jobs
            .export_json(&db, out.clone(), pass(), Progress::none())
            .await
            .unwrap();
        assert_eq!(done.entries, 300);
        assert!(super::super::sealed::is_sealed_file(&out));

        let other = Database::open(&dir.path().join("other.sqlite3"))
            .unwrap()
            .db;
        let asked = jobs
            .import(&other, out.clone(), None, Progress::none())
            .await;
        assert!(matches!(asked, Err(Error::PassphraseNeeded)), "{asked:?}");
        assert_eq!(
            jobs.take_sealed_waiting(),
            Some(out.clone()),
            "the file waits for it"
        );
        let wrong = jobs
            .import(
                &other,
                out.clone(),
                Some("tide lantern 4".into()),
                Progress::none(),
            )
            .await;
        assert!(
            matches!(wrong, Err(Error::WrongFilePassphrase)),
            "{wrong:?}"
        );
        assert_eq!(
            jobs.take_sealed_waiting(),
            Some(out.clone()),
            "and again after a wrong one"
        );
        assert_eq!(jobs.take_sealed_waiting(), None, "taken once");
        let report = jobs
            .import(&other, out.clone(), pass(), Progress::none())
            .await
            .unwrap();
        assert_eq!(report.added, 300, "every dream in one go");
        assert_eq!(
            jobs.take_sealed_waiting(),
            None,
            "nothing waits after it opened"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_restore_names_a_backup_and_nothing_else() {
        let (dir, db) = diary();
        let jobs = DataJobs::default();
        let taken = jobs
            .backup_now(&db, Keep::default(), Progress::none())
            .await
            .unwrap();
        assert_eq!(taken.entries, 300);
        let listed = jobs.backups(&db).await.unwrap();
        assert_eq!(listed.len(), 1);
        let outside = dir.path().join("diary.sqlite3").display().to_string();
        for name in [
            outside.as_str(),
            "../diary.sqlite3",
            "diary-2020-01-01.sqlite3",
        ] {
            let r = jobs.restore(&db, name.into(), Progress::none()).await;
            assert!(matches!(r, Err(Error::InvalidInput(_))), "{name}: {r:?}");
        }
        let r = jobs
            .restore(&db, listed[0].name.clone(), Progress::none())
            .await
            .unwrap();
        assert_eq!(r.entries, 300);
    }
}
