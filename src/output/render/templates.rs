//! Loading, compiling and rendering the templates: the built-in ones embedded in
//! the binary, each replaceable by a program's own `templates/<name>`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use super::filters::{escape_markdown, new_tera};
use super::{AgreementContext, Format, IndexContext, ProgramCtx, RenderError};
use crate::program::{OVERRIDE_DIR, Program};

/// One built-in template: its name (also the override file name) and text.
#[derive(Debug, Clone, Copy)]
pub struct BuiltinTemplate {
    /// Name, e.g. `agreement.html.tera`; a program overrides it with `templates/<name>`.
    pub name: &'static str,
    /// What it is for.
    pub purpose: &'static str,
    /// The template text.
    pub source: &'static str,
}

/// Every built-in template. Only these names can be overridden.
pub const TEMPLATES: &[BuiltinTemplate] = &[
    BuiltinTemplate {
        name: "agreement.md.tera",
        purpose: "one agreement as Markdown",
        source: include_str!("../../../templates/agreement.md.tera"),
    },
    BuiltinTemplate {
        name: "agreement.html.tera",
        purpose: "one agreement as a self-contained HTML page",
        source: include_str!("../../../templates/agreement.html.tera"),
    },
    BuiltinTemplate {
        name: "index.html.tera",
        purpose: "the site's index: a sortable table of every agreement",
        source: include_str!("../../../templates/index.html.tera"),
    },
    BuiltinTemplate {
        name: "report.html.tera",
        purpose: "the site's dashboard: the program report as charts and tables",
        source: include_str!("../../../templates/report.html.tera"),
    },
    BuiltinTemplate {
        name: "style.css.tera",
        purpose: "the CSS both HTML pages include (light, dark, phone, print)",
        source: include_str!("../../../templates/style.css.tera"),
    },
    BuiltinTemplate {
        name: "problems.html.tera",
        purpose: "the warning banner listing check problems (HTML)",
        source: include_str!("../../../templates/problems.html.tera"),
    },
    BuiltinTemplate {
        name: "sort.js.tera",
        purpose: "the index table's column sorting (inline script)",
        source: include_str!("../../../templates/sort.js.tera"),
    },
];

/// Compiled templates for one program: built-in ones, with that program's overrides.
pub struct Renderer {
    html: Tera,
    md: Tera,
    overrides: Vec<PathBuf>,
    /// The program these templates were chosen for, with its template value made
    /// once: a site renders thousands of pages that all share it.
    program: Option<(Arc<Program>, Value)>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("overrides", &self.overrides).finish_non_exhaustive()
    }
}

impl Renderer {
    /// The built-in templates only.
    pub fn builtin() -> Result<Renderer, RenderError> {
        Renderer::with_override_dir(None)
    }

    /// The templates for `program`: built-in, each replaced by `templates/<name>`
    /// next to its program.toml when that file exists. No other path is ever read,
    /// and templates can include only each other (tera resolves `include` by name).
    pub fn for_program(program: &Arc<Program>) -> Result<Renderer, RenderError> {
        let mut renderer = match &program.path {
            Some(_) => Renderer::with_override_dir(Some(&program.root().join(OVERRIDE_DIR)))?,
            None => Renderer::builtin()?,
        };
        renderer.program = Some((program.clone(), Value::from_serializable(&ProgramCtx::new(program))));
        Ok(renderer)
    }

