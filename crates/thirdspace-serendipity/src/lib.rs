//! The serendipity engine of thirdspace: who should meet whom, and who can answer a question.
//!
//! Pure Rust with no I/O, usable without the server. A shipped [`vocabulary::Vocabulary`] maps
//! the tags people type to canonical skills with broader, narrower and related ones; scores say
//! how well one person's offers meet another's needs, in both directions, with the reason in
//! plain words; rounds pick the introductions that do the most good at a venue without swamping
//! anyone; an inverted index finds who in a whole network can help.

pub mod board;
pub mod closeness;
pub mod index;
pub mod key;
pub mod network;
pub mod person;
pub mod round;
pub mod route;
pub mod score;
pub mod text;
pub mod vocabulary;
