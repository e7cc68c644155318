//! A folder of Markdown notes, one per dream: readable in Obsidian or any editor, and importable
//! back without loss. YAML front matter holds the entry's fields (`title`, `date`, `tags` as
//! everyone writes them, our own `haemong_*` keys for the rest); the dream is the body; its
//! readings follow under a heading, each block opened by an HTML comment carrying its fields
//! (invisible in a Markdown preview). Notes written by other apps come in too: front matter when
//! present, otherwise the date in the file's name or its modification time. Format:
//! docs/formats.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use yaml_rust2::{Yaml, YamlLoader};

use super::json::json_entry;
use super::{time_ms, time_string, Incoming, JsonEntry, JsonInterpretation, JsonMessage, Progress};
use crate::db::entries;
use crate::db::interpretations::Status;
use crate::db::messages::Role;
use crate::diary::{Flags, Mood};
use crate::error::{Error, ImportProblem, Result};
use crate::events::Usage;

const READINGS: &str = "\n## Interpretations\n";
const MARK: &str = "\n\n<!-- haemong:";
/// Notes larger than this are not dreams (the diary's own limit is far lower): left out.
const MAX_NOTE_BYTES: u64 = 8 << 20;

/// A reading's fields besides its texts, in its block's comment.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadingMeta {
    style: String,
    provider: String,
    model: String,
    status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    finish_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    usage: Option<Usage>,
    started_at: String,
    finished_at: String,
}

/// A follow-up turn's fields besides its texts.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageMeta {
    role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    finish_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error_kind: Option<String>,
    started_at: String,
    finished_at: String,
}

/// Writes every entry as `YYYY-MM-DD-title.md` into `dir` (made when missing); a note of the same
/// name is replaced, other files are left alone. Returns how many.
pub fn export_markdown(c: &mut Connection, dir: &Path, progress: &Progress) -> Result<usize> {
    std::fs::create_dir_all(dir)?;
    let ids = entries::ids_in_order(c)?;
    let mut used = std::collections::HashSet::new();
    for (n, id) in ids.iter().enumerate() {
        progress.step(n as u64, ids.len() as u64)?;
        let e = json_entry(c, *id)?;
        let name = file_name(&e, &mut used);
        crate::fsutil::write_replacing(&dir.join(name), note(&e).as_bytes())?;
    }
    crate::fsutil::sync_dir(dir)?;
    progress.step(ids.len() as u64, ids.len() as u64)?;
    Ok(ids.len())
}

/// A folder that does not exist yet inside `parent`, for an export from the window: `Haemong
/// 2026-11-30`, `Haemong 2026-11-30 (2)`, … so a second export never mixes with the first.
pub fn new_folder_in(parent: &Path) -> PathBuf {
    let base = format!("Haemong {}", Local::now().format("%Y-%m-%d"));
    let mut dir = parent.join(&base);
    let mut n = 2;
    while dir.exists() {
        dir = parent.join(format!("{base} ({n})"));
        n += 1;
    }
    dir
}

