//! `mentor-agree render`: one agreement as Markdown or HTML, or a site of all of them.

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, bail};

use crate::cli::RenderArgs;
use mentor_agree::diagnostic::Severity;
use mentor_agree::engine::{Checked, Session, check_paths};
use mentor_agree::output::diagnostics;
use mentor_agree::output::render::{AgreementContext, Format, Renderer};
use mentor_agree::output::site::Outcome;
use mentor_agree::rules;
use mentor_agree::text::plural;

/// Runs `render`.
pub fn run(args: &RenderArgs, session: &Session) -> anyhow::Result<u8> {
    match &args.site {
        Some(outdir) => site(args, outdir, session),
        None => one(args, session),
    }
}

/// The format asked for, else guessed from `-o`'s extension, else Markdown.
fn format_of(args: &RenderArgs) -> Format {
    args.format.map(Format::from).unwrap_or_else(|| {
        let html = args
            .out
            .as_deref()
            .and_then(Path::extension)
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if html { Format::Html } else { Format::Md }
    })
}

/// "N errors and M warnings".
fn problems_phrase(errors: usize, warnings: usize) -> String {
    use mentor_agree::text::plural;
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Prints check reports of files with errors to stderr.
fn report_errors(files: &[Checked], color: bool) {
    let mut err = std::io::stderr().lock();
    for f in files {
        let _ = err.write_all(diagnostics::human_file(f, color).as_bytes());
    }
}

fn one(args: &RenderArgs, session: &Session) -> anyhow::Result<u8> {
    let [file] = args.paths.as_slice() else {
        bail!("render takes one FILE (got {}); to render several agreements, use --site OUTDIR", args.paths.len());
    };
    if file.is_dir() {
        bail!("{} is a folder: `render` takes one agreement file (use --site OUTDIR for a folder)", file.display());
    }
    let today = session.today;
    let mut files = check_paths(std::slice::from_ref(file), session, rules::Options::default())?;
    let checked = files.pop().context("no file was checked")?;
    let checked = mentor_agree::versions::history::dated(&checked).into_owned();
    if checked.agreement.is_none() {
        let reason = match checked.diagnostics.first() {
            Some(l) => l.in_file(file).to_string(),
            None => format!("{}: not an agreement file", file.display()),
        };
        bail!("{reason}\nnothing to render: fix the file first (`mentor-agree check` shows every problem)");
    }
    let (errors, warnings) = (checked.count(Severity::Error), checked.count(Severity::Warning));
    if args.strict && errors > 0 {
        report_errors(std::slice::from_ref(&checked), session.color_stderr);
        eprintln!("error: not rendering {}: {} (--strict)", file.display(), problems_phrase(errors, warnings));
        return Ok(super::EXIT_PROBLEMS);
    }
    let renderer = Renderer::for_program(&checked.program)?;
    let ctx = AgreementContext::build(&checked, today, None);
    let text = renderer.agreement(&ctx, format_of(args))?;
    let what = match format_of(args) {
        Format::Md => "Markdown",
        Format::Html => "HTML",
    };
    super::emit(args.out.as_deref(), text.as_bytes(), |out| format!("Wrote {} ({what})", out.display()))?;
    if errors + warnings > 0 {
        eprintln!(
            "warning: {} has {}; the rendered agreement lists them (run `mentor-agree check` for details)",
            file.display(),
            problems_phrase(errors, warnings)
        );
    }
    Ok(super::EXIT_OK)
}

/// `--site`: the site, built by [`mentor_agree::output::site::build`], and what it did.
fn site(args: &RenderArgs, outdir: &Path, session: &Session) -> anyhow::Result<u8> {
    let mut note = |left: &Path| {
        eprintln!("note: removed {}, the staging folder of a render --site that was killed", left.display());
    };
    match mentor_agree::output::site::build(
        &args.paths,
        outdir,
        args.strict,
        args.force,
        session,
        &mentor_agree::versions::history::dated,
        &mut note,
    )? {
        Outcome::Refused { with_errors, total } => {
            report_errors(&with_errors, session.color_stderr);
            eprintln!(
                "error: not writing the site: {} of {total} agreements have errors (--strict)",
                with_errors.len()
            );
            Ok(super::EXIT_PROBLEMS)
        }
        Outcome::Written { total, errors } => {
            let mut summary =
                format!("Wrote {} with {}", outdir.join("index.html").display(), plural(total, "agreement page"));
            if errors > 0 {
                summary.push_str(&format!(" ({errors} with errors, listed on the index)"));
            }
            eprintln!("{summary}");
            Ok(super::EXIT_OK)
        }
    }
}
