//! Other journals' exports, read into Haemong's model: Day One (its JSON export, or the `.zip`
//! holding it) and jrnl (`jrnl --export json`). Whatever JSON arrives is told apart here, our own
//! export included. Attachments (photos, audio, …) are left behind and counted.

use std::io::Read;

use serde_json::Value;

use super::{time_string, Incoming, JsonEntry, MAX_IMPORT_BYTES};
use crate::error::{Error, ImportProblem, Result};

/// A Haemong, Day One or jrnl JSON export, told apart by its shape.
pub fn any_json(bytes: &[u8]) -> Result<Incoming> {
    use ImportProblem::*;
    if std::str::from_utf8(bytes).is_err() {
        return Err(Error::ImportRefused(NotUtf8));
    }
    // A Haemong export is told by its `format` before anything else is parsed (one pass over a
    // large file, not a tree of it).
    if let Some(doc) = super::json::entries_if_ours(bytes)? {
        return Ok(doc.into());
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|_| Error::ImportRefused(NotJson))?;
    let entries = doc["entries"]
        .as_array()
        .ok_or(Error::ImportRefused(UnknownJournal))?;
    let first = entries.first();
    if doc.get("metadata").is_some() || first.is_some_and(|e| e.get("creationDate").is_some()) {
        return day_one(entries);
    }
    if first.map_or(true, |e| e.get("body").is_some() && e.get("date").is_some()) {
        return jrnl(entries);
    }
    Err(Error::ImportRefused(UnknownJournal))
}

/// Day One's `.zip` export: every journal (`*.json`) in it; the photos beside them are skipped.
/// Refused whole when broken, when a path would leave the folder (`../`), or when it unpacks to
/// more than an export can be.
pub fn day_one_zip<R: std::io::Read + std::io::Seek>(archive: R) -> Result<Incoming> {
    use ImportProblem::*;
    let mut zip = zip::ZipArchive::new(archive).map_err(|_| Error::ImportRefused(BadArchive))?;
    let mut journals = Vec::new();
    let mut unpacked = 0u64;
    for i in 0..zip.len() {
        let file = zip
            .by_index(i)
            .map_err(|_| Error::ImportRefused(BadArchive))?;
        if file.enclosed_name().is_none() {
            return Err(Error::ImportRefused(UnsafeArchive));
        }
        let name = file.name().to_string();
        let top_level_json = !name.contains('/') && name.to_ascii_lowercase().ends_with(".json");
        if top_level_json {
            // Only the journals are unpacked, so only they count against the limit.
            unpacked = unpacked.saturating_add(file.size());
            if unpacked > MAX_IMPORT_BYTES {
                return Err(Error::ImportRefused(UnsafeArchive));
            }
            journals.push(i);
        }
    }
    if journals.is_empty() {
        return Err(Error::ImportRefused(UnknownJournal));
    }
    let mut all = Incoming::default();
    for i in journals {
        let file = zip
            .by_index(i)
            .map_err(|_| Error::ImportRefused(BadArchive))?;
        let mut json = Vec::new();
        // Read no more than it claims: a lying header cannot make this grow without end.
        file.take(MAX_IMPORT_BYTES + 1)
            .read_to_end(&mut json)
            .map_err(|_| Error::ImportRefused(BadArchive))?;
        if json.len() as u64 > MAX_IMPORT_BYTES {
            return Err(Error::ImportRefused(UnsafeArchive));
        }
        let one = any_json(&json)?;
        all.entries.extend(one.entries);
        all.media_skipped += one.media_skipped;
        all.unreadable += one.unreadable;
    }
    Ok(all)
}

fn day_one(entries: &[Value]) -> Result<Incoming> {
    let mut incoming = Incoming::default();
    for e in entries {
        incoming.media_skipped += ["photos", "audios", "videos", "pdfAttachments"]
            .iter()
            .map(|k| e[*k].as_array().map_or(0, Vec::len))
            .sum::<usize>();
        let Some(created) = e["creationDate"].as_str() else {
            incoming.unreadable += 1;
            continue;
        };
        let Ok(at) = created.parse::<jiff::Timestamp>() else {
            incoming.unreadable += 1;
            continue;
        };
        let zone = e["timeZone"]
            .as_str()
            .and_then(|z| jiff::tz::TimeZone::get(z).ok())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let night = at.to_zoned(zone).date().to_string();
        let modified = e["modifiedDate"]
            .as_str()
            .and_then(|m| m.parse::<jiff::Timestamp>().ok())
            .unwrap_or(at);
        let text = day_one_text(e["text"].as_str().unwrap_or(""));
        let (title, text) = title_line(&text);
        let mut tags = strings(&e["tags"]);
        if e["starred"].as_bool() == Some(true) {
            tags.push("starred".into());
        }
        incoming.entries.push(JsonEntry {
            id: id_from(e["uuid"].as_str()),
            night,
            title,
            text,
            created_at: time_string(at.as_millisecond()),
            updated_at: time_string(modified.as_millisecond()),
            tags,
            flags: Default::default(),
            mood: None,
            sleep: None,
            interpretations: Vec::new(),
        });
    }
    Ok(incoming)
}

