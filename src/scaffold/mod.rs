//! Starting things: the files `init` writes into a new program repository
//! ([`init`]), the questions `new` asks and how each answer is checked
//! ([`questionnaire`], listed once in [`questions`]), and a cohort of drafts from a spreadsheet ([`cohort`]).

pub mod cohort;
pub mod init;
pub mod questionnaire;
pub mod questions;
