//! Reasoning written inline in the answer (`<think>…</think>`, DeepSeek-R1 and Qwen3 on local
//! servers) taken apart from the answer as it streams: tags split across deltas or network reads,
//! and the closing-only form some chat templates produce (the opening tag is in the prompt, so the
//! stream starts inside the reasoning).
//!
//! Text is handed on the moment it is known to be answer or reasoning; only the few bytes that
//! could still become a tag are held back. The closing-only form cannot be known until its tag
//! arrives: what was shown as answer until then is moved (`Part::AnswerWasReasoning`).

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Answer(String),
    Reasoning(String),
    /// Everything handed on as answer so far was reasoning: a `</think>` came with no `<think>`.
    AnswerWasReasoning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing but whitespace yet: a `<think>` may still open the stream.
    Start,
    Think,
    /// Just after `</think>`: the blank lines before the answer are not part of it.
    AfterThink,
    Answer,
}

#[derive(Debug)]
pub struct Splitter {
    state: State,
    held: String,
    /// A think block was closed: later tags are the answer's own text.
    closed: bool,
    /// The open block has had something besides whitespace.
    thought: bool,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter {
            state: State::Start,
            held: String::new(),
            closed: false,
            thought: false,
        }
    }
}

impl Splitter {
    /// The parts `text` (the next piece of `content`) adds, in order.
    pub fn feed(&mut self, text: &str) -> Vec<Part> {
        let mut out = Vec::new();
        let mut input = std::mem::take(&mut self.held);
        input.push_str(text);
        let mut rest: &str = &input;
        loop {
            match self.state {
                State::Start => {
                    let t = rest.trim_start();
                    if t.is_empty() || (OPEN.starts_with(t) && t.len() < OPEN.len()) {
                        self.held = rest.to_string();
                        return out;
                    }
                    if let Some(after) = t.strip_prefix(OPEN) {
                        self.state = State::Think;
                        rest = after;
                    } else {
                        self.state = State::Answer;
                    }
                }
                // The blank lines that open a block are not shown: an empty block
                // (`<think>\n\n</think>`, Qwen3 told not to think) then adds nothing at all.
                State::Think if !self.thought => {
                    let t = rest.trim_start();
                    if t.is_empty() {
                        return out;
                    }
                    if let Some(after) = t.strip_prefix(CLOSE) {
                        rest = after;
                        self.close();
                    } else if CLOSE.starts_with(t) {
                        self.held = t.to_string();
                        return out;
                    } else {
                        self.thought = true;
                        rest = t;
                    }
                }
                State::Think => match split_close(rest) {
                    Ok((before, after)) => {
                        push(&mut out, Part::Reasoning(before.to_string()));
                        rest = after;
                        self.close();
                    }
                    Err((text, held)) => {
                        push(&mut out, Part::Reasoning(text.to_string()));
                        self.held = held.to_string();
                        return out;
                    }
                },
                State::AfterThink => {
                    let t = rest.trim_start();
                    if t.is_empty() {
                        return out;
                    }
                    rest = t;
                    self.state = State::Answer;
                }
                State::Answer if self.closed => {
                    push(&mut out, Part::Answer(rest.to_string()));
                    return out;
                }
                State::Answer => match split_close(rest) {
                    Ok((before, after)) => {
                        out.push(Part::AnswerWasReasoning);
                        push(&mut out, Part::Reasoning(before.to_string()));
                        rest = after;
                        self.close();
                    }
                    Err((text, held)) => {
                        push(&mut out, Part::Answer(text.to_string()));
                        self.held = held.to_string();
                        return out;
                    }
                },
            }
        }
    }

    /// A `</think>` was read: the answer follows.
    fn close(&mut self) {
        self.state = State::AfterThink;
        self.closed = true;
    }

    /// What was held back, at the end of the stream.
    pub fn finish(&mut self) -> Vec<Part> {
        let held = std::mem::take(&mut self.held);
        let mut out = Vec::new();
        match self.state {
            // An unclosed block that never had more than blank lines (or half a tag) adds nothing.
            State::Think if !self.thought => {}
            State::Think => push(&mut out, Part::Reasoning(held)),
            State::AfterThink => {}
            State::Start | State::Answer => push(&mut out, Part::Answer(held)),
        }
        out
    }
}

fn push(out: &mut Vec<Part>, part: Part) {
    match &part {
        Part::Answer(t) | Part::Reasoning(t) if t.is_empty() => {}
        _ => out.push(part),
    }
}