/// Day One's Markdown, as a person would have typed it: its backslash escapes (`\.`, `\-`, `\!`)
/// undone and the placeholders of left-behind photos (`![](dayone-moment://…)`) removed.
pub fn day_one_text(text: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .filter(|line| !line.trim_start().starts_with("![](dayone-moment"))
        .map(unescape)
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

fn unescape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// jrnl's export: `title` and `body`, `date` and `time` on the writer's clock, `@tags`, `starred`.
fn jrnl(entries: &[Value]) -> Result<Incoming> {
    let mut incoming = Incoming::default();
    for e in entries {
        let (Some(date), time) = (e["date"].as_str(), e["time"].as_str().unwrap_or("00:00")) else {
            incoming.unreadable += 1;
            continue;
        };
        let at = chrono::NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M")
            .ok()
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest());
        let Some(at) = at else {
            incoming.unreadable += 1;
            continue;
        };
        let mut tags: Vec<String> = strings(&e["tags"])
            .into_iter()
            .map(|t| t.trim_start_matches(['@', '#']).to_string())
            .collect();
        if e["starred"].as_bool() == Some(true) {
            tags.push("starred".into());
        }
        let ms = at.timestamp_millis();
        incoming.entries.push(JsonEntry {
            id: id_from(None),
            night: date.to_string(),
            title: e["title"].as_str().unwrap_or("").trim().to_string(),
            text: e["body"]
                .as_str()
                .unwrap_or("")
                .trim_matches('\n')
                .to_string(),
            created_at: time_string(ms),
            updated_at: time_string(ms),
            tags,
            flags: Default::default(),
            mood: None,
            sleep: None,
            interpretations: Vec::new(),
        });
    }
    Ok(incoming)
}

/// The journal's own id as a UUID (Day One's are 32 hex digits), else a new one: entries are
/// still matched by night and text on a second import.
fn id_from(id: Option<&str>) -> String {
    id.and_then(|s| uuid::Uuid::parse_str(s).ok())
        .unwrap_or_else(uuid::Uuid::new_v4)
        .to_string()
}

