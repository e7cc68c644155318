//! The diary's first paint, written into the page by the backend: the window receives `index.html`
//! with the top bar translated and the newest dreams already in the list, so it paints them before
//! any of the page's modules has loaded (docs/development.md, "The start's floor"). The markup is
//! the one `ui/js/diary/list.js` renders, in the same language, so the modules' first render
//! replaces it with the same thing (`tests/e2e/first-paint.test.js` compares the two).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::diary::EntrySummary;
use crate::settings::Language;
use crate::tray::Lang;

/// Entries in the first paint: the list's page (`PAGE` in `ui/js/diary/list.js`).
pub const LIST_PAGE: u32 = 100;

/// What the first paint shows.
pub struct Page<'a> {
    pub lang: Lang,
    /// `light` or `dark` when the setting names one (`ui/js/theme.js`).
    pub theme: Option<&'static str>,
    /// The newest entries, as `diary_list` answers them. The entry open last time is not marked:
    /// the editor's start clears the mark before it opens that entry, so a mark here would blink.
    pub items: &'a [EntrySummary],
}

/// `index.html` as the window should first paint it: `lang`, theme and title set, every
/// `data-i18n*` translated, and the list filled (or its empty message shown). The list carries
/// `data-first-paint`, which tells `ui/js/first-paint.js` the window may report itself painted.
pub fn fill(index: &str, page: &Page) -> String {
    let lang = page.lang;
    let mut html = translate(index, lang);
    let code = match lang {
        Lang::Ko => "ko",
        Lang::En => "en",
    };
    let theme = page
        .theme
        .map(|t| format!(" data-theme=\"{t}\""))
        .unwrap_or_default();
    html = html.replacen(
        "<html lang=\"en\">",
        &format!("<html lang=\"{code}\"{theme}>"),
        1,
    );
    if let Some(name) = t(lang, "app.name") {
        html = html.replacen(
            "<title>Haemong</title>",
            &format!("<title>{}</title>", esc(name)),
            1,
        );
    }
    let list_open = "<ul class=\"entry-list\" data-testid=\"entry-list\"";
    if let Some(at) = html.find(list_open) {
        if let Some(close) = html[at..].find("></ul>").map(|c| at + c) {
            let items: String = page.items.iter().map(|i| item(i, lang)).collect();
            html.replace_range(close..close + 6, &format!(" data-first-paint>{items}</ul>"));
        }
    }
    if page.items.is_empty() {
        let empty = t(lang, "list.empty").map(esc).unwrap_or_default();
        html = unhide(&html, "<p class=\"list-empty\"", Some(&empty));
    } else if page.items.len() % LIST_PAGE as usize == 0 {
        html = unhide(&html, "<button type=\"button\" class=\"list-more\"", None);
    }
    html
}

