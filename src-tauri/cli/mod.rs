//! `haemong add|list|search|export|import`: the diary from a terminal, through the same binary and
//! the same data folder as the app, without opening a window (and without the single-instance
//! hand-over, so it works while the app is open: the open window notices, see
//! `app::watch_other_writers`). Exit status 0 on success, 1 on failure with one line on standard
//! error, 2 on misuse (clap's usage errors).

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::data;
use crate::db::{entries, Database};
use crate::diary::{now_ms, search, EntryInput, EntrySummary};
use crate::error::{Error, Result};

/// The app's identifier (tauri.conf.json): the folder the app keeps its data in. A test checks
/// the two agree.
pub const IDENTIFIER: &str = "app.haemong.diary";

const SUBCOMMANDS: [&str; 5] = ["add", "list", "search", "export", "import"];

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
    /// Writes the whole diary out (JSON to standard output unless --out is given).
    Export {
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Merges a Haemong JSON export into the diary: entries already there are skipped.
    Import {
        path: PathBuf,
        /// Says what would be added, skipped and refused, and changes nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
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
        Ok(()) => 0,
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
    let opened = Database::open(&diary_path()?)?;
    if let Some(aside) = opened.moved_aside {
        eprintln!(
            "haemong: the diary file could not be read; it was moved to {} and a new one started",
            aside.display()
        );
    }
    Ok(opened.db)
}

fn run(command: Command) -> Result<()> {
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
            out: None,
        } => {
            let mut w = std::io::BufWriter::new(out);
            db.call_blocking(|c| data::export_json(c, &mut w, now_ms()))?;
            w.flush()?;
        }
        Command::Export {
            format: Format::Json,
            out: Some(path),
        } => {
            let mut bytes = Vec::new();
            let n = db.call_blocking(|c| data::export_json(c, &mut bytes, now_ms()))?;
            crate::fsutil::write_atomic(&path, &bytes)?;
            if std::io::stderr().is_terminal() {
                eprintln!("{n} dreams written to {}", path.display());
            }
        }
        Command::Import { path, dry_run } => {
            let size = std::fs::metadata(&path)?.len();
            if size > data::MAX_IMPORT_BYTES {
                return Err(Error::ImportRefused(crate::error::ImportProblem::TooLarge));
            }
            let bytes = std::fs::read(&path)?;
            let r = db.call_blocking(|c| data::import_json(c, &bytes, dry_run))?;
            writeln!(
                out,
                "{}{} added, {} already there, {} refused ({} interpretations)",
                if dry_run { "dry run: " } else { "" },
                r.added,
                r.skipped,
                r.refused,
                r.interpretations
            )?;
        }
    }
    Ok(())
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
