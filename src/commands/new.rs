//! `mentor-agree new`.
use crate::cli::{Global, NewArgs};
/// Runs `new`.
pub fn run(_args: &NewArgs, _global: &Global) -> anyhow::Result<u8> { Ok(0) }
