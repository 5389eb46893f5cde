//! Everything written for people and other tools, on top of the engine: the
//! check report formats (human, JSON and GitHub in [`diagnostics`], [`sarif`],
//! [`explain`] for the codes), CSV ([`export`]), iCalendar ([`calendar`]),
//! Markdown and HTML pages and the dashboard ([`render`]), the static site
//! ([`site`]) and the JSON Schema of the format ([`schema`]).

pub mod calendar;
pub mod diagnostics;
pub mod explain;
pub mod export;
pub mod render;
pub mod sarif;
pub mod schema;
pub mod site;