/// `2026-11-28-돼지꿈.md`; `-2`, `-3`, … when two dreams of a night share a title.
fn file_name(e: &JsonEntry, used: &mut std::collections::HashSet<String>) -> String {
    let source = if e.title.trim().is_empty() {
        e.text.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
    } else {
        &e.title
    };
    let mut slug = String::new();
    for ch in source.chars() {
        if ch.is_alphanumeric() {
            slug.extend(ch.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.chars().count() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let base = if slug.is_empty() {
        format!("{}-dream", e.night)
    } else {
        format!("{}-{slug}", e.night)
    };
    let mut name = format!("{base}.md");
    let mut n = 2;
    // Case-insensitive file systems (macOS, Windows) see `Snake` and `snake` as one file.
    while !used.insert(name.to_lowercase()) {
        name = format!("{base}-{n}.md");
        n += 1;
    }
    name
}

/// A YAML string that any YAML reader takes back as exactly this text (JSON's quoting is YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// JSON for a block's comment: `>` escaped, so no value can end the comment early.
fn meta_json<T: Serialize>(meta: &T) -> String {
    serde_json::to_string(meta)
        .unwrap_or_default()
        .replace('>', "\\u003e")
}

/// One entry as a note.
pub fn note(e: &JsonEntry) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", quoted(&e.title));
    let _ = writeln!(s, "date: {}", e.night);
    let tags: Vec<String> = e.tags.iter().map(|t| quoted(t)).collect();
    let _ = writeln!(s, "tags: [{}]", tags.join(", "));
    let _ = writeln!(s, "haemong_id: {}", quoted(&e.id));
    let flags: Vec<&str> = [
        (e.flags.lucid, "lucid"),
        (e.flags.nightmare, "nightmare"),
        (e.flags.recurring, "recurring"),
        (e.flags.vivid, "vivid"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    let _ = writeln!(s, "haemong_flags: [{}]", flags.join(", "));
    if let Some(m) = e.mood {
        let _ = writeln!(s, "haemong_mood: {}", m.id());
    }
    if let Some(q) = e.sleep {
        let _ = writeln!(s, "haemong_sleep: {q}");
    }
    let _ = writeln!(s, "haemong_created: {}", quoted(&e.created_at));
    let _ = writeln!(s, "haemong_updated: {}", quoted(&e.updated_at));
    s.push_str("---\n\n");
    s.push_str(&e.text);
    s.push('\n');
    if e.interpretations.is_empty() {
        return s;
    }
    s.push_str(READINGS);
    for i in &e.interpretations {
        let meta = ReadingMeta {
            style: i.style.clone(),
            provider: i.provider.clone(),
            model: i.model.clone(),
            status: i.status,
            finish_reason: i.finish_reason.clone(),
            error_kind: i.error_kind.clone(),
            usage: i.usage,
            started_at: i.started_at.clone(),
            finished_at: i.finished_at.clone(),
        };
        let heading = format!("### {} · {}", when(&i.started_at), one_line(&i.model));
        block(&mut s, "reading", &meta_json(&meta), &heading, &i.text);
        if !i.reasoning.is_empty() {
            block(&mut s, "thinking", "", "#### Thinking", &i.reasoning);
        }
        for m in &i.thread {
            let meta = MessageMeta {
                role: m.role,
                status: m.status,
                model: m.model.clone(),
                finish_reason: m.finish_reason.clone(),
                error_kind: m.error_kind.clone(),
                started_at: m.started_at.clone(),
                finished_at: m.finished_at.clone(),
            };
            let heading = match m.role {
                Role::User => "#### Question",
                Role::Assistant => "#### Answer",
            };
            block(&mut s, "message", &meta_json(&meta), heading, &m.text);
            if !m.reasoning.is_empty() {
                block(&mut s, "thinking", "", "#### Thinking", &m.reasoning);
            }
        }
    }
    s
}

/// `\n<!-- haemong:KIND META -->\nHEADING\n\nTEXT\n`: the reader splits on the comment, so the
/// text comes back byte for byte.
fn block(s: &mut String, kind: &str, meta: &str, heading: &str, text: &str) {
    let _ = write!(s, "\n<!-- haemong:{kind}");
    if !meta.is_empty() {
        let _ = write!(s, " {meta}");
    }
    let _ = write!(s, " -->\n{heading}\n\n{text}\n");
}

fn when(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// Every note (`.md`, `.markdown`, `.txt`) in `dir` and its subfolders, hidden folders (an
/// Obsidian vault's `.obsidian`) and links left out, in path order.
pub fn read_folder(dir: &Path) -> Result<Incoming> {
    let mut files = Vec::new();
    collect(dir, &mut files, 0)?;
    files.sort();
    if files.is_empty() {
        return Err(Error::ImportRefused(ImportProblem::NoNotes));
    }
    let mut incoming = Incoming::default();
    let mut total = 0u64;
    for f in files {
        let size = std::fs::metadata(&f)?.len();
        total += size;
        if total > super::MAX_IMPORT_BYTES {
            return Err(Error::ImportRefused(ImportProblem::TooLarge));
        }
        if size > MAX_NOTE_BYTES {
            incoming.unreadable += 1;
            continue;
        }
        match String::from_utf8(std::fs::read(&f)?) {
            Ok(text) => incoming.entries.push(read_note(&f, &text)?),
            Err(_) => incoming.unreadable += 1,
        }
    }
    Ok(incoming)
}

fn collect(dir: &Path, into: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for item in std::fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = item.file_type()?;
        let path = item.path();
        if kind.is_dir() {
            collect(&path, into, depth + 1)?;
        } else if kind.is_file() && is_note(&path) {
            into.push(path);
        }
    }
    Ok(())
}

fn is_note(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    ["md", "markdown", "txt", "text"]
        .iter()
        .any(|e| e.eq_ignore_ascii_case(ext))
}

/// One note as an entry: ours come back whole; anyone else's as well as its front matter allows.
pub fn read_note(path: &Path, text: &str) -> Result<JsonEntry> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Our notes use \n and are read byte for byte (a dream may hold \r\n); a note saved by a
    // Windows editor gets its line ends made plain.
    let normalised;
    let text = if text.starts_with("---\n") {
        text
    } else {
        normalised = text.replace("\r\n", "\n");
        &normalised
    };
    let (front, rest) = split_front_matter(text);
    let yaml = front.map(front_matter).unwrap_or(Yaml::Null);
    let ours = yaml["haemong_id"].as_str().is_some();
    let (body, readings) = if ours {
        split_readings(rest)
    } else {
        (rest.trim_matches('\n').to_string(), Vec::new())
    };
    let (title, body) = match yaml["title"].as_str() {
        Some(t) => (t.to_string(), body),
        None if !ours => heading_title(&body),
        None => (String::new(), body),
    };
    let modified = file_time(path);
    let night = yaml_date(&yaml["date"])
        .or_else(|| name_date(path))
        .unwrap_or_else(|| {
            DateTime::from_timestamp_millis(modified)
                .map(|t| t.with_timezone(&Local).format("%Y-%m-%d").to_string())
                .unwrap_or_default()
        });
    let id = yaml["haemong_id"]
        .as_str()
        .filter(|s| uuid::Uuid::parse_str(s).is_ok())
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let time = |key: &str| {
        yaml[key]
            .as_str()
            .filter(|s| time_ms(s).is_some())
            .map(str::to_string)
            .unwrap_or_else(|| time_string(modified))
    };
    let flag_names: Vec<String> = strings(&yaml["haemong_flags"]);
    let has = |f: &str| flag_names.iter().any(|n| n == f);
    Ok(JsonEntry {
        id,
        night,
        title,
        text: body,
        created_at: time("haemong_created"),
        updated_at: time("haemong_updated"),
        tags: strings(&yaml["tags"]),
        flags: Flags {
            lucid: has("lucid"),
            nightmare: has("nightmare"),
            recurring: has("recurring"),
            vivid: has("vivid"),
        },
        mood: yaml["haemong_mood"].as_str().and_then(Mood::parse),
        sleep: yaml["haemong_sleep"]
            .as_i64()
            .and_then(|n| u8::try_from(n).ok()),
        interpretations: readings,
    })
}

/// Front matter at most this long is read (ours is a few hundred bytes).
const MAX_FRONT_MATTER: usize = 64 * 1024;
/// Nesting deeper than this is no note's front matter.
const MAX_YAML_DEPTH: usize = 16;

/// The front matter as YAML, or nothing when it is too long, too deep, or uses aliases: an alias
/// is copied whole wherever it is used, so a few hundred bytes of them ("billion laughs") could
/// take all the memory there is.
fn front_matter(f: &str) -> Yaml {
    use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
    struct Guard {
        depth: usize,
        bad: bool,
    }
    impl MarkedEventReceiver for Guard {
        fn on_event(&mut self, ev: Event, _: yaml_rust2::scanner::Marker) {
            match ev {
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    self.depth += 1;
                    self.bad |= self.depth > MAX_YAML_DEPTH;
                }
                Event::SequenceEnd | Event::MappingEnd => self.depth = self.depth.saturating_sub(1),
                Event::Alias(_) => self.bad = true,
                _ => {}
            }
        }
    }
    if f.len() > MAX_FRONT_MATTER {
        return Yaml::Null;
    }
    let mut guard = Guard {
        depth: 0,
        bad: false,
    };
    if Parser::new_from_str(f).load(&mut guard, false).is_err() || guard.bad {
        return Yaml::Null;
    }
    YamlLoader::load_from_str(f)
        .ok()
        .and_then(|mut docs| (!docs.is_empty()).then(|| docs.swap_remove(0)))
        .unwrap_or(Yaml::Null)
}

fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(after) = text.strip_prefix("---\n") else {
        return (None, text);
    };
    if let Some(end) = after.find("\n---\n") {
        return (Some(&after[..end + 1]), &after[end + 5..]);
    }
    match after.strip_suffix("\n---") {
        Some(front) => (Some(front), ""),
        None => (None, text),
    }
}

/// Our note's body and readings (see `note` and `block` for the layout they undo).
fn split_readings(rest: &str) -> (String, Vec<JsonInterpretation>) {
    let rest = rest.strip_prefix('\n').unwrap_or(rest);
    // The body ends where the exporter's newline, the heading and the first block follow it.
    let (body, tail) = match rest.find(&format!("\n{READINGS}{}", &MARK[1..])) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest.strip_suffix('\n').unwrap_or(rest), ""),
    };
    let mut readings: Vec<JsonInterpretation> = Vec::new();
    let parts: Vec<&str> = tail.split(MARK).skip(1).collect();
    let last = parts.len().saturating_sub(1);
    for (n, part) in parts.into_iter().enumerate() {
        let part = if n == last {
            part.strip_suffix('\n').unwrap_or(part)
        } else {
            part
        };
        let mut lines = part.splitn(3, '\n');
        let marker = lines.next().unwrap_or("");
        let _heading = lines.next();
        let text = lines.next().unwrap_or("");
        let text = text.strip_prefix('\n').unwrap_or(text).to_string();
        let marker = marker.strip_suffix(" -->").unwrap_or(marker);
        let (kind, meta) = marker.split_once(' ').unwrap_or((marker, ""));
        match kind {
            "reading" => {
                let Ok(m) = serde_json::from_str::<ReadingMeta>(meta) else {
                    continue;
                };
                readings.push(JsonInterpretation {
                    style: m.style,
                    provider: m.provider,
                    model: m.model,
                    status: m.status,
                    text,
                    reasoning: String::new(),
                    finish_reason: m.finish_reason,
                    error_kind: m.error_kind,
                    usage: m.usage,
                    started_at: m.started_at,
                    finished_at: m.finished_at,
                    thread: Vec::new(),
                });
            }
            "message" => {
                let (Some(r), Ok(m)) = (
                    readings.last_mut(),
                    serde_json::from_str::<MessageMeta>(meta),
                ) else {
                    continue;
                };
                r.thread.push(JsonMessage {
                    role: m.role,
                    text,
                    reasoning: String::new(),
                    status: m.status,
                    model: m.model,
                    finish_reason: m.finish_reason,
                    error_kind: m.error_kind,
                    started_at: m.started_at,
                    finished_at: m.finished_at,
                });
            }
            "thinking" => {
                let Some(r) = readings.last_mut() else {
                    continue;
                };
                match r.thread.last_mut() {
                    Some(m) => m.reasoning = text,
                    None => r.reasoning = text,
                }
            }
            _ => {}
        }
    }
    (body.to_string(), readings)
}

