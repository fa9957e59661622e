//! A lesson in a link: `#lesson=<base64url(deflate(JSON))>` (share.rs's [`pack`] and
//! [`unpack`]) while the whole link stays within [`FRAGMENT_LINK_LIMIT`] characters; a longer
//! lesson is stored by the server and shared as a short `/s/{id}` link.

use shared::lesson::Lesson;

use crate::share::{pack, unpack};

/// Longest link that carries a lesson in its fragment. Browsers take far longer URLs, but
/// links are pasted into e-mail, chat and learning platforms, which keep about this much
/// intact (RFC 9110 asks HTTP software to handle request lines of at least 8,000 octets).
pub const FRAGMENT_LINK_LIMIT: usize = 8_000;

/// The fragment value (after `lesson=`) for `lesson`.
pub fn encode(lesson: &Lesson) -> String {
    pack(lesson)
}

/// Reads a fragment value written by [`encode`]; the error says what is wrong with a damaged,
/// truncated or foreign one, or which limit it breaks.
pub fn decode(value: &str) -> Result<Lesson, String> {
    Lesson::from_json(unpack(value, "lesson")?)
}

/// How a lesson can be shared from the page at `page` (origin + path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonLink {
    /// The link, with the whole lesson in its fragment.
    Fragment(String),
    /// The fragment link would be `chars` long: over [`FRAGMENT_LINK_LIMIT`].
    TooLong { chars: usize },
}

impl LessonLink {
    pub fn of(page: &str, lesson: &Lesson) -> LessonLink {
        let link = format!("{page}#lesson={}", encode(lesson));
        if link.len() <= FRAGMENT_LINK_LIMIT {
            LessonLink::Fragment(link)
        } else {
            LessonLink::TooLong { chars: link.len() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::lesson::LessonStep;

    fn lesson(note_chars: usize) -> Lesson {
        let mut lesson = Lesson::new("Oxides and their gaps", true);
        for id in ["rock-salt", "rutile", "spinel"] {
            let example = shared::gallery::example(id).unwrap();
            // A note of pseudo-random letters (xorshift), which deflate cannot shrink much.
            let mut x = 0x9E37_79B9_7F4A_7C15_u64 ^ id.len() as u64;
            let note = (0..note_chars)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (b'a' + (x % 26) as u8) as char
                })
                .collect();
            lesson.steps.push(LessonStep {
                structure: example.cif.to_string(),
                formula: example.formula.to_string(),
                note,
                question: Some(format!("What holds {} together?", example.name)),
            });
        }
        lesson
    }

    #[test]
    fn lessons_round_trip_through_the_fragment() {
        let l = lesson(40);
        let encoded = encode(&l);
        assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&encoded), Ok(l.clone()));
        match LessonLink::of("http://localhost/", &l) {
            LessonLink::Fragment(link) => {
                let value = link.strip_prefix("http://localhost/#lesson=").unwrap();
                assert_eq!(decode(value), Ok(l));
            }
            other => panic!("a three-step lesson fits a link: {other:?}"),
        }
    }

    #[test]
    fn long_lessons_go_through_the_server() {
        let l = lesson(3_900);
        let LessonLink::TooLong { chars } = LessonLink::of("http://localhost/", &l) else {
            panic!("three notes of 3,900 characters do not fit {FRAGMENT_LINK_LIMIT}");
        };
        assert!(chars > FRAGMENT_LINK_LIMIT);
        assert_eq!(decode(&encode(&l)), Ok(l), "the encoding itself has no such limit");
    }

    #[test]
    fn damaged_lesson_links_say_what_is_wrong() {
        let encoded = encode(&lesson(40));
        assert!(decode("not base64!").unwrap_err().contains("lesson is not valid base64url"));
        assert!(decode(&encoded[..encoded.len() / 2]).unwrap_err().contains("cut short"));
        assert!(decode(&pack(&"text")).unwrap_err().contains("lesson format (none)"));
        let mut over = lesson(40);
        over.steps[0].question = Some("?".repeat(shared::lesson::MAX_QUESTION_CHARS + 1));
        assert!(decode(&encode(&over)).unwrap_err().contains("step 1's question"));
        assert!(
            decode(&pack(&serde_json::json!({"version": 1, "title": "t", "steps": []})))
                .unwrap_err()
                .contains("no steps")
        );
    }
}