/// The element whose tag starts with `start` shown: its `hidden` removed, in either form the page
/// may carry it (`hidden` as written in `ui/index.html`, `hidden=""` as tauri-codegen, which parses
/// and re-serializes the embedded HTML, ships it), and `text` put in when given.
fn unhide(html: &str, start: &str, text: Option<&str>) -> String {
    let Some(at) = html.find(start) else {
        return html.to_string();
    };
    let Some(end) = html[at..].find('>').map(|e| at + e) else {
        return html.to_string();
    };
    let tag = html[at..end]
        .replacen(" hidden=\"\"", "", 1)
        .replacen(" hidden", "", 1);
    let mut out = format!("{}{tag}>", &html[..at]);
    let mut rest = &html[end + 1..];
    if let Some(text) = text {
        out.push_str(text);
        rest = &rest[rest.find('<').unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

/// One entry as `renderItem` in `ui/js/diary/list.js` makes it.
fn item(i: &EntrySummary, lang: Lang) -> String {
    let first = first_line(&i.excerpt);
    let title = if !i.title.is_empty() {
        i.title.as_str()
    } else if !first.is_empty() {
        first
    } else {
        t(lang, "list.untitled").unwrap_or_default()
    };
    let excerpt = if i.title.is_empty() {
        rest(&i.excerpt)
    } else {
        i.excerpt.clone()
    };
    format!(
        "<li><button type=\"button\" class=\"entry-item\" data-testid=\"entry-item\" data-entry-id=\"{}\">\
         <span class=\"night\">{}</span><span class=\"title\">{}</span><span class=\"excerpt\">{}</span>{}</button></li>",
        i.id,
        esc(&format_night(&i.night, lang)),
        esc(title),
        esc(&excerpt),
        marks(i, lang),
    )
}

/// The flag, mood and tag chips (`chips` in `ui/js/diary/list.js`).
fn marks(i: &EntrySummary, lang: Lang) -> String {
    let flags = [
        ("lucid", i.flags.lucid, "✦"),
        ("nightmare", i.flags.nightmare, "☾"),
        ("recurring", i.flags.recurring, "↻"),
        ("vivid", i.flags.vivid, "◉"),
    ];
    if !flags.iter().any(|f| f.1) && i.mood.is_none() && i.tags.is_empty() {
        return String::new();
    }
    let mut s = String::from("<span class=\"marks\">");
    for (name, _, icon) in flags.iter().filter(|f| f.1) {
        let title = t(lang, &format!("flag.{name}")).unwrap_or(name);
        s += &format!(
            "<span class=\"mark flag-{name}\" data-flag=\"{name}\" title=\"{}\">{icon}</span>",
            esc(title)
        );
    }
    if let Some(mood) = i.mood {
        let name = mood.id();
        let icon = t(lang, &format!("moodIcon.{name}")).unwrap_or_default();
        let title = t(lang, &format!("mood.{name}")).unwrap_or(name);
        s += &format!(
            "<span class=\"mark mood\" data-mood=\"{name}\" title=\"{}\">{}</span>",
            esc(title),
            esc(icon)
        );
    }
    for tag in i.tags.iter().take(3) {
        s += &format!("<span class=\"mark tag\">#{}</span>", esc(tag));
    }
    if i.tags.len() > 3 {
        s += &format!("<span class=\"mark more\">+{}</span>", i.tags.len() - 3);
    }
    s + "</span>"
}

/// The page's language as `resolveLanguage` in `ui/js/i18n.js` picks it: the setting, else the first
/// of the system's languages (`LANGUAGE`'s list, then `LC_ALL`, `LC_MESSAGES`, `LANG`, as
/// `sys_locale` and WebKit's `navigator.languages` read them) that the app speaks, else English.
pub fn language(setting: Language, system: impl IntoIterator<Item = String>) -> Lang {
    match setting {
        Language::Ko => Lang::Ko,
        Language::En => Lang::En,
        Language::System => system
            .into_iter()
            .find_map(
                |tag| match tag.to_ascii_lowercase().split(['-', '_']).next() {
                    Some("ko") => Some(Lang::Ko),
                    Some("en") => Some(Lang::En),
                    _ => None,
                },
            )
            .unwrap_or(Lang::En),
    }
}

/// The night as `formatNight` in `ui/js/dates.js` shows it through `Intl` (`ko-KR`, `en-US`;
/// short weekday and month): `2026년 12월 1일 (화)`, `Tue, Dec 1, 2026`.
pub fn format_night(night: &str, lang: Lang) -> String {
    // The JS regex's shape (`^\d{4}-\d{2}-\d{2}$`) first: chrono alone also takes `+026-03-04`.
    let shaped = night.len() == 10
        && night.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    let parsed = chrono::NaiveDate::parse_from_str(night, "%Y-%m-%d");
    let Some(d) = parsed.ok().filter(|_| shaped) else {
        return night.to_string();
    };
    use chrono::Datelike;
    let wd = d.weekday().num_days_from_sunday() as usize;
    match lang {
        Lang::Ko => {
            const DAYS: [&str; 7] = ["일", "월", "화", "수", "목", "금", "토"];
            format!(
                "{}년 {}월 {}일 ({})",
                d.year(),
                d.month(),
                d.day(),
                DAYS[wd]
            )
        }
        Lang::En => {
            const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            format!(
                "{}, {} {}, {}",
                DAYS[wd],
                MONTHS[d.month0() as usize],
                d.day(),
                d.year()
            )
        }
    }
}

fn first_line(s: &str) -> &str {
    js_trim(s).split('\n').next().unwrap_or("")
}

fn rest(s: &str) -> String {
    js_trim(s).split('\n').skip(1).collect::<Vec<_>>().join(" ")
}

/// `String.prototype.trim`: Rust's `trim` also takes U+0085 and leaves U+FEFF, JavaScript's the
/// other way round.
fn js_trim(s: &str) -> &str {
    s.trim_matches(|c: char| (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}')
}

/// Text and attribute values alike (the page's own markup has no other context).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A string of the webview's dictionaries (`ui/js/i18n/*.js`, compiled in): Korean falls back to
/// English as `translate` in `ui/js/i18n.js` does.
pub fn t(lang: Lang, key: &str) -> Option<&'static str> {
    let (en, ko) = dictionaries();
    match lang {
        Lang::Ko => ko.get(key).or_else(|| en.get(key)),
        Lang::En => en.get(key),
    }
    .map(String::as_str)
}

type Dict = HashMap<String, String>;

fn dictionaries() -> &'static (Dict, Dict) {
    static DICTS: OnceLock<(Dict, Dict)> = OnceLock::new();
    DICTS.get_or_init(|| {
        (
            parse_dictionary(include_str!("../../ui/js/i18n/en.js")),
            parse_dictionary(include_str!("../../ui/js/i18n/ko.js")),
        )
    })
}

/// The dictionaries are one `'key': 'value',` (or double-quoted) pair per line; other lines
/// (comments, braces) are skipped. A unit test checks that every pair line is read.
fn parse_dictionary(src: &str) -> Dict {
    src.lines()
        .filter_map(|line| {
            let line = line.trim();
            let (key, after) = js_string(line)?;
            let after = after.trim_start().strip_prefix(':')?.trim_start();
            let (value, after) = js_string(after)?;
            matches!(after.trim(), "" | ",").then_some((key, value))
        })
        .collect()
}

/// A JavaScript string literal at the start of `s` and what follows it.
fn js_string(s: &str) -> Option<(String, &str)> {
    let quote = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let mut out = String::new();
    let mut chars = s[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c == quote => return Some((out, &s[1 + i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let hex: String = (0..4).filter_map(|_| chars.next().map(|x| x.1)).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Every `data-i18n*` of the markup translated, as `applyTranslations` in `ui/js/locale.js` does:
/// `data-i18n` sets the element's text, the others add the attribute they name.
fn translate(html: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 4);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let tag = &rest[open..close];
        out.push_str(tag);
        for (data, attr) in [
            ("data-i18n-placeholder", "placeholder"),
            ("data-i18n-title", "title"),
            ("data-i18n-aria-label", "aria-label"),
        ] {
            if let Some(v) = attr_value(tag, data).and_then(|k| t(lang, k)) {
                out.push_str(&format!(" {attr}=\"{}\"", esc(v)));
            }
        }
        out.push('>');
        rest = &rest[close + 1..];
        // The element's own text, when it is text alone (up to its closing tag).
        if let Some(v) = attr_value(tag, "data-i18n").and_then(|k| t(lang, k)) {
            if let Some(end) = rest.find('<') {
                if rest[end..].starts_with("</") {
                    out.push_str(&esc(v));
                    rest = &rest[end..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// `name="value"` in a tag's text (the value never holds a quote in this markup).
fn attr_value<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let pat = format!(" {name}=\"");
    let at = tag.find(&pat)? + pat.len();
    let end = tag[at..].find('"')?;
    Some(&tag[at..at + end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Flags, Mood};

    const INDEX: &str = include_str!("../../ui/index.html");

    fn entry(id: i64, night: &str, title: &str, excerpt: &str) -> EntrySummary {
        EntrySummary {
            id,
            night: night.into(),
            title: title.into(),
            excerpt: excerpt.into(),
            updated_at: 0,
            tags: vec![],
            flags: Flags::default(),
            mood: None,
        }
    }

    #[test]
    fn every_dictionary_line_is_read_and_both_languages_have_the_same_keys() {
        for src in [
            include_str!("../../ui/js/i18n/en.js"),
            include_str!("../../ui/js/i18n/ko.js"),
        ] {
            let pair_lines = src
                .lines()
                .filter(|l| l.trim_start().starts_with(['\'', '"']))
                .count();
            assert_eq!(
                parse_dictionary(src).len(),
                pair_lines,
                "every key line of a dictionary should parse"
            );
        }
        let (en, ko) = dictionaries();
        let mut a: Vec<_> = en.keys().collect();
        let mut b: Vec<_> = ko.keys().collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "en.js and ko.js should have the same keys");
    }

    #[test]
    fn escapes_in_the_dictionaries_are_decoded() {
        assert_eq!(
            js_string(r#"'it\'s \u00e9\n' rest"#),
            Some(("it's é\n".to_string(), " rest"))
        );
        assert_eq!(t(Lang::Ko, "nav.diary"), Some("꿈 일기"));
        assert_eq!(t(Lang::En, "nav.diary"), Some("Diary"));
    }

    #[test]
    fn the_page_is_translated_and_carries_language_and_theme() {
        let page = Page {
            lang: Lang::Ko,
            theme: Some("dark"),
            items: &[],
        };
        let html = fill(INDEX, &page);
        assert!(
            html.contains("<html lang=\"ko\" data-theme=\"dark\">"),
            "the page should say its language and theme"
        );
        assert!(
            html.contains("data-i18n=\"nav.diary\">꿈 일기</button>"),
            "the tabs should be in Korean"
        );
        assert!(
            html.contains(
                "data-i18n-placeholder=\"search.placeholder\" placeholder=\"검색 (Ctrl+F)\""
            ),
            "the search box's placeholder should be in Korean"
        );
        assert!(
            !html.contains(">Diary<"),
            "no English label should be left in a Korean page"
        );
        assert!(
            html.contains("<p class=\"list-empty\">아직 기록한 꿈이 없어요."),
            "an empty diary should show its empty message at once"
        );
        assert!(
            html.contains("data-first-paint></ul>"),
            "the list should say it was filled"
        );
    }

    #[test]
    fn entries_are_rendered_as_the_list_renders_them_and_escaped() {
        let mut e = entry(7, "2026-12-01", "", "  <돼지>가 & 집에\n들어왔다\n둘째 줄");
        e.flags.nightmare = true;
        e.mood = Some(Mood::Fear);
        e.tags = vec!["a".into(), "b".into(), "c".into(), "d".into()];
        let items = [e, entry(8, "2026-11-30", "Title \"q\"", "body")];
        let html = fill(
            INDEX,
            &Page {
                lang: Lang::En,
                theme: None,
                items: &items,
            },
        );
        assert!(
            html.contains("<html lang=\"en\">"),
            "no theme attribute for the system theme"
        );
        assert!(
            html.contains("data-entry-id=\"7\"><span class=\"night\">Tue, Dec 1, 2026</span><span class=\"title\">&lt;돼지&gt;가 &amp; 집에</span><span class=\"excerpt\">들어왔다 둘째 줄</span>"),
            "an untitled entry should take its first line as the title, escaped: {html}"
        );
        assert!(
            html.contains("<span class=\"mark flag-nightmare\" data-flag=\"nightmare\" title=\"Nightmare\">☾</span><span class=\"mark mood\" data-mood=\"fear\" title=\"Fear\">"),
            "flag and mood chips should be there"
        );
        assert!(
            html.contains("<span class=\"mark tag\">#c</span><span class=\"mark more\">+1</span>"),
            "three tags and a count of the rest"
        );
        assert!(
            html.contains("data-entry-id=\"8\"><span class=\"night\">Mon, Nov 30, 2026</span><span class=\"title\">Title &quot;q&quot;</span><span class=\"excerpt\">body</span></button>"),
            "a title's quotes should be escaped"
        );
        assert!(
            html.contains("<p class=\"list-empty\" hidden></p>"),
            "a filled list hides the empty message"
        );
        assert!(
            html.contains("class=\"list-more\" hidden"),
            "fewer than a page of entries: no 'show older'"
        );
    }

    /// `ui/index.html` as tauri-codegen embeds it: html5ever writes a bare `hidden` as `hidden=""`.
    fn as_served() -> String {
        INDEX
            .replace(" hidden ", " hidden=\"\" ")
            .replace(" hidden>", " hidden=\"\">")
    }

    #[test]
    fn a_full_page_offers_older_dreams_and_an_empty_diary_says_so_as_written_and_as_served() {
        let items: Vec<_> = (0..LIST_PAGE as i64)
            .map(|i| entry(i, "2026-01-01", "t", "x"))
            .collect();
        for index in [INDEX.to_string(), as_served()] {
            let page = |items| Page {
                lang: Lang::En,
                theme: None,
                items,
            };
            let full = fill(&index, &page(&items));
            let more = full
                .split("class=\"list-more\"")
                .nth(1)
                .and_then(|r| r.split('>').next())
                .unwrap();
            assert!(
                !more.contains("hidden"),
                "a full page should offer older dreams: {more}"
            );
            let empty = fill(&index, &page(&[]));
            assert!(
                empty.contains("<p class=\"list-empty\">No dreams yet"),
                "an empty diary should show its message: {}",
                &empty[empty.find("list-empty").unwrap() - 10..][..120]
            );
        }
    }

    #[test]
    fn titles_come_from_the_first_line_as_javascript_trims_it() {
        let items = [entry(1, "+026-03-04", "", "\u{feff} 첫 줄\n둘째")];
        let html = fill(
            INDEX,
            &Page {
                lang: Lang::Ko,
                theme: None,
                items: &items,
            },
        );
        assert!(
            html.contains("<span class=\"night\">+026-03-04</span><span class=\"title\">첫 줄</span><span class=\"excerpt\">둘째</span>"),
            "a BOM is trimmed as String.trim does, an odd night shown as stored"
        );
    }

    #[test]
    fn the_language_is_the_first_system_language_the_app_speaks() {
        let sys = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            language(Language::System, sys(&["ja-JP", "ko-KR", "en"])),
            Lang::Ko
        );
        assert_eq!(language(Language::System, sys(&["en_GB", "ko"])), Lang::En);
        assert_eq!(
            language(Language::System, sys(&["fr"])),
            Lang::En,
            "else English"
        );
        assert_eq!(
            language(Language::Ko, sys(&["en"])),
            Lang::Ko,
            "the setting wins"
        );
    }

    #[test]
    fn nights_read_as_intl_writes_them() {
        assert_eq!(format_night("2026-12-01", Lang::Ko), "2026년 12월 1일 (화)");
        assert_eq!(format_night("2024-02-29", Lang::En), "Thu, Feb 29, 2024");
        assert_eq!(
            format_night("not a date", Lang::En),
            "not a date",
            "a malformed night is shown as stored"
        );
    }
}
