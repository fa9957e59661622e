//! Lessons in the page ([`shared::lesson::Lesson`]): how one travels in a link ([`codec`]) and
//! what a student's guess is checked against ([`guess`]). The signals are in
//! [`crate::state::LessonState`]; the builder, player, guess panel and worksheet are
//! `components/lesson_*.rs`.

pub mod codec;
pub mod guess;
