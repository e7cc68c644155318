//! The offline 해몽 symbol dictionary (`data.tsv`, written by this project and compiled in) and the
//! matcher that finds its symbols in a dream: Korean nouns with their particles and endings (돼지가,
//! 돼지를, 돼지꿈), verb stems with any ending (쫓기는, 쫓겼다), aliases (이빨/치아), and English
//! words with their plurals (verb forms as the data file lists them), without hits on syllables
//! inside unrelated words.

pub mod commands;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

const DATA: &str = include_str!("data.tsv");

/// One symbol, as the editor's chip and its card show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Symbol {
    pub id: &'static str,
    pub ko: &'static str,
    pub en: &'static str,
    pub traditional_ko: &'static str,
    pub traditional_en: &'static str,
    pub psychological_ko: &'static str,
    pub psychological_en: &'static str,
}

/// A Korean term as written in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KoTerm {
    /// A noun: the word is the noun plus a particle or ending (`need_particle`: not alone).
    Noun { word: String, need_particle: bool },
    /// A verb stem: the word starts with it, whatever ending follows.
    Stem(String),
    /// Words that must follow each other; all but the last exactly as written.
    Phrase(Vec<String>, Box<KoTerm>),
}

struct Dictionary {
    symbols: Vec<Symbol>,
    /// Korean terms by the first character of the word they are matched on (a phrase: its last
    /// word), so a word is only compared with the few terms that could match it.
    ko: HashMap<char, Vec<(usize, KoTerm)>>,
    /// English terms as lists of lower-case words, by their last word.
    en: HashMap<String, Vec<(usize, Vec<String>)>>,
}

fn dictionary() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(|| parse(DATA))
}

fn parse(data: &'static str) -> Dictionary {
    let mut d = Dictionary {
        symbols: Vec::new(),
        ko: HashMap::new(),
        en: HashMap::new(),
    };
    for line in data
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let f: Vec<&'static str> = line.split('\t').collect();
        assert_eq!(f.len(), 7, "symbols/data.tsv: 7 fields in {line:?}");
        let i = d.symbols.len();
        let ko_terms: Vec<&str> = f[1].split(',').map(str::trim).collect();
        let en_terms: Vec<&str> = f[2].split(',').map(str::trim).collect();
        d.symbols.push(Symbol {
            id: f[0],
            ko: display(ko_terms[0]),
            en: en_terms[0],
            traditional_ko: f[3],
            traditional_en: f[4],
            psychological_ko: f[5],
            psychological_en: f[6],
        });
        for t in ko_terms.iter().filter(|t| !t.starts_with('=')) {
            let term = ko_term(t);
            let key = match &term {
                KoTerm::Noun { word, .. } | KoTerm::Stem(word) => word.chars().next(),
                KoTerm::Phrase(_, last) => match last.as_ref() {
                    KoTerm::Noun { word, .. } | KoTerm::Stem(word) => word.chars().next(),
                    KoTerm::Phrase(..) => None,
                },
            };
            d.ko.entry(key.expect("a Korean term has a first character"))
                .or_default()
                .push((i, term));
        }
        for t in en_terms {
            let words: Vec<String> = t.split_whitespace().map(str::to_lowercase).collect();
            let last = words.last().expect("an English term has a word").clone();
            d.en.entry(last).or_default().push((i, words));
        }
    }
    d
}

