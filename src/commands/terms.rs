//! `mentor-agree terms FILE`: the canonical bytes signatures cover.

use std::io::Write;

use anyhow::{Context, bail};

use crate::checker::decode;
use crate::cli::TermsArgs;

/// Prints the canonical terms (or their digest).
pub fn run(args: &TermsArgs) -> anyhow::Result<u8> {
    super::agreement_file(&args.file, "terms")?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let text = decode(bytes).map_err(|l| anyhow::anyhow!("{}", l.in_file(&args.file)))?;
    let Some(terms) = crate::terms::canonical(&text) else {
        let parsed = crate::agreement::parse(&text);
        let first = crate::checker::locate(&text, parsed.diagnostics).into_iter().next();
        match first {
            Some(l) => bail!("{}", l.in_file(&args.file)),
            None => bail!("{}: not valid TOML", args.file.display()),
        }
    };
    let mut out = std::io::stdout().lock();
    if args.digest {
        writeln!(out, "{}", crate::terms::digest(&terms))?;
    } else {
        out.write_all(terms.as_bytes())?;
    }
    out.flush()?;
    Ok(super::EXIT_OK)
}
