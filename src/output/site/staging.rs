//! Where `render --site` writes: every page first goes to a hidden staging folder
//! and is moved into the site's folder only once all of them are written.
//!
//! Every file of the site, pages, stylesheet and index alike, is rendered and
//! staged before the first one is placed. A site's folder that did not exist
//! appears whole, in one rename, or not at all; an existing one has each page
//! replaced whole (readers see the old page or the new one), the index last, and
//! keeps the files it did not write. A run that fails while rendering (a broken
//! agreement, a failing template override) or is refused (`--strict`) removes its
//! staging folder and leaves the site byte for byte as it was. Only an I/O error
//! while moving the staged files into an existing site (a rename within one
//! folder) can leave it part old, part new.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::edit::atomic;

/// The file `render --site` leaves in every site it writes: a folder with files
/// but without it was not made by mentor-agree, and is not written into without `--force`.
pub const SITE_MARKER: &str = ".mentor-agree-site";

/// Why a site is not written into a folder.
#[derive(Debug, thiserror::Error)]
pub(super) enum SiteFolderError {
    /// The folder has files, and no [`SITE_MARKER`]: someone else's.
    #[error(
        "refusing to write the site into {}: the folder is not empty and was not made by `render --site` (it has no {SITE_MARKER}); its files (such as {}) would be replaced. Choose an empty or new folder, or pass --force to write into this one",
        dir.display(),
        example
    )]
    NotOurs {
        /// The folder.
        dir: PathBuf,
        /// One of the files in it.
        example: String,
    },
    /// The folder could not be listed.
    #[error("cannot read {}", dir.display())]
    Io {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Refuses `outdir` when it is a folder with files in it (other than staging
/// folders of killed runs) and no [`SITE_MARKER`]. A missing folder, an empty one
/// and a site `render --site` wrote are fine.
pub(super) fn refuse_a_folder_not_ours(outdir: &Path) -> Result<(), SiteFolderError> {
    let io = |source| SiteFolderError::Io { dir: outdir.to_path_buf(), source };
    let entries = match std::fs::read_dir(outdir) {
        Ok(entries) => entries,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => return Ok(()),
        Err(e) => return Err(io(e)),
    };
    let mut example = None;
    for entry in entries {
        let name = entry.map_err(io)?.file_name().to_string_lossy().into_owned();
        if name == SITE_MARKER {
            return Ok(());
        }
        let staging = name.starts_with('.') && crate::edit::leftovers::staging_pid(&name, ".").is_some();
        if !staging && example.as_ref().is_none_or(|e: &String| name < *e) {
            example = Some(name);
        }
    }
    match example {
        Some(example) => Err(SiteFolderError::NotOurs { dir: outdir.to_path_buf(), example }),
        None => Ok(()),
    }
}

/// A site being written.
#[derive(Debug)]
pub struct Staging {
    /// The hidden folder pages are written to first.
    dir: PathBuf,
    /// The site's folder.
    outdir: PathBuf,
    /// The site's folder did not exist: the staging folder becomes it.
    new_site: bool,
    /// Set once published: nothing left to clean up.
    finished: bool,
    /// Staging folders of killed runs that were found and removed.
    removed: Vec<PathBuf>,
}

impl Staging {
    /// Starts writing a site into `outdir`. A new site is staged beside it (so
    /// that it can appear in one rename), an existing one inside it (so that
    /// pages can be moved into it even when it is a mount point).
    pub fn new(outdir: &Path) -> io::Result<Staging> {
        let tag = crate::edit::leftovers::staging_tag(std::process::id());
        let (dir, outdir, new_site) = match std::fs::metadata(outdir) {
            Ok(meta) if meta.is_dir() => {
                let outdir = outdir.canonicalize()?;
                (outdir.join(format!(".{tag}")), outdir, false)
            }
            Ok(_) => return Err(io::Error::new(io::ErrorKind::AlreadyExists, "it exists and is not a folder")),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let Some(Component::Normal(name)) = outdir.components().next_back() else {
                    return Err(io::Error::new(io::ErrorKind::InvalidInput, "not a folder name"));
                };
                let parent = atomic::parent_dir(outdir);
                std::fs::create_dir_all(parent)?;
                let parent = parent.canonicalize()?;
                let name = name.to_string_lossy();
                (parent.join(format!(".{name}.{tag}")), parent.join(&*name), true)
            }
            Err(e) => return Err(e),
        };
        // Left over by a killed run that had the same process id.
        if std::fs::symlink_metadata(&dir).is_ok() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        crate::edit::leftovers::mark_staging(&dir)?;
        let removed = sweep_leftovers(&outdir);
        Ok(Staging { dir, outdir, new_site, finished: false, removed })
    }

    /// Staging folders that killed runs left inside or beside the site, removed
    /// when this one started (only marked ones whose process is gone).
    pub fn leftovers_removed(&self) -> &[PathBuf] {
        &self.removed
    }

    /// The staging folder, where pages are written first.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder where a file named `name` of the finished site is written now:
    /// the staging folder for a new site, the site's folder otherwise. `name` must
    /// be one plain file name, so nothing is ever written outside the site.
    fn final_path(&self, name: &str) -> io::Result<PathBuf> {
        let root = if self.new_site { &self.dir } else { &self.outdir };
        let mut parts = Path::new(name).components();
        let plain = matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None))
            && !name.contains(['/', '\\'])
            && !name.starts_with('.');
        let path = root.join(name);
        if !plain || path.parent() != Some(root.as_path()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write {name:?}: not a plain file name inside {}", self.outdir.display()),
            ));
        }
        Ok(path)
    }

    /// Moves each staged file `staged[i]` to `names[i]` in the site, replacing
    /// what is there; in an existing site the last one is moved last (the index,
    /// so that nothing links to a page before it is there). `names` must be
    /// distinct. Call it once everything is staged: it is the first step that
    /// changes an existing site. In a new site, a file already staged under its
    /// final name stays where it is, and one staged under a name another file
    /// needs is moved aside first.
    pub fn place_all(&self, staged: &[String], names: &[String]) -> io::Result<()> {
        if !self.new_site {
            let place = |(from, to): (&String, &String)| std::fs::rename(self.dir.join(from), self.final_path(to)?);
            let last = staged.len().min(names.len()).saturating_sub(1);
            staged[..last].par_iter().zip(&names[..last]).try_for_each(place)?;
            return staged[last..].iter().zip(&names[last..]).try_for_each(place);
        }
        let wanted: HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut current: Vec<Cow<'_, str>> = staged.iter().map(|s| Cow::Borrowed(s.as_str())).collect();
        for (i, (from, to)) in current.iter_mut().zip(names).enumerate() {
            if from != to && wanted.contains(&**from) {
                let aside = format!("page-{i}.aside");
                std::fs::rename(self.dir.join(&**from), self.dir.join(&aside))?;
                *from = Cow::Owned(aside);
            }
        }
        for (from, to) in current.iter().zip(names) {
            if from != to {
                std::fs::rename(self.dir.join(&**from), self.final_path(to)?)?;
            }
        }
        Ok(())
    }

    /// Publishes the site: a new site's staging folder becomes its folder; an
    /// existing site's (now empty) staging folder is removed.
    pub fn finish(mut self) -> io::Result<()> {
        crate::edit::leftovers::unmark_staging(&self.dir)?;
        if self.new_site {
            std::fs::rename(&self.dir, &self.outdir).map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot move the finished site into place ({e}); was it created meanwhile?"),
                )
            })?;
            atomic::sync_dir(atomic::parent_dir(&self.outdir));
        } else {
            std::fs::remove_dir(&self.dir)?;
        }
        self.finished = true;
        Ok(())
    }
}