    /// The built-in templates, with overrides from `dir` when given.
    fn with_override_dir(dir: Option<&Path>) -> Result<Renderer, RenderError> {
        let mut html_sources: Vec<(&str, String)> = Vec::new();
        let mut md_sources: Vec<(&str, String)> = Vec::new();
        let mut overrides = Vec::new();
        for t in TEMPLATES {
            let mut source = t.source.to_string();
            if let Some(dir) = dir {
                let path = dir.join(t.name);
                if let Some(text) = read_override(dir, &path)? {
                    source = text;
                    overrides.push(path);
                }
            }
            if t.name.ends_with(".md.tera") {
                md_sources.push((t.name, source));
            } else {
                html_sources.push((t.name, source));
            }
        }
        let origin = |overrides: &[PathBuf]| {
            if overrides.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = overrides.iter().map(|p| p.display().to_string()).collect();
                format!(" (overrides: {})", list.join(", "))
            }
        };
        let mut html = new_tera();
        html.autoescape_on([".html.tera"]);
        html.add_raw_templates(html_sources)
            .map_err(|e| RenderError::Compile { origin: origin(&overrides), report: e.to_string() })?;
        let mut md = new_tera();
        md.autoescape_on([".md.tera"]);
        md.set_escape_fn(escape_markdown);
        md.add_raw_templates(md_sources)
            .map_err(|e| RenderError::Compile { origin: origin(&overrides), report: e.to_string() })?;
        Ok(Renderer { html, md, overrides, program: None })
    }

    /// Override files in use.
    pub fn overrides(&self) -> &[PathBuf] {
        &self.overrides
    }

    /// Renders one agreement.
    pub fn agreement(&self, ctx: &AgreementContext, format: Format) -> Result<String, RenderError> {
        let tera = match format {
            Format::Md => &self.md,
            Format::Html => &self.html,
        };
        let name = format.template();
        let mut context = Context::from_serialize(ctx).map_err(|e| render_error(name, e))?;
        let program = match &self.program {
            Some((p, value)) if Arc::ptr_eq(p, &ctx.program) => value.clone(),
            _ => Value::from_serializable(&ProgramCtx::new(&ctx.program)),
        };
        context.insert_value("program", program);
        tera.render(name, &context).map_err(|e| render_error(name, e))
    }

    /// Renders the site's index page.
    pub fn index(&self, ctx: &IndexContext) -> Result<String, RenderError> {
        let name = "index.html.tera";
        let mut context = Context::from_serialize(ctx).map_err(|e| render_error(name, e))?;
        let rows: Vec<Value> = ctx.agreements.par_iter().map(Value::from_serializable).collect();
        context.insert_value("agreements", Value::from(rows));
        self.html.render(name, &context).map_err(|e| render_error(name, e))
    }

    /// Renders the site's dashboard (`report.html`).
    pub fn dashboard(&self, ctx: &crate::output::render::dashboard::DashboardContext) -> Result<String, RenderError> {
        let name = "report.html.tera";
        let context = Context::from_serialize(ctx).map_err(|e| render_error(name, e))?;
        self.html.render(name, &context).map_err(|e| render_error(name, e))
    }

    /// Renders the CSS the HTML pages use, for a site's shared stylesheet.
    pub fn stylesheet(&self) -> Result<String, RenderError> {
        let name = "style.css.tera";
        self.html.render(name, &Context::new()).map_err(|e| render_error(name, e))
    }
}

/// The text of the override `path` in the override folder `dir`, or `None` when
/// there is none. Only a regular file whose real path lies inside the program's
/// folder (the parent of `dir`) is read: a symlink committed to the program's
/// repository cannot pull another file of the machine into published pages.
fn read_override(dir: &Path, path: &Path) -> Result<Option<String>, RenderError> {
    let read_err = |source| RenderError::Read { path: path.to_path_buf(), source };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_err(e)),
    };
    let root = dir.parent().unwrap_or(dir);
    let root = root.canonicalize().map_err(read_err)?;
    let real = path.canonicalize().map_err(read_err)?;
    if !real.starts_with(&root) {
        let why = format!("it resolves to {}, outside {}", real.display(), root.display());
        return Err(RenderError::Refused { path: path.to_path_buf(), why });
    }
    if !meta.is_file() {
        return Err(RenderError::Refused { path: path.to_path_buf(), why: "it is not a regular file".into() });
    }
    std::fs::read_to_string(path).map(Some).map_err(read_err)
}

fn render_error(name: &str, e: tera::Error) -> RenderError {
    RenderError::Render { name: name.to_string(), report: e.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_compile() {
        let r = Renderer::builtin().unwrap();
        assert!(r.overrides().is_empty());
    }
}
