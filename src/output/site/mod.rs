//! `render --site`: every agreement's page, the index and the dashboard,
//! written into a site's folder so that it is replaced whole ([`Staging`]).

mod staging;

pub use staging::{SITE_MARKER, Staging};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;

use crate::desk::report::Facts;
use crate::diagnostic::{Code, Severity};
use crate::engine::{Checked, FileChecker, Session, check_paths_with};
use crate::output::render::dashboard::DashboardContext;
use crate::output::render::{
    AgreementContext, Format, IndexContext, IndexRow, Renderer, SITE_PAGES, STYLESHEET, SiteCtx, id_page_stem,
    page_names,
};
use crate::program::Program;
use crate::rules;

/// What the [`SITE_MARKER`] file says.
const SITE_MARKER_TEXT: &str =
    "This folder is a site written by `mentor-agree render --site`: later runs may replace its pages.\n";

/// How a site run ended.
#[derive(Debug)]
pub enum Outcome {
    /// `strict`, and some agreements have errors: nothing was placed.
    Refused {
        /// The checked files with errors, for their reports.
        with_errors: Vec<Checked>,
        /// How many agreements the run checked.
        total: usize,
    },
    /// The site is written.
    Written {
        /// Agreement pages written.
        total: usize,
        /// Of those, the agreements with errors (listed on the index).
        errors: usize,
    },
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

/// Writes the site of the agreements in `paths` into `outdir`: a page per
/// agreement, the index and the dashboard, with the shared stylesheet. With
/// `strict`, any agreement with errors stops the run before anything is placed.
/// `on_leftover` hears of each staging folder of a killed run that was removed.
/// Without `force`, a folder that has files but no [`SITE_MARKER`] is refused
/// before anything is written; every site written gets the marker. `enrich`
/// adds to each checked file what its page shows beyond the file itself (the
/// command passes [`crate::versions::history::dated`]: an amendment's date and
/// changes from git history, which this layer below git history cannot read).
///
/// One pass checks each file, renders its page into the staging folder and
/// drops its model, keeping only its index row and facts; then, with every id
/// known, pages are moved to their names while the index renders.
pub fn build(
    paths: &[PathBuf],
    outdir: &Path,
    strict: bool,
    force: bool,
    session: &Session,
    enrich: &(dyn for<'a> Fn(&'a Checked) -> std::borrow::Cow<'a, Checked> + Sync),
    on_leftover: &mut dyn FnMut(&Path),
) -> anyhow::Result<Outcome> {
    let today = session.today;
    if !force {
        staging::refuse_a_folder_not_ours(outdir)?;
    }
    let staging = Staging::new(outdir).with_context(|| format!("cannot write the site into {}", outdir.display()))?;
    for left in staging.leftovers_removed() {
        on_leftover(left);
    }
    let site_ctx = SiteCtx { index: "index.html".to_string(), stylesheet: STYLESHEET.to_string() };
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
        let likely =
            id_page_stem(&checked.id).filter(|stem| !SITE_PAGES.contains(stem)).map(|stem| format!("{stem}.html"));
        for staged in likely
            .into_iter()
            .chain(std::iter::repeat_with(|| format!("page-{}.tmp", next.fetch_add(1, Ordering::Relaxed))))
        {
            let path = staging.dir().join(&staged);
            match crate::edit::atomic::write_new_in_place(&path, html.as_bytes()) {
                Ok(()) => return Ok(staged),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
            }
        }
        unreachable!("the numbered names never end")
    };
    let results = check_paths_with(paths, session, rules::Options::default(), false, |checked| {
        let checked = &*enrich(checked);
        let staged = render_page(checked)?;
        Ok(StagedPage { staged, row: IndexRow::new(checked, String::new()), facts: Facts::of(checked, today) })
    })?;
    let (files, pages): (Vec<Checked>, Vec<anyhow::Result<StagedPage>>) = results.into_iter().unzip();
    let pages = pages.into_iter().collect::<anyhow::Result<Vec<_>>>()?;

    let errors = files.iter().filter(|f| f.count(Severity::Error) > 0).count();
    if strict && errors > 0 {
        let total = files.len();
        let with_errors = files.into_iter().filter(|f| f.count(Severity::Error) > 0).collect();
        return Ok(Outcome::Refused { with_errors, total });
    }

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
            crate::edit::atomic::write_regenerable(&path, html_of(&enrich(&again))?.as_bytes())
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
        shared_program.map(|f| f.program.as_ref()),
        today,
        "index.html".to_string(),
        STYLESHEET.to_string(),
    );
    // Everything is rendered and staged before anything is placed: a template that
    // fails here leaves an existing site as it was.
    let (mut staged, mut names) = (staged, names);
    for (name, text) in [
        (STYLESHEET, index_renderer.stylesheet()?),
        ("report.html", index_renderer.dashboard(&dashboard)?),
        ("index.html", index_renderer.index(&index)?),
    ] {
        let path = staging.dir().join(name);
        crate::edit::atomic::write_regenerable(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        staged.push(name.to_string());
        names.push(name.to_string());
    }
    // The index last: until it is there, nothing links to the new pages.
    staging.place_all(&staged, &names).with_context(|| format!("cannot write the site into {}", outdir.display()))?;
    staging.finish().with_context(|| format!("cannot write the site into {}", outdir.display()))?;
    let marker = outdir.join(SITE_MARKER);
    crate::edit::atomic::write_regenerable(&marker, SITE_MARKER_TEXT.as_bytes())
        .with_context(|| format!("cannot write {}", marker.display()))?;

    Ok(Outcome::Written { total: files.len(), errors })
}