/// Removes the staging folders of killed runs for the site `outdir`: inside it
/// (`.mentor-agree-PID.tmp`) and beside it (`.NAME.mentor-agree-PID.tmp`).
fn sweep_leftovers(outdir: &Path) -> Vec<PathBuf> {
    let mut removed = crate::edit::leftovers::sweep_staging(outdir, ".");
    if let (Some(parent), Some(name)) = (outdir.parent(), outdir.file_name()) {
        removed.extend(crate::edit::leftovers::sweep_staging(parent, &format!(".{}.", name.to_string_lossy())));
    }
    removed
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_site_appears_whole_when_finished() {
        let tmp = tempfile::tempdir().unwrap();
        let outdir = tmp.path().join("public/site");
        let staging = Staging::new(&outdir).unwrap();
        std::fs::write(staging.dir().join("p1.tmp"), "page").unwrap();
        staging.place_all(&["p1.tmp".into()], &["a.html".into()]).unwrap();
        std::fs::write(staging.final_path("index.html").unwrap(), "index").unwrap();
        assert!(!outdir.exists(), "nothing is visible before the end");
        staging.finish().unwrap();
        assert_eq!(names_in(&outdir), ["a.html", "index.html"]);
        assert_eq!(names_in(&tmp.path().join("public")), ["site"], "no staging folder left");
    }

    #[test]
    fn an_existing_site_gets_pages_replaced_and_keeps_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.html"), "old").unwrap();
        std::fs::write(tmp.path().join("CNAME"), "example.org").unwrap();
        let staging = Staging::new(tmp.path()).unwrap();
        std::fs::write(staging.dir().join("p1.tmp"), "new").unwrap();
        staging.place_all(&["p1.tmp".into()], &["a.html".into()]).unwrap();
        staging.finish().unwrap();
        assert_eq!(names_in(tmp.path()), ["CNAME", "a.html"]);
        assert_eq!(std::fs::read_to_string(tmp.path().join("a.html")).unwrap(), "new");
    }

    #[test]
    fn pages_staged_under_each_others_names_end_under_their_own() {
        let tmp = tempfile::tempdir().unwrap();
        let outdir = tmp.path().join("site");
        let staging = Staging::new(&outdir).unwrap();
        // Staged as: a under its own name, c under b's name, b under c's, d aside.
        let staged: Vec<String> = ["a.html", "b.html", "c.html", "page-3.tmp"].map(String::from).to_vec();
        for (file, text) in staged.iter().zip(["A", "C", "B", "D"]) {
            std::fs::write(staging.dir().join(file), text).unwrap();
        }
        let names: Vec<String> = ["a.html", "c.html", "b.html", "d.html"].map(String::from).to_vec();
        staging.place_all(&staged, &names).unwrap();
        staging.finish().unwrap();
        assert_eq!(names_in(&outdir), ["a.html", "b.html", "c.html", "d.html"]);
        for (file, text) in [("a.html", "A"), ("b.html", "B"), ("c.html", "C"), ("d.html", "D")] {
            assert_eq!(std::fs::read_to_string(outdir.join(file)).unwrap(), text, "{file}");
        }
    }

    #[test]
    fn an_abandoned_site_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let outdir = tmp.path().join("site");
        {
            let staging = Staging::new(&outdir).unwrap();
            std::fs::write(staging.dir().join("p1.tmp"), "page").unwrap();
        }
        assert!(names_in(tmp.path()).is_empty());
        std::fs::create_dir(&outdir).unwrap();
        {
            let staging = Staging::new(&outdir).unwrap();
            std::fs::write(staging.dir().join("p1.tmp"), "page").unwrap();
        }
        assert!(names_in(&outdir).is_empty());
    }

    #[test]
    fn only_plain_names_inside_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("site")).unwrap();
        assert!(staging.final_path("a.html").unwrap().starts_with(staging.dir()));
        for bad in ["../a.html", "/etc/passwd", "a/b.html", ".hidden", "..", "", "a\\b.html"] {
            assert!(staging.final_path(bad).is_err(), "{bad}");
        }
        assert!(Staging::new(&tmp.path().join("none/..")).is_err());
        let file = tmp.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(Staging::new(&file).is_err());
    }
}
