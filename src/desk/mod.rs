//! The program team's views of a checked set of agreements, as data the
//! command line and the site print: where each stands ([`status`]), what to act
//! on ([`agenda`]) and how well mentoring works ([`report`]).

pub mod agenda;
pub mod report;
pub mod status;
