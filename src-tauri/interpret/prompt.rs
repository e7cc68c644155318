//! What the model is asked: a system prompt per interpretation style, the answer's language, and
//! the dream itself as the user's message.

use serde_json::{json, Value};

use crate::settings::{AnswerLanguage, Style};

const TRADITIONAL: &str = "You are an expert in Korean traditional dream interpretation (해몽). \
Read the dream the way a respected 해몽 reader would: say whether it is an auspicious dream (길몽) \
or an inauspicious one (흉몽), or mixed, and why; say whether it could be a conception dream (태몽) \
and what it foretells if so; and explain the classic meanings of its main symbols (for example a pig \
brings wealth, a dragon rising brings success, fire brings prosperity, losing teeth warns about \
family). Close with one gentle, practical suggestion. Write warmly in short paragraphs of plain \
text, without Markdown. This is folk tradition for reflection, not a prediction.";

const PSYCHOLOGICAL: &str = "You are a thoughtful dream analyst who draws on Jungian psychology \
(archetypes, the shadow, compensation) and cognitive dream research (memory consolidation, \
emotional processing, continuity with waking life). Suggest what the dream's images and feelings \
may reflect in the dreamer's waking life, offer two or three questions for reflection, and avoid \
certainty. Write in short paragraphs of plain text, without Markdown. This is reflection, not a \
diagnosis; if the dream suggests distress, gently mention that talking to someone can help.";

/// The system prompt for `style`; an empty custom prompt falls back to the traditional reading.
pub fn system_prompt(style: Style, custom: &str, language: AnswerLanguage) -> String {
    let base = match style {
        Style::Traditional => TRADITIONAL,
        Style::Psychological => PSYCHOLOGICAL,
        Style::Custom if custom.trim().is_empty() => TRADITIONAL,
        Style::Custom => custom.trim(),
    };
    let lang = match language {
        AnswerLanguage::Auto => "Answer in the language the dream is written in.",
        AnswerLanguage::Ko => "Answer in Korean (한국어로 답하세요).",
        AnswerLanguage::En => "Answer in English.",
    };
    format!("{base}\n\n{lang}")
}

/// The system prompt with the symbols the diary's dictionary found in the dream, so the model reads
/// them the way the dictionary (and the symbol chips under the entry) do.
pub fn with_symbols(system: String, note: &str) -> String {
    if note.is_empty() {
        system
    } else {
        format!("{system}\n\nSymbols in this dream, from the diary's own 해몽 dictionary: {note}.")
    }
}

/// The dream as the user's message: the title (when there is one) and the text.
pub fn dream_message(title: &str, body: &str) -> String {
    let title = title.trim();
    if title.is_empty() {
        body.trim().to_string()
    } else {
        format!("{title}\n\n{}", body.trim())
    }
}

/// The chat-completions request body. `include_usage` only for providers known to accept
/// `stream_options` (some local servers reject unknown fields).
pub fn request_body(model: &str, system: &str, dream: &str, include_usage: bool) -> Value {
    let mut body = json!({
        "model": model,
        "stream": true,
        "messages": [
            { "role": "system", "content": system },
            { "role": "user", "content": dream },
        ],
    });
    if include_usage {
        body["stream_options"] = json!({ "include_usage": true });
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_style_has_its_own_prompt_and_the_language_rule() {
        let t = system_prompt(Style::Traditional, "", AnswerLanguage::Auto);
        assert!(
            t.contains("길몽") && t.contains("태몽"),
            "traditional names 길몽 and 태몽"
        );
        assert!(t.ends_with("Answer in the language the dream is written in."));
        let p = system_prompt(Style::Psychological, "", AnswerLanguage::Ko);
        assert!(p.contains("Jungian") && p.contains("한국어"));
        let c = system_prompt(Style::Custom, "  Be brief.  ", AnswerLanguage::En);
        assert_eq!(c, "Be brief.\n\nAnswer in English.");
        assert_eq!(
            system_prompt(Style::Custom, " ", AnswerLanguage::En),
            system_prompt(Style::Traditional, "", AnswerLanguage::En),
            "an empty custom prompt falls back to the traditional reading"
        );
    }

    #[test]
    fn the_body_streams_and_asks_for_usage_only_when_told() {
        let b = request_body("m", "sys", "꿈", true);
        assert_eq!(b["stream"], true);
        assert_eq!(b["messages"][1]["content"], "꿈");
        assert_eq!(b["stream_options"]["include_usage"], true);
        assert!(request_body("m", "sys", "꿈", false)
            .get("stream_options")
            .is_none());
        assert_eq!(dream_message(" 제목 ", "본문\n"), "제목\n\n본문");
        assert_eq!(dream_message("", " 본문 "), "본문");
        assert_eq!(with_symbols("sys".into(), ""), "sys");
        assert!(with_symbols("sys".into(), "뱀 (snake)").ends_with("dictionary: 뱀 (snake)."));
    }
}