/// A note that starts with `# Heading`: the heading is its title.
fn heading_title(body: &str) -> (String, String) {
    let first = body.lines().next().unwrap_or("");
    match first.strip_prefix("# ") {
        Some(title) => (
            title.trim().to_string(),
            body[first.len()..].trim_start_matches('\n').to_string(),
        ),
        None => (String::new(), body.to_string()),
    }
}

/// `date:` as a day (`2026-11-28`, or the day of a date-time).
fn yaml_date(v: &Yaml) -> Option<String> {
    let s = v.as_str()?;
    let day = s.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|_| day.to_string())
}

/// A file named like `2026-11-28-snake.md` (our export, Obsidian's daily notes).
fn name_date(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let day = name.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|_| day.to_string())
}

fn file_time(path: &Path) -> i64 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(crate::diary::now_ms, |d| d.as_millis() as i64)
}

/// A list of strings (`[a, b]`), or one string of comma-separated ones (`tags: a, b`).
fn strings(v: &Yaml) -> Vec<String> {
    match v {
        Yaml::Array(items) => items
            .iter()
            .filter_map(|i| match i {
                Yaml::String(s) => Some(s.clone()),
                Yaml::Integer(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Yaml::String(s) => s
            .split(',')
            .map(|t| t.trim().trim_start_matches('#').to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::fixture::{export, rich};
    use crate::db::Database;

    fn round_trip_folder(from: &Database) -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        from.call_blocking(|c| export_markdown(c, dir.path(), &Progress::none()))
            .unwrap();
        let to = Database::open_in_memory().unwrap();
        let r = to
            .call_blocking(|c| {
                crate::data::import_path(c, dir.path(), None, false, &Progress::none())
            })
            .unwrap();
        assert_eq!(r.refused, 0, "every note came back: {r:?}");
        (dir, to)
    }

    #[test]
    fn a_markdown_folder_round_trip_loses_nothing() {
        let from = Database::open_in_memory().unwrap();
        rich(&from);
        let (dir, to) = round_trip_folder(&from);
        assert_eq!(
            export(&to, 1),
            export(&from, 1),
            "the diary read back from Markdown is the diary that wrote it"
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "2026-11-01-a-snake-in-the-garden.md",
                "2026-11-28-돼지꿈.md"
            ]
        );
        let pig = std::fs::read_to_string(dir.path().join("2026-11-28-돼지꿈.md")).unwrap();
        assert!(
            pig.starts_with(
                "---\ntitle: \"돼지꿈 🐷\"\ndate: 2026-11-28\ntags: [\"재물\", \"family\"]\n"
            ),
            "{pig}"
        );
        assert!(
            pig.contains("\n## Interpretations\n"),
            "readings under a heading"
        );
        assert!(
            pig.contains("\n길몽입니다.\n"),
            "a reading is plain text in the note"
        );
    }

    #[test]
    fn texts_with_trailing_newlines_markers_and_front_matter_lookalikes_come_back_exactly() {
        let from = Database::open_in_memory().unwrap();
        let odd = [
            "ends with newlines\n\n",
            "---\nnot: front matter\n---\n",
            "\n\nstarts with newlines",
            "## Interpretations\n\nwritten by the dreamer",
        ];
        from.call_blocking(|c| {
            for (n, body) in odd.iter().enumerate() {
                entries::create(
                    c,
                    &crate::diary::EntryInput {
                        night: Some(format!("2026-10-0{}", n + 1)),
                        body: body.to_string(),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
        let (_dir, to) = round_trip_folder(&from);
        assert_eq!(export(&to, 1), export(&from, 1), "byte for byte");
    }

    #[test]
    fn notes_from_other_apps_come_in_by_their_front_matter_name_or_heading() {
        let dir = tempfile::tempdir().unwrap();
        let w = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        w(
            "flying.md",
            "---\ntitle: Flying\ndate: 2024-05-06T07:00:00+09:00\ntags: [lucid-ish, 비행]\n---\n\nI flew over the sea.\n",
        );
        w("2023-01-02 snake.txt", "뱀이 나왔다.\r\n");
        w("untitled.md", "# The house\n\nRooms without end.\n");
        std::fs::create_dir(dir.path().join(".obsidian")).unwrap();
        std::fs::write(dir.path().join(".obsidian/app.md"), "settings").unwrap();
        std::fs::write(dir.path().join("photo.jpg"), [0xff, 0xd8]).unwrap();
        w("bad.md", "");
        std::fs::write(dir.path().join("latin1.txt"), [b'c', b'a', b'f', 0xe9]).unwrap();
        let inc = read_folder(dir.path()).unwrap();
        assert_eq!(
            inc.unreadable, 1,
            "the Latin-1 note is counted, not guessed at"
        );
        let by_title = |t: &str| inc.entries.iter().find(|e| e.title == t).unwrap();
        let flying = by_title("Flying");
        assert_eq!(
            (flying.night.as_str(), flying.text.as_str()),
            ("2024-05-06", "I flew over the sea.")
        );
        assert_eq!(flying.tags, ["lucid-ish", "비행"]);
        let house = by_title("The house");
        assert_eq!(
            house.text, "Rooms without end.",
            "the heading became the title"
        );
        let snake = inc
            .entries
            .iter()
            .find(|e| e.text == "뱀이 나왔다.")
            .unwrap();
        assert_eq!(snake.night, "2023-01-02", "the date in the file's name");
        assert_eq!(inc.entries.len(), 4, "hidden folders and pictures left out");
        let db = Database::open_in_memory().unwrap();
        let r = db
            .call_blocking(|c| crate::data::merge(c, &inc, false, &Progress::none()))
            .unwrap();
        assert_eq!(
            (r.added, r.refused),
            (3, 2),
            "the empty note and the Latin-1 one refused"
        );
    }

    #[test]
    fn hostile_front_matter_is_ignored_not_expanded() {
        let mut laughs = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (n, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
        {
            laughs.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        let deep = format!("title: {}x{}\n", "[".repeat(10_000), "]".repeat(10_000));
        for front in [laughs, deep] {
            let note = format!("---\n{front}---\n\n꿈 내용\n");
            let e = read_note(Path::new("2024-01-02-x.md"), &note).unwrap();
            assert_eq!(e.title, "", "the front matter was not used");
            assert_eq!(e.night, "2024-01-02");
        }
    }

    #[test]
    fn a_dream_with_windows_line_ends_comes_back_byte_for_byte_and_a_windows_note_is_read() {
        let from = Database::open_in_memory().unwrap();
        from.call_blocking(|c| {
            entries::create(
                c,
                &crate::diary::EntryInput {
                    night: Some("2026-10-01".into()),
                    body: "first line\r\nsecond line\r\n".into(),
                    ..Default::default()
                },
            )
        })
        .unwrap();
        let (_dir, to) = round_trip_folder(&from);
        assert_eq!(export(&to, 1), export(&from, 1), "\\r\\n kept");
        let e = read_note(
            Path::new("n.md"),
            "---\r\ntitle: Win\r\ndate: 2024-02-03\r\n---\r\n\r\nbody\r\n",
        )
        .unwrap();
        assert_eq!(
            (e.title.as_str(), e.night.as_str(), e.text.as_str()),
            ("Win", "2024-02-03", "body")
        );
    }

    #[test]
    fn a_folder_without_notes_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.jpg"), [1]).unwrap();
        assert!(matches!(
            read_folder(dir.path()),
            Err(Error::ImportRefused(ImportProblem::NoNotes))
        ));
    }
}
