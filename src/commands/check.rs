//! `mentor-agree check`: validate agreement files.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::checker::{self, Checked, Settings};
use crate::cli::{CheckArgs, Global};
use crate::diagnostic::report::{self, Format, Totals};
use crate::rules;
use crate::rules::signatures::SshVerifier;
use crate::ssh::SignersCache;
use crate::workspace;

/// Checks every file of a run in parallel, in a deterministic order, with duplicate ids marked.
pub fn check_paths(paths: &[PathBuf], global: &Global, options: rules::Options) -> anyhow::Result<Vec<Checked>> {
    check_paths_keeping(paths, global, options, true)
}

/// Like [`check_paths`]; with `keep_model` false each file's model is dropped as soon as it
/// is checked, so memory stays flat however many files there are.
pub fn check_paths_keeping(
    paths: &[PathBuf],
    global: &Global,
    options: rules::Options,
    keep_model: bool,
) -> anyhow::Result<Vec<Checked>> {
    let files = workspace::collect(paths, global.program.as_deref())?;
    let resolver = workspace::resolver(global.program.as_deref())?;
    let settings = Settings { today: super::today(global), options, ssh: None };
    let signers = SignersCache::default();
    let mut checked = files
        .par_iter()
        .map(|path| -> anyhow::Result<Checked> {
            let program = resolver.for_path(path)?;
            let allowed = signers.for_program(&program)?;
            let settings = Settings { ssh: allowed.as_deref().map(|s| s as &dyn SshVerifier), ..settings };
            let checked = checker::check_file(path, program, &settings)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            Ok(if keep_model { checked } else { checked.without_model() })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    checker::mark_duplicate_ids(&mut checked);
    Ok(checked)
}

/// Runs `check`.
pub fn run(args: &CheckArgs, global: &Global) -> anyhow::Result<u8> {
    let options = rules::Options { require_signed: args.require_signed };
    let files = check_paths_keeping(&args.paths, global, options, false)?;
    let totals = Totals::of(&files);
    let text = match args.format {
        Format::Human => {
            let color = super::use_color(global);
            let mut s: String = files.par_iter().map(|f| report::human_file(f, color)).collect();
            s.push_str(&report::summary(&totals));
            s.push('\n');
            s
        }
        Format::Json => report::json(&files),
        Format::Github => report::github(&files),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    let failed = totals.errors > 0 || (args.deny_warnings && totals.warnings > 0);
    Ok(if failed { super::EXIT_PROBLEMS } else { super::EXIT_OK })
}
