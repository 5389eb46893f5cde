//! `mentor-agree render`: one agreement as Markdown or HTML, or a site of all of them.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use rayon::prelude::*;

use crate::checker::Checked;
use crate::cli::{Global, RenderArgs};
use crate::commands::check::check_paths;
use crate::diagnostic::{Severity, report};
use crate::render::{AgreementContext, Format, IndexContext, IndexRow, Renderer, SiteCtx, page_names};
use crate::rules;

/// Runs `render`.
pub fn run(args: &RenderArgs, global: &Global) -> anyhow::Result<u8> {
    match &args.site {
        Some(outdir) => site(args, outdir, global),
        None => one(args, global),
    }
}

/// The format asked for, else guessed from `-o`'s extension, else Markdown.
fn format_of(args: &RenderArgs) -> Format {
    args.format.unwrap_or_else(|| {
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
    use crate::diagnostic::report::plural;
    match (errors, warnings) {
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// Prints check reports of files with errors to stderr.
fn report_errors(files: &[&Checked], color: bool) {
    let mut err = std::io::stderr().lock();
    for f in files {
        let _ = err.write_all(report::human_file(f, color).as_bytes());
    }
}

fn one(args: &RenderArgs, global: &Global) -> anyhow::Result<u8> {
    let [file] = args.paths.as_slice() else {
        bail!("render takes one FILE (got {}); to render several agreements, use --site OUTDIR", args.paths.len());
    };
    if file.is_dir() {
        bail!("{} is a folder: `render` takes one agreement file (use --site OUTDIR for a folder)", file.display());
    }
    let today = super::today(global);
    let mut files = check_paths(std::slice::from_ref(file), global, rules::Options::default())?;
    let checked = files.pop().context("no file was checked")?;
    if checked.agreement.is_none() {
        let reason = match checked.diagnostics.first() {
            Some(l) => {
                format!("{}:{}:{}: {}", file.display(), l.position.line, l.position.column, l.diagnostic.message)
            }
            None => format!("{}: not an agreement file", file.display()),
        };
        bail!("{reason}\nnothing to render: fix the file first (`mentor-agree check` shows every problem)");
    }
    let (errors, warnings) = (checked.count(Severity::Error), checked.count(Severity::Warning));
    if args.strict && errors > 0 {
        report_errors(&[&checked], super::use_color_stderr(global));
        eprintln!("error: not rendering {}: {} (--strict)", file.display(), problems_phrase(errors, warnings));
        return Ok(super::EXIT_PROBLEMS);
    }
    let renderer = Renderer::for_program(&checked.program)?;
    let ctx = AgreementContext::build(&checked, today, None);
    let text = renderer.agreement(&ctx, format_of(args))?;
    match &args.out {
        Some(out) => {
            crate::atomic::write(out, text.as_bytes()).with_context(|| format!("cannot write {}", out.display()))?;
            let what = match format_of(args) {
                Format::Md => "Markdown",
                Format::Html => "HTML",
            };
            eprintln!("Wrote {} ({what})", out.display());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    if errors + warnings > 0 {
        eprintln!(
            "warning: {} has {}; the rendered agreement lists them (run `mentor-agree check` for details)",
            file.display(),
            problems_phrase(errors, warnings)
        );
    }
    Ok(super::EXIT_OK)
}

fn site(args: &RenderArgs, outdir: &Path, global: &Global) -> anyhow::Result<u8> {
    let today = super::today(global);
    let files = check_paths(&args.paths, global, rules::Options::default())?;
    let with_errors: Vec<&Checked> = files.iter().filter(|f| f.count(Severity::Error) > 0).collect();
    if args.strict && !with_errors.is_empty() {
        report_errors(&with_errors, super::use_color_stderr(global));
        eprintln!(
            "error: not writing the site: {} of {} agreements have errors (--strict)",
            with_errors.len(),
            files.len()
        );
        return Ok(super::EXIT_PROBLEMS);
    }

    // Compile each program's templates once, before rendering in parallel.
    let mut renderers: HashMap<Option<PathBuf>, Arc<Renderer>> = HashMap::new();
    for f in &files {
        if !renderers.contains_key(&f.program.path) {
            renderers.insert(f.program.path.clone(), Arc::new(Renderer::for_program(&f.program)?));
        }
    }
    let shared_program = files
        .first()
        .filter(|first| files.iter().all(|f| f.program.path == first.program.path))
        .map(|f| f.program.clone());
    let index_renderer = match &shared_program {
        Some(p) => renderers[&p.path].clone(),
        None => Arc::new(Renderer::builtin()?),
    };

    // Into a folder that is new or empty, pages are written in place: nothing can be
    // reading them, and nothing links to them until the index is written, last.
    // Otherwise each page replaces the old one atomically.
    let fresh = std::fs::read_dir(outdir).map_or(true, |mut entries| entries.next().is_none());
    std::fs::create_dir_all(outdir).with_context(|| format!("cannot create {}", outdir.display()))?;
    let root = outdir.canonicalize().with_context(|| format!("cannot open {}", outdir.display()))?;
    let names = page_names(files.iter().map(|f| f.id.as_str()));
    let site_ctx = SiteCtx { index: "index.html".to_string(), stylesheet: crate::render::STYLESHEET.to_string() };
    let css_path = inside(&root, crate::render::STYLESHEET)?;
    crate::atomic::write_regenerable(&css_path, index_renderer.stylesheet()?.as_bytes())
        .with_context(|| format!("cannot write {}", css_path.display()))?;
    // The index is rendered alongside the pages, from rows made straight from the
    // models; each model is dropped as soon as its page is written.
    let errors = with_errors.len();
    drop(with_errors);
    let total = files.len();
    let rows = files.par_iter().zip(names.par_iter()).map(|(f, name)| IndexRow::new(f, name.clone())).collect();
    let index = IndexContext::new(rows, shared_program.as_deref(), today);
    let (written, index_html) = rayon::join(
        || {
            files.into_par_iter().zip(names.par_iter()).try_for_each(|(f, name)| -> anyhow::Result<()> {
                let ctx = AgreementContext::build(&f, today, Some(site_ctx.clone()));
                let html = renderers[&f.program.path].agreement(&ctx, Format::Html)?;
                let path = inside(&root, name)?;
                if fresh {
                    crate::atomic::write_fresh(&path, html.as_bytes())
                } else {
                    crate::atomic::write_regenerable(&path, html.as_bytes())
                }
                .with_context(|| format!("cannot write {}", path.display()))
            })
        },
        || index_renderer.index(&index),
    );
    written?;
    // The index last: until it exists, nothing links to a page being written.
    let path = inside(&root, "index.html")?;
    crate::atomic::write(&path, index_html?.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;

    let mut summary = format!(
        "Wrote {} with {} agreement page{}",
        outdir.join("index.html").display(),
        total,
        if total == 1 { "" } else { "s" }
    );
    if errors > 0 {
        summary.push_str(&format!(" ({errors} with errors, listed on the index)"));
    }
    eprintln!("{summary}");
    Ok(super::EXIT_OK)
}

/// `root/name`, refusing any name that is not one plain file name (so nothing is written outside `root`).
fn inside(root: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let mut parts = Path::new(name).components();
    let plain = matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None))
        && !name.contains(['/', '\\'])
        && !name.starts_with('.');
    let path = root.join(name);
    if !plain || path.parent() != Some(root) {
        bail!("refusing to write {name:?}: not a plain file name inside {}", root.display());
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_accepts_only_plain_names() {
        let root = Path::new("/tmp/site");
        assert_eq!(inside(root, "a.html").unwrap(), Path::new("/tmp/site/a.html"));
        for bad in ["../a.html", "/etc/passwd", "a/b.html", ".hidden", "..", "", "a\\b.html"] {
            assert!(inside(root, bad).is_err(), "{bad}");
        }
    }
}