/// A text whose first line is `# Heading`: the heading is its title.
fn title_line(text: &str) -> (String, String) {
    let first = text.lines().next().unwrap_or("");
    match first.strip_prefix("# ") {
        Some(t) => (
            t.trim().to_string(),
            text[first.len()..].trim_start_matches('\n').to_string(),
        ),
        None => (String::new(), text.to_string()),
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{merge, Progress};
    use crate::db::Database;
    use std::io::Write;

    /// A Day One export as its app writes it (version 1.0 of the JSON).
    const DAY_ONE: &str = r##"{
      "metadata": { "version": "1.0" },
      "entries": [
        {
          "uuid": "6B6F4E1DCF6C4A3FB6A1E7A0D1C2B3A4",
          "creationDate": "2023-01-14T22:30:00Z",
          "modifiedDate": "2023-01-15T01:00:00Z",
          "timeZone": "Asia/Seoul",
          "starred": true,
          "tags": ["꿈", "flying"],
          "text": "# 하늘을 나는 꿈\n\nI flew over the river\\. Then I fell\\!\n![](dayone-moment://ABCDEF)\n1\\. not a list",
          "photos": [{ "identifier": "ABCDEF", "md5": "0" }],
          "audios": [{ "identifier": "X" }]
        },
        {
          "uuid": "00000000000000000000000000000002",
          "creationDate": "2023-01-20T12:00:00Z",
          "timeZone": "America/New_York",
          "text": "Lost teeth \\- again\\."
        }
      ]
    }"##;

    const JRNL: &str = r##"{
      "tags": { "@recurring": 1 },
      "entries": [
        { "title": "Exam dream", "body": "I was late for an exam.\n", "date": "2022-03-04", "time": "06:45", "tags": ["@recurring"], "starred": false },
        { "title": "", "body": "", "date": "2022-03-05", "time": "07:00", "tags": [], "starred": false },
        { "title": "Sea", "body": "Waves.", "date": "2022-13-40", "time": "07:00", "tags": [], "starred": true }
      ]
    }"##;

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, bytes) in files {
            z.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(bytes).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    #[test]
    fn day_one_entries_come_in_on_their_own_nights_with_escapes_undone() {
        let inc = any_json(DAY_ONE.as_bytes()).unwrap();
        assert_eq!(inc.media_skipped, 2, "a photo and a recording left behind");
        let e = &inc.entries[0];
        assert_eq!(
            e.night, "2023-01-15",
            "22:30 UTC is the next morning in Seoul"
        );
        assert_eq!(e.title, "하늘을 나는 꿈");
        assert_eq!(e.text, "I flew over the river. Then I fell!\n1. not a list");
        assert_eq!(e.tags, ["꿈", "flying", "starred"]);
        assert_eq!(
            e.id, "6b6f4e1d-cf6c-4a3f-b6a1-e7a0d1c2b3a4",
            "Day One's id kept"
        );
        assert_eq!(inc.entries[1].night, "2023-01-20", "07:00 in New York");
        assert_eq!(inc.entries[1].text, "Lost teeth - again.");
    }

    #[test]
    fn a_day_one_zip_imports_once_and_a_second_time_changes_nothing() {
        let bytes = zip_of(&[
            ("Journal.json", DAY_ONE.as_bytes()),
            ("photos/abcdef.jpeg", &[0xff, 0xd8, 0xff]),
        ]);
        let db = Database::open_in_memory().unwrap();
        let first = db
            .call_blocking(|c| {
                merge(
                    c,
                    &day_one_zip(std::io::Cursor::new(&bytes))?,
                    false,
                    &Progress::none(),
                )
            })
            .unwrap();
        assert_eq!((first.added, first.media_skipped), (2, 2));
        let again = db
            .call_blocking(|c| {
                merge(
                    c,
                    &day_one_zip(std::io::Cursor::new(&bytes))?,
                    false,
                    &Progress::none(),
                )
            })
            .unwrap();
        assert_eq!((again.added, again.skipped), (0, 2), "nothing twice");
    }

    #[test]
    fn jrnl_entries_come_in_and_invalid_ones_are_refused() {
        let inc = any_json(JRNL.as_bytes()).unwrap();
        assert_eq!(inc.entries[0].tags, ["recurring"], "jrnl's @ dropped");
        assert_eq!(inc.entries[0].text, "I was late for an exam.");
        let db = Database::open_in_memory().unwrap();
        let r = db
            .call_blocking(|c| merge(c, &inc, false, &Progress::none()))
            .unwrap();
        assert_eq!(
            (r.added, r.refused),
            (1, 2),
            "an empty entry and a night that is no date are refused"
        );
    }

    #[test]
    fn hostile_archives_and_files_are_refused_whole() {
        let good = zip_of(&[("Journal.json", DAY_ONE.as_bytes())]);
        let cases: Vec<(&str, Vec<u8>, ImportProblem)> = vec![
            (
                "a truncated zip",
                good[..good.len() - 30].to_vec(),
                ImportProblem::BadArchive,
            ),
            (
                "a zip with ../",
                zip_of(&[("../../evil.json", DAY_ONE.as_bytes())]),
                ImportProblem::UnsafeArchive,
            ),
            (
                "a zip without a journal",
                zip_of(&[("a.txt", b"x")]),
                ImportProblem::UnknownJournal,
            ),
            (
                "a zip whose journal is not UTF-8",
                zip_of(&[("Journal.json", &[b'{', 0xff, b'}'])]),
                ImportProblem::NotUtf8,
            ),
        ];
        for (what, bytes, problem) in cases {
            match day_one_zip(std::io::Cursor::new(&bytes)) {
                Err(Error::ImportRefused(p)) => assert_eq!(p, problem, "{what}"),
                other => panic!("{what}: refused, got {other:?}"),
            }
        }
        // A 2 GB file (sparse: it costs no disk) is refused before a byte of it is read.
        let dir = tempfile::tempdir().unwrap();
        let huge = dir.path().join("huge.json");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(2 << 30)
            .unwrap();
        match crate::data::read_any(&huge, None) {
            Err(Error::ImportRefused(ImportProblem::TooLarge)) => {}
            other => panic!("a 2 GB file is refused as too large, got {other:?}"),
        }
        match any_json(br#"{"entries":[{"foo":1}]}"#) {
            Err(Error::ImportRefused(ImportProblem::UnknownJournal)) => {}
            other => panic!("someone else's JSON is refused, got {other:?}"),
        }
    }
}
