//! `haemong add|list|search|export|import|backup|restore|interpret`: the diary from a terminal, through the same binary and
//! the same data folder as the app, without opening a window (and without the single-instance
//! hand-over, so it works while the app is open: the open window notices, see
//! `app::watch_other_writers`). Exit status 0 on success, 1 on failure with one line on standard
//! error, 2 on misuse (clap's usage errors).

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::Notice;
use crate::data::{self, backup};
use crate::db::{entries, Database};
use crate::diary::{now_ms, search, EntryInput, EntrySummary};
use crate::error::{Error, Result};
use crate::interpret::StartRequest;

/// The app's identifier (tauri.conf.json): the folder the app keeps its data in. A test checks
/// the two agree.
pub const IDENTIFIER: &str = "app.haemong.diary";

const SUBCOMMANDS: [&str; 8] = [
    "add",
    "list",
    "search",
    "export",
    "import",
    "backup",
    "restore",
    "interpret",
];

#[derive(Debug, Parser)]
#[command(
    name = "haemong",
    version,
    about = "Haemong's dream diary from the command line: the same diary as the app, which may stay open."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes a dream into the diary and prints its id. TEXT, or standard input when absent or -.
    Add {
        /// The night of the dream (YYYY-MM-DD); today when absent.
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        title: Option<String>,
        text: Option<String>,
    },
    /// The newest dreams, one per line (id, night, title).
    List {
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Dreams containing TERM (any part of a word, Korean or English), newest first.
    Search {
        term: String,
        #[arg(long)]
        json: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Writes the whole diary out: JSON (to standard output unless --out is given), or a folder
    /// of Markdown notes (--out names the folder).
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[arg(
            long,
            required_if_eq("format", "markdown"),
            required_if_eq("encrypt", "true")
        )]
        out: Option<PathBuf>,
        /// Seals the JSON export with a passphrase (the age format: `age -d` opens it too),
        /// asked twice on the terminal unless --passphrase-file is given.
        #[arg(long)]
        encrypt: bool,
        /// A file whose first line is the passphrase (for scripts; never an argument itself).
        #[arg(long, requires = "encrypt")]
        passphrase_file: Option<PathBuf>,
    },
    /// Merges dreams into the diary from a Haemong JSON export, a Markdown folder, a Day One
    /// export (.zip or .json), a jrnl JSON export, or a folder of notes; dreams already there are
    /// skipped.
    Import {
        path: PathBuf,
        /// Says what would be added, skipped and refused, and changes nothing.
        #[arg(long)]
        dry_run: bool,
        /// For an export sealed with a passphrase: a file whose first line is the passphrase
        /// (otherwise it is asked on the terminal).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Takes a verified backup: today's in the backups folder beside the diary (old ones pruned),
    /// or a copy at --out (a new file, or a dated file in that folder).
    Backup {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Replaces the diary with a backup, after copying the current diary aside.
    Restore { path: PathBuf },
    /// Interprets a dream with the provider set in the app, streaming the answer to standard
    /// output as it arrives, and saves it. ID: an entry; - : the dream from standard input.
    /// Ctrl+C stops it and keeps the partial text.
    Interpret {
        #[arg(conflicts_with = "text", required_unless_present = "text")]
        target: Option<String>,
        /// The dream itself, interpreted without saving it as an entry.
        #[arg(long)]
        text: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Markdown,
}

/// Whether these arguments ask for the command line rather than the app (a subcommand, or
/// `--help` / `--version` on their own).
pub fn wanted(args: &[OsString]) -> bool {
    match args.get(1).and_then(|a| a.to_str()) {
        Some(a) => {
            SUBCOMMANDS.contains(&a) || ["help", "-h", "--help", "-V", "--version"].contains(&a)
        }
        None => false,
    }
}

/// Runs the command line; returns the exit status.
pub fn main(args: Vec<OsString>) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match run(cli.command) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("haemong: {e}");
            1
        }
    }
}

/// The diary file the app uses on this computer.
pub fn diary_path() -> Result<PathBuf> {
    let data = dirs::data_dir()
        .ok_or_else(|| Error::Internal("this system has no data folder for apps".into()))?;
    Ok(data.join(IDENTIFIER).join("diary.sqlite3"))
}

