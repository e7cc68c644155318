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
    chat_body(model, &[("system", system), ("user", dream)], include_usage)
}

/// A streamed chat-completions body over `messages` (role, content), in order.
pub fn chat_body(model: &str, messages: &[(&str, &str)], include_usage: bool) -> Value {
    let messages: Vec<Value> = messages
        .iter()
        .map(|(role, content)| json!({ "role": role, "content": content }))
        .collect();
    let mut body = json!({ "model": model, "stream": true, "messages": messages });
    if include_usage {
        body["stream_options"] = json!({ "include_usage": true });
    }
    body
}

/// Said after the style's prompt when the dreamer asks about the reading.
pub const FOLLOW_UP_NOTE: &str = "The dreamer is now asking follow-up questions about this dream \
and your interpretation of it. Answer the question in the same spirit, briefly, and in plain text \
without Markdown.";

/// What an empty answer is sent as, so the roles still alternate.
pub const NO_ANSWER: &str = "(no answer)";

/// One earlier question of a thread and the answer it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub question: String,
    pub answer: String,
}

/// A follow-up request's messages and how many of the oldest turns were left out to stay within
/// `budget` characters. The system prompt, the dream, the first answer and the new question are
/// always sent (the dream is never cut); earlier turns go, oldest first, until the rest fits.
pub struct Thread {
    pub messages: Vec<(&'static str, String)>,
    pub omitted: usize,
}

pub fn follow_up_thread(
    system: &str,
    dream: &str,
    answer: &str,
    turns: &[Turn],
    question: &str,
    budget: usize,
) -> Thread {
    let chars = |t: &str| t.chars().count();
    let fixed = chars(system) + chars(dream) + chars(answer) + chars(question);
    let sizes: Vec<usize> = turns
        .iter()
        .map(|t| chars(&t.question) + chars(&t.answer))
        .collect();
    let mut total = fixed + sizes.iter().sum::<usize>();
    let mut omitted = 0;
    while total > budget && omitted < turns.len() {
        total -= sizes[omitted];
        omitted += 1;
    }
    let mut messages = vec![("system", system.to_string()), ("user", dream.to_string())];
    // An answer may be empty (the model only thought, or was stopped while thinking). Some
    // servers refuse an empty message and some chat templates refuse two user messages in a row
    // ("roles must alternate"), so an empty answer is sent as a short placeholder.
    let said = |a: &str| {
        if a.trim().is_empty() {
            NO_ANSWER.to_string()
        } else {
            a.to_string()
        }
    };
    messages.push(("assistant", said(answer)));
    for t in &turns[omitted..] {
        messages.push(("user", t.question.clone()));
        messages.push(("assistant", said(&t.answer)));
    }
    messages.push(("user", question.to_string()));
    Thread { messages, omitted }
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

    fn turn(q: &str, a: &str) -> Turn {
        Turn {
            question: q.into(),
            answer: a.into(),
        }
    }

    #[test]
    fn a_follow_up_carries_the_dream_the_answer_and_every_turn_in_order() {
        let turns = [
            turn("뱀은?", "재물입니다."),
            turn("무섭지 않았어요", "그럼 길몽입니다."),
        ];
        let t = follow_up_thread("sys", "꿈", "해몽", &turns, "또?", 10_000);
        let roles: Vec<_> = t.messages.iter().map(|(r, _)| *r).collect();
        assert_eq!(
            roles,
            [
                "system",
                "user",
                "assistant",
                "user",
                "assistant",
                "user",
                "assistant",
                "user"
            ]
        );
        let texts: Vec<_> = t.messages.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(
            texts,
            [
                "sys",
                "꿈",
                "해몽",
                "뱀은?",
                "재물입니다.",
                "무섭지 않았어요",
                "그럼 길몽입니다.",
                "또?"
            ]
        );
        assert_eq!(t.omitted, 0, "nothing left out within the budget");
    }

    #[test]
    fn a_long_thread_leaves_out_its_oldest_turns_but_never_the_dream() {
        let dream = "꿈".repeat(100);
        let turns: Vec<_> = (0..10)
            .map(|i| turn(&format!("q{i}"), &"a".repeat(50)))
            .collect();
        // system 3 + dream 100 + answer 2 + question 1 = 106; each turn is 52.
        let t = follow_up_thread("sys", &dream, "해몽", &turns, "?", 106 + 3 * 52);
        assert_eq!(t.omitted, 7, "only the newest three turns fit");
        assert_eq!(
            t.messages[1].1, dream,
            "the dream is always the first user message"
        );
        assert_eq!(t.messages[2].1, "해몽", "and the first answer follows it");
        assert_eq!(t.messages[3].1, "q7", "the oldest turn kept is the eighth");
        let tiny = follow_up_thread("sys", &dream, "해몽", &turns, "?", 10);
        assert_eq!(
            tiny.omitted, 10,
            "a budget below the dream leaves out every turn"
        );
        assert_eq!(
            tiny.messages.len(),
            4,
            "but still sends system, dream, answer, question"
        );
        let quiet = follow_up_thread("sys", "꿈", "", &[turn("왜?", "")], "그래서?", 10_000);
        let roles: Vec<_> = quiet.messages.iter().map(|(r, _)| *r).collect();
        assert_eq!(
            roles,
            ["system", "user", "assistant", "user", "assistant", "user"],
            "empty answers keep the roles alternating"
        );
        assert_eq!(quiet.messages[2].1, NO_ANSWER);
        let body = chat_body("m", &[("user", "x")], false);
        assert_eq!(body["messages"][0]["role"], "user");
    }
}