/// A term's display form: without the `=`, `~` and `!` marks.
fn display(t: &'static str) -> &'static str {
    t.trim_start_matches('=').trim_end_matches(['~', '!'])
}

fn ko_term(t: &str) -> KoTerm {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() > 1 {
        let last = ko_term(words[words.len() - 1]);
        return KoTerm::Phrase(
            words[..words.len() - 1]
                .iter()
                .map(|w| w.to_string())
                .collect(),
            Box::new(last),
        );
    }
    if let Some(stem) = t.strip_suffix('~') {
        KoTerm::Stem(stem.to_string())
    } else if let Some(noun) = t.strip_suffix('!') {
        KoTerm::Noun {
            word: noun.to_string(),
            need_particle: true,
        }
    } else {
        KoTerm::Noun {
            word: t.to_string(),
            need_particle: false,
        }
    }
}

/// Particles and endings a noun takes in a dream diary, alone or after 들 (plural) or 꿈 (돼지꿈).
const PARTICLES: &[&str] = &[
    "이",
    "가",
    "은",
    "는",
    "을",
    "를",
    "의",
    "에",
    "에게",
    "에서",
    "에게서",
    "한테",
    "한테서",
    "께",
    "와",
    "과",
    "랑",
    "이랑",
    "하고",
    "도",
    "만",
    "까지",
    "부터",
    "처럼",
    "같이",
    "보다",
    "으로",
    "로",
    "이나",
    "나",
    "이며",
    "이다",
    "였다",
    "이었다",
    "였어",
    "이었어",
    "이야",
    "이에요",
    "예요",
    "였어요",
    "이었어요",
    "인",
    "인데",
    "이라",
    "라",
    "라는",
    "이라는",
    "이랑은",
    "에는",
    "에도",
    "으로는",
    "로는",
    "에서는",
    "에서도",
    "만큼",
    "뿐",
    "조차",
    "마저",
    "들",
];

/// Words that begin like a one-syllable symbol and a particle but are something else entirely.
const TRAPS: &[&str] = &[
    "별로", "해도", "해서", "해야", "말고", "말로", "말이", "차도", "금이",
];

fn noun_suffix_ok(rest: &str, need_particle: bool) -> bool {
    if rest.is_empty() {
        return !need_particle;
    }
    let after = |prefix: &str| rest.strip_prefix(prefix);
    let plain = |r: &str| r.is_empty() || PARTICLES.contains(&r);
    PARTICLES.contains(&rest)
        || after("들").is_some_and(plain)
        || after("꿈").is_some_and(plain)
        || after("들이").is_some_and(|r| r.is_empty())
}

fn ko_word_matches(term: &KoTerm, word: &str) -> bool {
    match term {
        KoTerm::Noun {
            word: noun,
            need_particle,
        } => {
            if TRAPS.contains(&word) && noun.chars().count() == 1 {
                return false;
            }
            word.strip_prefix(noun.as_str())
                .is_some_and(|rest| noun_suffix_ok(rest, *need_particle))
        }
        KoTerm::Stem(stem) => word.starts_with(stem.as_str()),
        KoTerm::Phrase(..) => false,
    }
}

/// The words of a text: runs of letters and digits (Hangul, Latin, …), everything else a break.
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(['\'', '-']))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The forms an English word of the text may stand for: itself, and without a possessive or a
/// plural ending (`puppies` → `puppy`, `boxes` → `box`, `snakes` → `snake`). Verb forms are not
/// guessed (`cared` is not `car`, `being` not `bee`): the data file lists the ones a symbol takes
/// (chased, chasing, fell, flying).
fn en_forms(word: &str) -> Vec<String> {
    let w = word.to_lowercase();
    let w = w.strip_suffix("'s").unwrap_or(&w).to_string();
    let mut out = vec![w.clone()];
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.chars().count() >= 2) {
        out.push(format!("{s}y"));
    }
    if let Some(s) = w.strip_suffix("es") {
        if ["s", "x", "z", "ch", "sh", "o"]
            .iter()
            .any(|e| s.ends_with(e))
        {
            out.push(s.to_string());
        }
    }
    if let Some(s) = w.strip_suffix('s') {
        if s.chars().count() >= 2 && !s.ends_with('s') && !s.ends_with('u') {
            out.push(s.to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A symbol found in a text: which, and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    pub id: &'static str,
    pub ko: &'static str,
    pub en: &'static str,
    pub count: u32,
}

/// The dictionary's symbols in `text`, in the order they first appear.
pub fn find(text: &str) -> Vec<Found> {
    let d = dictionary();
    let ws = words(text);
    let forms: Vec<Vec<String>> = ws.iter().map(|w| en_forms(w)).collect();
    let mut first: HashMap<usize, (usize, u32)> = HashMap::new();
    // A word counts once per symbol, however many of its terms (chase, chased) it matches.
    let mut counted: std::collections::HashSet<(usize, usize)> = Default::default();
    let mut hit = |sym: usize, at: usize| {
        if !counted.insert((sym, at)) {
            return;
        }
        let e = first.entry(sym).or_insert((at, 0));
        e.0 = e.0.min(at);
        e.1 += 1;
    };
    for (at, w) in ws.iter().enumerate() {
        let hangul = w.chars().any(is_hangul);
        if hangul {
            let Some(candidates) = w.chars().next().and_then(|c| d.ko.get(&c)) else {
                continue;
            };
            for (sym, term) in candidates {
                let ok = match term {
                    KoTerm::Phrase(lead, last) => {
                        at >= lead.len()
                            && lead
                                .iter()
                                .zip(&ws[at - lead.len()..at])
                                .all(|(l, w)| l == w)
                            && match last.as_ref() {
                                // The words before make it clear: the noun may stand alone.
                                KoTerm::Noun { word, .. } => w
                                    .strip_prefix(word.as_str())
                                    .is_some_and(|r| noun_suffix_ok(r, false)),
                                other => ko_word_matches(other, w),
                            }
                    }
                    other => ko_word_matches(other, w),
                };
                if ok {
                    // A phrase counts where it starts, so its first word's own match is the same hit.
                    let start = match term {
                        KoTerm::Phrase(lead, _) => at - lead.len(),
                        _ => at,
                    };
                    hit(*sym, start);
                }
            }
        } else {
            let candidates = forms[at].iter().filter_map(|f| d.en.get(f)).flatten();
            for (sym, term) in candidates {
                let n = term.len();
                if at + 1 >= n
                    && term
                        .iter()
                        .zip(&forms[at + 1 - n..=at])
                        .all(|(t, f)| f.contains(t))
                {
                    hit(*sym, at + 1 - n);
                }
            }
        }
    }
    let mut found: Vec<(usize, usize, u32)> =
        first.into_iter().map(|(s, (at, n))| (at, s, n)).collect();
    found.sort();
    found
        .into_iter()
        .map(|(_, s, count)| {
            let sym = &d.symbols[s];
            Found {
                id: sym.id,
                ko: sym.ko,
                en: sym.en,
                count,
            }
        })
        .collect()
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// One symbol's card, by id.
pub fn get(id: &str) -> Option<Symbol> {
    dictionary().symbols.iter().find(|s| s.id == id).cloned()
}

/// Every symbol, in the data file's order.
pub fn all() -> &'static [Symbol] {
    &dictionary().symbols
}

/// A short line for the interpretation prompt, so a model reads the symbols the way the
/// dictionary does: `돼지 (pig), 물 (water)`; empty when none were found.
pub fn prompt_note(text: &str) -> String {
    find(text)
        .iter()
        .take(12)
        .map(|f| format!("{} ({})", f.ko, f.en))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<&'static str> {
        find(text).into_iter().map(|f| f.id).collect()
    }

    #[test]
    fn the_dictionary_has_150_symbols_each_with_both_readings_in_both_languages() {
        let all = all();
        assert!(all.len() >= 150, "{} symbols", all.len());
        let mut seen = std::collections::HashSet::new();
        for s in all {
            assert!(seen.insert(s.id), "{} is listed once", s.id);
            for (what, text) in [
                ("traditional ko", s.traditional_ko),
                ("traditional en", s.traditional_en),
                ("psychological ko", s.psychological_ko),
                ("psychological en", s.psychological_en),
            ] {
                assert!(text.len() > 10, "{} has a {what} reading", s.id);
            }
            assert!(s.ko.chars().any(is_hangul), "{} has a Korean name", s.id);
            assert!(
                !s.ko.contains(['~', '!', '=']) && !s.ko.ends_with(' '),
                "{}'s name {:?} is a word, not a pattern",
                s.id,
                s.ko
            );
        }
        for id in [
            "pig",
            "dragon",
            "snake",
            "teeth",
            "water",
            "fire",
            "feces",
            "ancestors",
            "exam",
            "falling",
            "chased",
            "flying",
        ] {
            assert!(get(id).is_some(), "{id} is in the dictionary");
        }
    }

    #[test]
    fn korean_nouns_are_found_with_their_particles_and_endings() {
        for text in [
            "돼지가 들어왔다",
            "돼지를 안았다",
            "돼지꿈을 꿨다",
            "황금 돼지들이 뛰었다",
            "큰 돼지.",
            "돼지꿈",
        ] {
            assert!(ids(text).contains(&"pig"), "{text}");
        }
        assert_eq!(ids("용이 하늘로 올라갔다"), vec!["dragon", "sky"]);
        assert!(ids("물에 빠질 뻔했다").contains(&"water"));
        assert!(ids("불이 났다").contains(&"fire"));
    }

    #[test]
    fn aliases_and_verb_forms_find_the_same_symbol() {
        assert_eq!(ids("치아가 흔들렸다"), vec!["teeth"]);
        assert_eq!(
            ids("이가 빠지는 꿈"),
            vec!["teeth"],
            "a phrase across two words"
        );
        assert_eq!(ids("누군가에게 쫓기는 꿈을 꿨다"), vec!["chased"]);
        assert_eq!(ids("계속 쫓겼다"), vec!["chased"]);
        assert_eq!(ids("절벽에서 떨어졌다"), vec!["cliff", "falling"]);
        assert_eq!(ids("구렁이 한 마리"), vec!["snake"]);
    }

    #[test]
    fn syllables_inside_unrelated_words_are_not_symbols() {
        // Each holds a symbol's syllables inside another word; that symbol must not be found.
        for (trap, not) in [
            ("사용했다", "dragon"),
            ("용서를 빌었다", "dragon"),
            ("물건을 샀다", "water"),
            ("동물원에 갔다", "water"),
            ("물론 괜찮았다", "water"),
            ("불안했다", "fire"),
            ("불편한 자리", "fire"),
            ("새 옷을 입었다", "bird"),
            ("총 세 명이 왔다", "gun"),
            ("별로 무섭지 않았다", "stars"),
            ("관계가 나빠졌다", "coffin"),
            ("도서관은 조용했다", "coffin"),
            ("문제를 풀었다", "door"),
            ("집중이 안 됐다", "house"),
            ("피곤한 하루", "blood"),
            ("피해를 입었다", "blood"),
            ("발견했다", "feet"),
            ("손님이 왔다", "hands"),
            ("기다리는 중", "bridge"),
            ("사고 싶은 가방", "accident"),
            ("방법을 찾았다", "room"),
            ("소리를 질렀다", "cow"),
            ("강하게 말했다", "river"),
            ("말로 설명했다", "horse"),
            ("해도 괜찮아", "sun"),
        ] {
            assert!(!ids(trap).contains(&not), "{trap:?} is not {not}");
        }
        assert!(
            ids("사용했다 용서를 물론 불안 피곤한").is_empty(),
            "nothing at all in these"
        );
    }

    #[test]
    fn english_plurals_and_verb_forms_are_found() {
        assert_eq!(ids("Snakes everywhere"), vec!["snake"]);
        assert_eq!(ids("I was flying over the city"), vec!["flying"]);
        assert_eq!(ids("They chased me"), vec!["chased"]);
        assert_eq!(ids("I kept falling"), vec!["falling"]);
        assert_eq!(ids("My teeth fell out"), vec!["teeth", "falling"]);
        assert_eq!(ids("a full moon over the ocean"), vec!["moon", "sea"]);
        assert_eq!(ids("two puppies"), vec!["dog"]);
        assert_eq!(ids("sleep paralysis again"), vec!["paralysis"]);
    }

    #[test]
    fn english_words_are_not_guessed_into_other_words() {
        for trap in [
            "being there",
            "my bed",
            "she cared",
            "staring",
            "stares",
            "rating",
            "bearing",
            "H₂S gas",
            "naïve café",
        ] {
            assert!(ids(trap).is_empty(), "{trap:?} found {:?}", ids(trap));
        }
        assert_eq!(ids("bees and boxes"), vec!["bees"]);
    }

    #[test]
    fn english_words_inside_other_words_are_not_symbols() {
        for trap in [
            "butterfly",
            "business trip planning",
            "a nice monkey",
            "bring it",
            "I slept well",
            "I watched TV",
            "Sunday",
            "dogma",
        ] {
            let found = ids(trap);
            let allowed: &[&str] = match trap {
                "butterfly" => &["butterfly"],
                "business trip planning" => &["travel"],
                "a nice monkey" => &["monkey"],
                _ => &[],
            };
            assert_eq!(found, allowed, "{trap:?}");
        }
    }

    #[test]
    fn counts_and_order_follow_the_text() {
        let f = find("뱀이 나왔다. 그리고 돼지가 뱀을 먹었다. Snake!");
        assert_eq!(f[0].id, "snake");
        assert_eq!(f[0].count, 3, "Korean and English mentions both count");
        assert_eq!(
            find("chased chased")[0].count,
            2,
            "a word that has several forms counts once"
        );
        assert_eq!(prompt_note("뱀과 돼지"), "뱀 (snake), 돼지 (pig)");
        assert_eq!(prompt_note("nothing here"), "");
    }
}
