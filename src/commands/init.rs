//! `mentor-agree init`.
use crate::cli::{Global, InitArgs};
/// Runs `init`.
pub fn run(_args: &InitArgs, _global: &Global) -> anyhow::Result<u8> { Ok(0) }
