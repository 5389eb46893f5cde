//! What follows from an agreement and its program, derived and never stored:
//! end and effective dates, state, sessions and review checkpoints
//! ([`derived`]), and what the recorded evaluations say ([`evaluation`]).
//! Nothing here reads the clock; "today" is passed in.

pub mod derived;
pub mod evaluation;
