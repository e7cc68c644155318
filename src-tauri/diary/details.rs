//! What a dream journal records besides the text: tags, the four dream flags, the mood and the
//! quality of sleep, with the rules for storing them (tag normalisation, the fixed mood set).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The most tags one entry keeps, and the longest tag, in characters.
pub const MAX_TAGS: usize = 30;
pub const MAX_TAG_CHARS: usize = 40;

/// Lucid, nightmare, recurring, vivid: what dream journals let you mark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Flags {
    pub lucid: bool,
    pub nightmare: bool,
    pub recurring: bool,
    pub vivid: bool,
}

/// One flag by name, for filters and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flag {
    Lucid,
    Nightmare,
    Recurring,
    Vivid,
}

impl Flag {
    pub const ALL: [Flag; 4] = [Flag::Lucid, Flag::Nightmare, Flag::Recurring, Flag::Vivid];

    /// The `entries` column that holds it.
    pub fn column(self) -> &'static str {
        match self {
            Flag::Lucid => "lucid",
            Flag::Nightmare => "nightmare",
            Flag::Recurring => "recurring",
            Flag::Vivid => "vivid",
        }
    }
}

/// How the dream felt: a small fixed set, so moods can be counted and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mood {
    Joy,
    Calm,
    Excitement,
    Anxiety,
    Fear,
    Sadness,
    Anger,
    Confusion,
}

impl Mood {
    pub const ALL: [Mood; 8] = [
        Mood::Joy,
        Mood::Calm,
        Mood::Excitement,
        Mood::Anxiety,
        Mood::Fear,
        Mood::Sadness,
        Mood::Anger,
        Mood::Confusion,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Mood::Joy => "joy",
            Mood::Calm => "calm",
            Mood::Excitement => "excitement",
            Mood::Anxiety => "anxiety",
            Mood::Fear => "fear",
            Mood::Sadness => "sadness",
            Mood::Anger => "anger",
            Mood::Confusion => "confusion",
        }
    }

    pub fn parse(s: &str) -> Option<Mood> {
        Mood::ALL.into_iter().find(|m| m.id() == s)
    }
}

/// A tag as stored: trimmed, without a leading `#`, inner whitespace collapsed to one space,
/// Latin letters lower-cased (Hangul has no case). `None` for a tag that is empty after that.
pub fn normalize_tag(raw: &str) -> Option<String> {
    let t = raw.trim().trim_start_matches('#').trim();
    let collapsed = t.split_whitespace().collect::<Vec<_>>().join(" ");
    let folded: String = collapsed
        .chars()
        .flat_map(|c| {
            // Case-fold letters that have case (Latin, Greek, Cyrillic); leave the rest alone.
            let lower: Vec<char> = c.to_lowercase().collect();
            lower.into_iter()
        })
        .filter(|c| !c.is_control() && *c != ',')
        .collect();
    (!folded.is_empty()).then_some(folded)
}

/// The entry's tags as stored: normalised, duplicates dropped (first one kept), within limits.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let Some(t) = normalize_tag(t) else { continue };
        let chars = t.chars().count();
        if chars > MAX_TAG_CHARS {
            return Err(Error::TooLong {
                chars,
                limit: MAX_TAG_CHARS,
            });
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::InvalidInput(format!(
            "at most {MAX_TAGS} tags per dream"
        )));
    }
    Ok(out)
}

/// Sleep quality is 1 (poor) to 5 (excellent), or not given.
pub fn check_sleep(sleep: Option<u8>) -> Result<Option<u8>> {
    match sleep {
        None => Ok(None),
        Some(s @ 1..=5) => Ok(Some(s)),
        Some(_) => Err(Error::InvalidInput("sleep quality is 1 to 5".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_unhashed_collapsed_and_latin_is_case_folded() {
        for (raw, want) in [
            ("  악몽 ", Some("악몽")),
            ("#Lucid", Some("lucid")),
            ("FLYING  Dream", Some("flying dream")),
            ("돼지꿈", Some("돼지꿈")),
            ("ÉTÉ", Some("été")),
            ("  #  ", None),
            ("", None),
            ("a,b", Some("ab")),
        ] {
            assert_eq!(normalize_tag(raw).as_deref(), want, "{raw:?}");
        }
    }

    #[test]
    fn duplicates_after_normalising_are_kept_once_in_first_order() {
        let raw: Vec<String> = ["Water", "물", "water ", "#WATER", "물"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(normalize_tags(&raw).unwrap(), vec!["water", "물"]);
    }

    #[test]
    fn limits_are_enforced_with_a_clear_error() {
        let long = vec!["가".repeat(MAX_TAG_CHARS + 1)];
        assert!(matches!(normalize_tags(&long), Err(Error::TooLong { .. })));
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert!(matches!(normalize_tags(&many), Err(Error::InvalidInput(_))));
        assert_eq!(check_sleep(Some(3)).unwrap(), Some(3));
        assert!(check_sleep(Some(0)).is_err() && check_sleep(Some(6)).is_err());
        assert_eq!(check_sleep(None).unwrap(), None);
    }

    #[test]
    fn moods_round_trip_by_name() {
        for m in Mood::ALL {
            assert_eq!(Mood::parse(m.id()), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.id());
        }
        assert_eq!(Mood::parse("meh"), None);
    }
}