/// `rest` split at its first `</think>`: `Ok((before, after))`; with none, `Err((text, held))`:
/// all but a possible half tag at the end, which waits for the next piece.
fn split_close(rest: &str) -> Result<(&str, &str), (&str, &str)> {
    match rest.find(CLOSE) {
        Some(i) => Ok((&rest[..i], &rest[i + CLOSE.len()..])),
        None => Err(rest.split_at(rest.len() - partial_suffix(rest, CLOSE))),
    }
}

/// The length of the longest end of `s` that is a proper beginning of `tag` (a tag cut in two).
fn partial_suffix(s: &str, tag: &str) -> usize {
    (1..tag.len())
        .rev()
        .find(|&n| {
            s.len() >= n && s.is_char_boundary(s.len() - n) && tag.starts_with(&s[s.len() - n..])
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `pieces`, then finishes; returns (answer, reasoning) as a reader would end up seeing.
    fn split(pieces: &[&str]) -> (String, String) {
        let mut s = Splitter::default();
        let mut parts: Vec<Part> = pieces.iter().flat_map(|p| s.feed(p)).collect();
        parts.extend(s.finish());
        let (mut answer, mut reasoning) = (String::new(), String::new());
        for p in parts {
            match p {
                Part::Answer(t) => answer.push_str(&t),
                Part::Reasoning(t) => reasoning.push_str(&t),
                Part::AnswerWasReasoning => reasoning.insert_str(0, &std::mem::take(&mut answer)),
            }
        }
        (answer, reasoning)
    }

    /// Every way of cutting `text` into two pieces, and into single characters.
    fn every_split(text: &str, want: (&str, &str)) {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for &(i, _) in &chars {
            let (a, b) = text.split_at(i);
            assert_eq!(
                split(&[a, b]),
                (want.0.into(), want.1.into()),
                "split at {i} of {text:?}"
            );
        }
        let singles: Vec<String> = text.chars().map(String::from).collect();
        let refs: Vec<&str> = singles.iter().map(String::as_str).collect();
        assert_eq!(
            split(&refs),
            (want.0.into(), want.1.into()),
            "char by char: {text:?}"
        );
    }

    #[test]
    fn a_think_block_is_reasoning_and_the_rest_the_answer() {
        every_split(
            "<think>돼지는 재물을 뜻한다.\n꿈의 맥락은…</think>\n\n돼지꿈은 길몽입니다.",
            (
                "돼지꿈은 길몽입니다.",
                "돼지는 재물을 뜻한다.\n꿈의 맥락은…",
            ),
        );
        every_split(
            "\n <think>\nok</think>Answer <b>bold</b>",
            ("Answer <b>bold</b>", "ok"),
        );
    }

    #[test]
    fn a_closing_tag_alone_moves_what_came_before_it_into_the_reasoning() {
        every_split(
            "The user dreams of a pig.</think>\n\nA pig brings wealth.",
            ("A pig brings wealth.", "The user dreams of a pig."),
        );
    }

    #[test]
    fn plain_answers_pass_through_untouched() {
        for text in [
            "돼지꿈은 길몽입니다.",
            "  leading spaces stay",
            "a < b and <thin> is no tag",
            "<thinking aloud> is not a think tag",
            "ends with a partial tag </thi",
            "<",
            "",
        ] {
            every_split(text, (text, ""));
        }
    }

    #[test]
    fn tags_after_the_block_are_the_answers_own_text() {
        every_split(
            "<think>r</think>Write <think> and </think> literally.",
            ("Write <think> and </think> literally.", "r"),
        );
    }

    #[test]
    fn an_empty_block_adds_no_reasoning() {
        every_split("<think>\n\n</think>\n\n답입니다.", ("답입니다.", ""));
        every_split("<think></think>답", ("답", ""));
        every_split("<think>  </think", ("", ""));
    }

    #[test]
    fn an_unclosed_block_is_all_reasoning() {
        every_split(
            "<think>I ran out of tokens while thi",
            ("", "I ran out of tokens while thi"),
        );
    }

    #[test]
    fn text_is_handed_on_at_once_except_a_possible_tag() {
        let mut s = Splitter::default();
        assert_eq!(s.feed("<think>생각"), vec![Part::Reasoning("생각".into())]);
        assert_eq!(
            s.feed(" 중</th"),
            vec![Part::Reasoning(" 중".into())],
            "only `</th` waits"
        );
        assert_eq!(s.feed("ink>답"), vec![Part::Answer("답".into())]);
        let mut s = Splitter::default();
        assert_eq!(
            s.feed("Hello"),
            vec![Part::Answer("Hello".into())],
            "no wait for plain text"
        );
    }
}
