//! Rendering agreements as Markdown, self-contained HTML pages and a program site.
//!
//! [`AgreementContext::build`] turns a [`Checked`](crate::engine::Checked) file into the template context
//! (documented field by field in docs/render.md, "Template context"): the
//! agreement's own tables at the top level, derived values under `derived`, the
//! program under `program`.
//! [`Renderer`] holds the compiled tera templates: the built-in ones from
//! `templates/`, embedded in the binary, each replaced by a program's own
//! `templates/<name>` when that file exists next to its program.toml.
//!
//! Escaping: HTML templates (`*.html.tera`) escape every `{{ … }}` for HTML;
//! Markdown templates (`*.md.tera`) escape Markdown syntax instead, so a name or
//! goal can never add markup, links or table cells of its own.
//!
//! The module's files, one job each: `templates` loads and compiles the
//! templates (built-in and overrides) and renders them; `filters` holds the
//! escaping and the filters templates call; `context` builds one agreement's
//! template context; `site` the index page's rows, totals and page names.

mod context;
pub mod dashboard;
mod filters;
mod site;
mod templates;

pub use context::{
    AgreementContext, CheckinCtx, CheckpointCtx, DerivedCtx, EvaluationCtx, ExtensionCtx, GeneratorCtx, GoalCtx,
    GoalProgressCtx, PersonCtx, ProblemCtx, ProgramCtx, ReviewsCtx, ScheduleCtx, SignatureCtx, SignatureLine, SiteCtx,
    StatusCtx, TermCtx, TerminationCtx, short_digest,
};
pub use filters::{escape_markdown, markdown_text};
pub use site::{Counts, IndexContext, IndexRow, SITE_PAGES, STYLESHEET, id_page_stem, page_names};
pub use templates::{BuiltinTemplate, Renderer, TEMPLATES};

use std::path::PathBuf;

/// Output of `render FILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Markdown.
    #[default]
    Md,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    /// The template that renders one agreement in this format.
    pub fn template(self) -> &'static str {
        match self {
            Format::Md => "agreement.md.tera",
            Format::Html => "agreement.html.tera",
        }
    }
}

/// Why templates could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template override exists but cannot be read.
    #[error("cannot read template {}: {source}", path.display())]
    Read {
        /// The override file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A template override is not a regular file inside the program's folder (for
    /// example a symlink to a file elsewhere), so it is not read.
    #[error("refusing template {}: {why}; a template override must be a regular file inside the program's folder", path.display())]
    Refused {
        /// The override file.
        path: PathBuf,
        /// What it is instead.
        why: String,
    },
    /// A template does not compile (tera's report names the template, line and column).
    #[error("invalid template{origin}\n{report}")]
    Compile {
        /// " (from PATH)" for overrides, empty for built-in templates.
        origin: String,
        /// tera's located report.
        report: String,
    },
    /// A template failed while rendering.
    #[error("cannot render {name}\n{report}")]
    Render {
        /// The template.
        name: String,
        /// tera's located report.
        report: String,
    },
}