fn open() -> Result<Database> {
    let opened =
        crate::vault::open_strict(&diary_path()?, &crate::secrets::Secrets::os_keychain())?;
    for notice in &opened.notices {
        match notice {
            Notice::DiaryRecovered { moved_to } => eprintln!(
                "haemong: the diary file could not be read; it was moved to {moved_to} and a new one started"
            ),
            Notice::DiaryNotEncrypted { reason } => {
                eprintln!("haemong: the diary is not encrypted: no keychain can keep its key ({reason})")
            }
            Notice::DiaryEncrypted => eprintln!("haemong: the diary is now encrypted"),
            Notice::EncryptionFailed { reason } => {
                eprintln!("haemong: the diary could not be encrypted this time ({reason})")
            }
            _ => {}
        }
    }
    if opened.db.is_locked() {
        // A passphrase is set: asked on the terminal (never taken from an argument or the
        // environment, where other programs could read it).
        let passphrase =
            rpassword::prompt_password("haemong: passphrase: ").map_err(|_| Error::Locked)?;
        crate::vault::unlock(&opened.db, &passphrase)?;
    }
    Ok(opened.db)
}

/// A passphrase from the first line of `file`, or asked on the terminal (`twice` for a new one).
fn passphrase(file: Option<&std::path::Path>, what: &str, twice: bool) -> Result<String> {
    if let Some(f) = file {
        let text = std::fs::read_to_string(f)?;
        return Ok(text.lines().next().unwrap_or_default().to_string());
    }
    let no_terminal = |_| {
        Error::InvalidInput(
            "the passphrase is asked on a terminal; or give --passphrase-file".into(),
        )
    };
    let first = rpassword::prompt_password(format!("haemong: {what}: ")).map_err(no_terminal)?;
    if twice {
        crate::vault::passphrase::check(&first)?;
        let again = rpassword::prompt_password("haemong: the same again: ").map_err(no_terminal)?;
        if again != first {
            return Err(Error::InvalidInput(
                "the two passphrases are not the same".into(),
            ));
        }
    }
    Ok(first)
}

fn run(command: Command) -> Result<i32> {
    let db = open()?;
    let mut out = std::io::stdout().lock();
    match command {
        Command::Add { date, title, text } => {
            let body = match text.as_deref() {
                None | Some("-") => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    s
                }
                Some(t) => t.to_string(),
            };
            let input = EntryInput {
                night: date,
                title: title.unwrap_or_default(),
                body,
                ..EntryInput::default()
            };
            let entry = db.call_blocking(|c| entries::create(c, &input))?;
            writeln!(out, "{}", entry.id)?;
        }
        Command::List { json, limit } => {
            let list = db.call_blocking(|c| entries::list(c, limit, 0))?;
            print_summaries(&mut out, &list, json)?;
        }
        Command::Search { term, json, limit } => {
            let found = db.call_blocking(|c| {
                search::search_page(c, &term, &search::Filter::default(), limit, 0)
            })?;
            print_summaries(&mut out, &found, json)?;
        }
        Command::Export {
            format: Format::Json,
            out: Some(path),
            encrypt: true,
            passphrase_file,
        } => {
            let pass = passphrase(
                passphrase_file.as_deref(),
                "passphrase for the export",
                true,
            )?;
            let n = crate::fsutil::write_atomic_with(&path, |w| {
                data::sealed::seal(w, &pass, |w| {
                    db.call_blocking(|c| data::export_json(c, w, now_ms()))
                })
            })?;
            say(&format!("{n} dreams sealed into {}", path.display()));
        }
        Command::Export {
            format: Format::Json,
            out: None,
            ..
        } => {
            let mut w = std::io::BufWriter::new(out);
            db.call_blocking(|c| data::export_json(c, &mut w, now_ms()))?;
            w.flush()?;
        }
        Command::Export {
            format: Format::Json,
            out: Some(path),
            ..
        } => {
            let mut bytes = Vec::new();
            let n = db.call_blocking(|c| data::export_json(c, &mut bytes, now_ms()))?;
            crate::fsutil::write_atomic(&path, &bytes)?;
            say(&format!("{n} dreams written to {}", path.display()));
        }
        Command::Export {
            format: Format::Markdown,
            out,
            encrypt,
            ..
        } => {
            if encrypt {
                return Err(Error::InvalidInput(
                    "--encrypt seals the JSON export; a Markdown folder is written plain".into(),
                ));
            }
            let dir = out.ok_or_else(|| Error::InvalidInput("--out is required".into()))?;
            let p = bar("exporting");
            let n = db.call_blocking(|c| data::markdown::export_markdown(c, &dir, &p))?;
            say(&format!("{n} dreams written to {}", dir.display()));
        }
        Command::Import {
            path,
            dry_run,
            passphrase_file,
        } => {
            let pass = match data::sealed::is_sealed_file(&path) {
                true => Some(passphrase(passphrase_file.as_deref(), "passphrase", false)?),
                false => None,
            };
            let p = bar("importing");
            let r =
                db.call_blocking(|c| data::import_path(c, &path, pass.as_deref(), dry_run, &p))?;
            writeln!(
                out,
                "{}{} added, {} already there, {} refused ({} interpretations{})",
                if dry_run { "dry run: " } else { "" },
                r.added,
                r.skipped,
                r.refused,
                r.interpretations,
                match r.media_skipped {
                    0 => String::new(),
                    n => format!("; {n} photos or recordings left behind"),
                }
            )?;
        }
        Command::Backup { out: dest } => {
            let diary = diary_path()?;
            let p = bar("backing up");
            let w = match dest {
                Some(dest) => {
                    backup::copy_verified(&diary, &free_place(dest)?, db.key().as_ref(), &p)?
                }
                None => {
                    let keep = settings()?.backup_keep();
                    backup::take(
                        &diary,
                        db.key().as_ref(),
                        chrono::Local::now().date_naive(),
                        keep,
                        &p,
                    )?
                }
            };
            writeln!(out, "{}\t{} dreams\tverified", w.path.display(), w.entries)?;
        }
        Command::Restore { path } => {
            let r = backup::restore(&db, &path, &bar("restoring"))?;
            writeln!(
                out,
                "{} dreams restored; the diary as it was is kept at {}",
                r.entries,
                r.previous.display()
            )?;
        }
        Command::Interpret { target, text } => {
            let request = match (target.as_deref(), text) {
                (_, Some(t)) => StartRequest {
                    content: Some(t),
                    ..StartRequest::default()
                },
                (Some("-"), None) => {
                    let mut s = String::new();
                    std::io::stdin().read_to_string(&mut s)?;
                    StartRequest {
                        content: Some(s),
                        ..StartRequest::default()
                    }
                }
                (Some(id), None) => StartRequest {
                    entry_id: Some(id.parse().map_err(|_| {
                        Error::InvalidInput(format!("{id} is not an entry id (see `haemong list`)"))
                    })?),
                    ..StartRequest::default()
                },
                (None, None) => return Err(Error::InvalidTarget("neither")),
            };
            drop(out);
            return interpret::run(db, settings()?, request);
        }
    }
    Ok(0)
}

