//! `mentor-agree render`: one agreement as Markdown or HTML, or a site of all of them.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context as _, bail};

use crate::check::Checked;
use crate::check::Session;
use crate::check::{FileChecker, check_paths, check_paths_with};
use crate::cli::RenderArgs;
use crate::dashboard::DashboardContext;
use crate::diagnostic::report::{self, plural};
use crate::diagnostic::{Code, Severity};
use crate::program::Program;
use crate::render::{AgreementContext, Format, IndexContext, IndexRow, Renderer, SiteCtx, id_page_stem, page_names};
use crate::report::Facts;
use crate::rules;
use crate::site::Staging;

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
    if checked.agreement.is_none() {
        let reason = match checked.diagnostics.first() {
            Some(l) => l.in_file(file).to_string(),
            None => format!("{}: not an agreement file", file.display()),
        };
        bail!("{reason}\nnothing to render: fix the file first (`mentor-agree check` shows every problem)");
    }
    let (errors, warnings) = (checked.count(Severity::Error), checked.count(Severity::Warning));
    if args.strict && errors > 0 {
        report_errors(&[&checked], session.color_stderr);
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

/// One page written to the staging folder in the first pass.
struct StagedPage {
    /// Its name in the staging folder.
    staged: String,
    /// Its row of the index (the link is set once every id is known).
    row: IndexRow,
    /// What it adds to the dashboard.
    facts: Option<Facts>,
}

/// Each program's compiled templates, compiled on first use.
#[derive(Default)]
struct Renderers(Mutex<HashMap<Option<PathBuf>, Arc<Renderer>>>);

impl Renderers {
    fn get(&self, program: &Arc<Program>) -> anyhow::Result<Arc<Renderer>> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(r) = map.get(&program.path) {
            return Ok(r.clone());
        }
        let r = Arc::new(Renderer::for_program(program)?);
        map.insert(program.path.clone(), r.clone());
        Ok(r)
    }
}

/// `--site`: one pass checks each file, renders its page into the staging folder
/// and drops its model, keeping only its index row and problems; then, with
/// every id known, pages are moved to their names while the index renders.
fn site(args: &RenderArgs, outdir: &Path, session: &Session) -> anyhow::Result<u8> {
    let today = session.today;
    let staging = Staging::new(outdir).with_context(|| format!("cannot write the site into {}", outdir.display()))?;
    for left in staging.leftovers_removed() {
        eprintln!("note: removed {}, the staging folder of a render --site that was killed", left.display());
    }
    let site_ctx = SiteCtx { index: "index.html".to_string(), stylesheet: crate::render::STYLESHEET.to_string() };
    let renderers = Renderers::default();
    let next = AtomicUsize::new(0);
    let html_of = |checked: &Checked| -> anyhow::Result<String> {
        let ctx = AgreementContext::build(checked, today, Some(site_ctx.clone()));
        Ok(renderers.get(&checked.program)?.agreement(&ctx, Format::Html)?)
    };
    // Staged under the page's likely name (its id), so that most pages of a new
    // site need no moving; under a numbered name when another file took it.
    let render_page = |checked: &Checked| -> anyhow::Result<String> {
        let html = html_of(checked)?;
        let likely = id_page_stem(&checked.id)
            .filter(|stem| !crate::render::SITE_PAGES.contains(stem))
            .map(|stem| format!("{stem}.html"));
        for staged in likely
            .into_iter()
            .chain(std::iter::repeat_with(|| format!("page-{}.tmp", next.fetch_add(1, Ordering::Relaxed))))
        {
            let path = staging.dir().join(&staged);
            match crate::atomic::write_new_in_place(&path, html.as_bytes()) {
                Ok(()) => return Ok(staged),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
            }
        }
        unreachable!("the numbered names never end")
    };
    let results = check_paths_with(&args.paths, session, rules::Options::default(), false, |checked| {
        let staged = render_page(checked)?;
        Ok(StagedPage { staged, row: IndexRow::new(checked, String::new()), facts: Facts::of(checked, today) })
    })?;
    let (files, pages): (Vec<Checked>, Vec<anyhow::Result<StagedPage>>) = results.into_iter().unzip();
    let pages = pages.into_iter().collect::<anyhow::Result<Vec<_>>>()?;

    let with_errors: Vec<&Checked> = files.iter().filter(|f| f.count(Severity::Error) > 0).collect();
    if args.strict && !with_errors.is_empty() {
        report_errors(&with_errors, session.color_stderr);
        eprintln!(
            "error: not writing the site: {} of {} agreements have errors (--strict)",
            with_errors.len(),
            files.len()
        );
        return Ok(super::EXIT_PROBLEMS);
    }
    let errors = with_errors.len();

    // Duplicate ids are marked once every file is seen, after the pages were
    // rendered: those pages are rendered again (the file is read again, as models
    // are not kept). Duplicates are rare.
    let is_duplicate = |f: &Checked| f.diagnostics.iter().any(|l| l.diagnostic.code == Code::DuplicateId);
    let stale: Vec<usize> = (0..files.len()).filter(|&i| is_duplicate(&files[i])).collect();
    if !stale.is_empty() {
        let checker = FileChecker::new(session, rules::Options::default())?;
        for i in stale {
            let mut again = checker.check(&files[i].path)?;
            again.diagnostics.clone_from(&files[i].diagnostics);
            let path = staging.dir().join(&pages[i].staged);
            crate::atomic::write_regenerable(&path, html_of(&again)?.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }

    let names = page_names(files.iter().map(|f| f.id.as_str()));
    let shared_program = files.first().filter(|first| files.iter().all(|f| f.program.path == first.program.path));
    let index_renderer = match shared_program {
        Some(f) => renderers.get(&f.program)?,
        None => Arc::new(Renderer::builtin()?),
    };
    let facts: Vec<Facts> = pages.iter().filter_map(|p| p.facts.clone()).collect();
    let (staged, rows): (Vec<String>, Vec<IndexRow>) = pages
        .into_iter()
        .zip(&files)
        .zip(&names)
        .map(|((page, file), name)| {
            let row = IndexRow {
                href: name.clone(),
                errors: file.count(Severity::Error),
                warnings: file.count(Severity::Warning),
                ..page.row
            };
            (page.staged, row)
        })
        .unzip();
    let index = IndexContext::new(rows, shared_program.map(|f| f.program.as_ref()), today);
    let dashboard = DashboardContext::new(
        index.title.clone(),
        &facts,
        today,
        "index.html".to_string(),
        crate::render::STYLESHEET.to_string(),
    );
    // Everything is rendered and staged before anything is placed: a template that
    // fails here leaves an existing site as it was.
    let (mut staged, mut names) = (staged, names);
    for (name, text) in [
        (crate::render::STYLESHEET, index_renderer.stylesheet()?),
        ("report.html", index_renderer.dashboard(&dashboard)?),
        ("index.html", index_renderer.index(&index)?),
    ] {
        let path = staging.dir().join(name);
        crate::atomic::write_regenerable(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        staged.push(name.to_string());
        names.push(name.to_string());
    }
    // The index last: until it is there, nothing links to the new pages.
    staging.place_all(&staged, &names).with_context(|| format!("cannot write the site into {}", outdir.display()))?;
    staging.finish().with_context(|| format!("cannot write the site into {}", outdir.display()))?;

    let total = files.len();
    let mut summary = format!("Wrote {} with {}", outdir.join("index.html").display(), plural(total, "agreement page"));
    if errors > 0 {
        summary.push_str(&format!(" ({errors} with errors, listed on the index)"));
    }
    eprintln!("{summary}");
    Ok(super::EXIT_OK)
}
