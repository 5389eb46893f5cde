//! An agreement across versions, with git: the three-way merge driver
//! ([`merge`]), what changed in meaning between two versions ([`diff`]) and stale
//! signatures explained from the history ([`history`]).

pub mod diff;
pub mod history;
pub mod merge;