/// Where `backup --out` writes: the path itself, or a dated file inside it when it is a folder;
/// never over an existing file (the diary itself included).
fn free_place(dest: PathBuf) -> Result<PathBuf> {
    let dest = if dest.is_dir() {
        dest.join(format!(
            "diary-{}.sqlite3",
            chrono::Local::now().format("%Y-%m-%d-%H%M%S")
        ))
    } else {
        dest
    };
    if dest.exists() {
        return Err(Error::InvalidInput(format!(
            "{} already exists; choose another name",
            dest.display()
        )));
    }
    Ok(dest)
}

/// The app's provider settings (its typed file in the app's config folder).
fn settings() -> Result<crate::settings::Settings> {
    let config = dirs::config_dir()
        .ok_or_else(|| Error::Internal("this system has no config folder for apps".into()))?;
    let path = config.join(IDENTIFIER).join("settings.json");
    Ok(crate::settings::SettingsStore::load(&path)?.store.get())
}

/// A line on standard error for a person at a terminal (scripts get only the results).
fn say(line: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("{line}");
    }
}

/// A progress line on standard error while long work runs, when it is a terminal.
fn bar(doing: &'static str) -> data::Progress {
    if !std::io::stderr().is_terminal() {
        return data::Progress::none();
    }
    data::Progress::new(move |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        eprint!("\r{doing} {pct:>3}% ({done}/{total})");
        if done >= total {
            eprintln!();
        }
    })
}

fn print_summaries(out: &mut dyn Write, list: &[EntrySummary], json: bool) -> Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, list)
            .map_err(|e| Error::Internal(e.to_string()))?;
        writeln!(out)?;
        return Ok(());
    }
    for s in list {
        let title = if s.title.is_empty() {
            s.excerpt.lines().next().unwrap_or("")
        } else {
            &s.title
        };
        writeln!(out, "{}\t{}\t{}", s.id, s.night, title)?;
    }
    Ok(())
}

mod interpret;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_folder_is_the_apps() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).unwrap();
        assert_eq!(
            conf["identifier"], IDENTIFIER,
            "the CLI opens the app's diary"
        );
    }

    #[test]
    fn only_subcommands_and_help_go_to_the_command_line() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(wanted(&args(&["haemong", "list"])));
        assert!(wanted(&args(&["haemong", "--help"])));
        assert!(!wanted(&args(&["haemong"])), "no arguments: the app");
        assert!(
            !wanted(&args(&["haemong", "--some-desktop-flag"])),
            "others: the app"
        );
    }
}
