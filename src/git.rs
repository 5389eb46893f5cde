//! Git access through the `git` binary.
//!
//! Every call runs `git` directly (no shell) with its arguments as separate
//! words, revisions behind `--end-of-options` and paths behind `--`, so no
//! path or revision a user gives can be read as an option or a command.
//! The binary is used rather than a Rust implementation of git because it is
//! always present where a repository is (a merge driver is run *by* git), it
//! understands every repository layout git does (worktrees, shallow clones,
//! alternates, `safe.directory`), and it adds nothing to the build.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a git operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started.
    #[error("cannot run git: {0} (is git installed and on PATH?)")]
    Missing(#[source] std::io::Error),
    /// The folder is not inside a git work tree.
    #[error("{} is not inside a git repository", .0.display())]
    NotARepo(PathBuf),
    /// A revision that does not name a commit.
    #[error("`{0}` is not a revision of this repository (try a branch, a tag or a commit id)")]
    BadRevision(String),
    /// git ran and failed.
    #[error("git {command} failed: {message}")]
    Failed {
        /// The git subcommand.
        command: String,
        /// What git said on stderr.
        message: String,
    },
}

/// A git work tree, found from a folder inside it.
#[derive(Debug, Clone)]
pub struct Repo {
    /// The work tree's top folder (absolute).
    pub root: PathBuf,
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    // No pager, no colour, no locale-dependent messages to parse; never prompt.
    c.current_dir(dir).env("GIT_PAGER", "cat").env("LC_ALL", "C").env("GIT_TERMINAL_PROMPT", "0").stdin(Stdio::null());
    c
}

fn output(mut cmd: Command, what: &str) -> Result<std::process::Output, GitError> {
    let out = cmd.output().map_err(GitError::Missing)?;
    if out.status.success() {
        Ok(out)
    } else {
        Err(GitError::Failed {
            command: what.to_string(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

impl Repo {
    /// The work tree `dir` is in, or [`GitError::NotARepo`].
    pub fn discover(dir: &Path) -> Result<Repo, GitError> {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        let mut c = git(dir);
        c.args(["rev-parse", "--show-toplevel"]).stderr(Stdio::null());
        let out = c.output().map_err(GitError::Missing)?;
        if !out.status.success() {
            return Err(GitError::NotARepo(dir.to_path_buf()));
        }
        let root = String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r']).to_string();
        Ok(Repo { root: PathBuf::from(root) })
    }

    /// The full commit id `rev` names, or [`GitError::BadRevision`].
    pub fn commit(&self, rev: &str) -> Result<String, GitError> {
        let mut c = git(&self.root);
        c.args(["rev-parse", "--verify", "--quiet", "--end-of-options"]).arg(format!("{rev}^{{commit}}"));
        let out = c.output().map_err(GitError::Missing)?;
        if !out.status.success() || rev.is_empty() {
            return Err(GitError::BadRevision(rev.to_string()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// `path` (absolute, or relative to the current folder) as git names it: relative to the root, with `/`.
    pub fn relative(&self, path: &Path) -> Option<String> {
        let abs = std::path::absolute(path).ok()?;
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let parent = abs.parent().and_then(|p| std::fs::canonicalize(p).ok())?;
        let full = parent.join(abs.file_name()?);
        let rel = full.strip_prefix(&root).ok()?;
        Some(rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/"))
    }

    /// The bytes of `rel` (root-relative) at `commit`; `None` when the file is not in that commit.
    pub fn show(&self, commit: &str, rel: &str) -> Result<Option<Vec<u8>>, GitError> {
        let mut c = git(&self.root);
        c.args(["cat-file", "blob"]).arg(format!("{commit}:{rel}")).stderr(Stdio::null());
        let out = c.output().map_err(GitError::Missing)?;
        Ok(out.status.success().then_some(out.stdout))
    }

    /// Root-relative paths of the files changed between `commit` and the work
    /// tree, limited to `pathspecs` (root-relative; all files when empty), with
    /// the untracked files git does not ignore. Renames are not followed; sorted.
    pub fn changed_since(&self, commit: &str, pathspecs: &[String]) -> Result<Vec<String>, GitError> {
        let specs: Vec<String> = pathspecs.iter().map(|p| format!(":(top,literal){p}")).collect();
        let mut c = git(&self.root);
        c.args(["diff", "--name-only", "-z", "--no-renames", "--end-of-options", commit, "--"]).args(&specs);
        let mut out = output(c, "diff")?.stdout;
        let mut c = git(&self.root);
        c.args(["ls-files", "-z", "--others", "--exclude-standard", "--"]).args(&specs);
        out.extend(output(c, "ls-files")?.stdout);
        let mut files: Vec<String> =
            out.split(|b| *b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
        files.sort();
        files.dedup();
        Ok(files)
    }

    /// The newest common ancestor of two commits (full ids), if they have one.
    pub fn merge_base(&self, a: &str, b: &str) -> Option<String> {
        let mut c = git(&self.root);
        c.args(["merge-base", a, b]).stderr(Stdio::null());
        let out = c.output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

/// One committed version of a file.
#[derive(Debug, Clone)]
pub struct Version {
    /// The commit's abbreviated id.
    pub commit: String,
    /// The commit date, `YYYY-MM-DD`.
    pub date: String,
    /// The file's bytes in that commit.
    pub bytes: Vec<u8>,
}

impl Repo {
    /// The committed versions of each of `rels` (root-relative), newest first, at
    /// most `depth` per file. The history is read once for all of them: one
    /// `git log` (stopped as soon as every file has `depth` versions) and one
    /// `git cat-file --batch`. A shallow clone only knows the commits it fetched.
    pub fn histories(&self, rels: &[String], depth: usize) -> Result<HashMap<String, Vec<Version>>, GitError> {
        use std::io::{BufRead as _, BufReader, Read as _, Write as _};
        let mut found: HashMap<String, Vec<(String, String, String)>> = HashMap::new();
        if depth == 0 || rels.is_empty() {
            return Ok(HashMap::new());
        }
        let mut c = git(&self.root);
        c.args([
            "-c",
            "core.quotePath=false",
            "log",
            "--no-renames",
            "--diff-merges=first-parent",
            "--name-only",
            "--format=%x01%H %h %cs",
            "--",
        ]);
        c.args(rels.iter().map(|r| format!(":(top,literal){r}")));
        c.stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = c.spawn().map_err(GitError::Missing)?;
        let log = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut commit: Option<(String, String, String)> = None;
        let mut complete = 0;
        for line in log.lines() {
            let Ok(line) = line else { break };
            if let Some(header) = line.strip_prefix('\u{1}') {
                let mut w = header.split(' ');
                commit = match (w.next(), w.next(), w.next()) {
                    (Some(a), Some(b), Some(c)) => Some((a.to_string(), b.to_string(), c.to_string())),
                    _ => None,
                };
            } else if let (Some(c), true) = (&commit, rels.contains(&line)) {
                let versions = found.entry(line).or_default();
                if versions.len() < depth {
                    versions.push(c.clone());
                    if versions.len() == depth {
                        complete += 1;
                    }
                }
                if complete == rels.len() {
                    break;
                }
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let requests: Vec<(String, String, String, String)> = found
            .iter()
            .flat_map(|(rel, cs)| {
                cs.iter().map(move |(full, short, date)| (rel.clone(), full.clone(), short.clone(), date.clone()))
            })
            .collect();
        let mut out: HashMap<String, Vec<Version>> = HashMap::new();
        if requests.is_empty() {
            return Ok(out);
        }
        let mut c = git(&self.root);
        c.args(["cat-file", "--batch"]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = c.spawn().map_err(GitError::Missing)?;
        let input: String = requests.iter().map(|(rel, full, _, _)| format!("{full}:{rel}\n")).collect();
        let mut stdin = child.stdin.take().expect("piped stdin");
        // Written from another thread: git answers while it reads, and a full pipe would stall both.
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
        let failed = |m: &str| GitError::Failed { command: "cat-file".into(), message: m.to_string() };
        for (rel, _, short, date) in requests {
            let mut header = String::new();
            reader.read_line(&mut header).map_err(|e| failed(&e.to_string()))?;
            let words: Vec<&str> = header.split_whitespace().collect();
            let size = match words.as_slice() {
                [_, "blob", size] => size.parse::<usize>().map_err(|_| failed("unreadable answer"))?,
                [.., "missing"] => continue,
                _ => return Err(failed("unreadable answer")),
            };
            let mut bytes = vec![0; size + 1];
            reader.read_exact(&mut bytes).map_err(|e| failed(&e.to_string()))?;
            bytes.pop();
            out.entry(rel).or_default().push(Version { commit: short, date, bytes });
        }
        let _ = writer.join();
        drop(reader);
        let _ = child.wait();
        Ok(out)
    }
}

/// The result of a line-wise three-way merge.
#[derive(Debug)]
pub struct TextMerge {
    /// The merged bytes, with git's conflict markers where the sides disagree.
    pub bytes: Vec<u8>,
    /// How many conflicts were left.
    pub conflicts: u32,
}

/// Conflict marker labels: ours, base, theirs.
pub type Labels<'a> = [&'a str; 3];

/// `git merge-file -p`: the line-wise three-way merge git itself would make,
/// with its conflict markers (`<<<<<<<`, `=======`, `>>>>>>>`, `marker_size` long).
pub fn merge_file(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    labels: Labels<'_>,
    marker_size: usize,
) -> Result<TextMerge, GitError> {
    let io = |e: std::io::Error| GitError::Failed { command: "merge-file".into(), message: e.to_string() };
    let dir = tempfile::tempdir().map_err(io)?;
    let mut paths = Vec::new();
    for (name, bytes) in [("ours", ours), ("base", base), ("theirs", theirs)] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).map_err(io)?;
        paths.push(p);
    }
    let mut c = git(dir.path());
    c.arg("merge-file").arg("-p").arg(format!("--marker-size={marker_size}"));
    for label in labels {
        c.arg("-L").arg(label);
    }
    c.arg("--").args(paths.iter().map(|p| p.as_os_str()));
    let out = c.output().map_err(GitError::Missing)?;
    match out.status.code() {
        Some(n @ 0..=127) => Ok(TextMerge { bytes: out.stdout, conflicts: n as u32 }),
        _ => Err(GitError::Failed {
            command: "merge-file".into(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }),
    }
}

/// Runs `git ARGS` in `dir`, for set-up commands (`git config`); returns stdout.
pub fn run_in(dir: &Path, args: &[&OsStr]) -> Result<String, GitError> {
    let mut c = git(dir);
    c.args(args);
    let what = args.first().map(|a| a.to_string_lossy().into_owned()).unwrap_or_default();
    let out = output(c, &what)?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_file_merges_and_marks_conflicts() {
        let base = b"a\nb\nc\n";
        let clean = merge_file(base, b"A\nb\nc\n", b"a\nb\nC\n", ["ours", "base", "theirs"], 7).unwrap();
        assert_eq!(clean.conflicts, 0);
        assert_eq!(clean.bytes, b"A\nb\nC\n");
        let conflict = merge_file(base, b"a\nX\nc\n", b"a\nY\nc\n", ["ours", "base", "theirs"], 7).unwrap();
        assert_eq!(conflict.conflicts, 1);
        let text = String::from_utf8(conflict.bytes).unwrap();
        assert!(text.contains("<<<<<<< ours\nX\n=======\nY\n>>>>>>> theirs\n"), "{text}");
    }

    #[test]
    fn outside_a_repo_and_bad_revisions_are_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(Repo::discover(dir.path()), Err(GitError::NotARepo(_))));
        run_in(dir.path(), &["init".as_ref(), "-q".as_ref()]).unwrap();
        let repo = Repo::discover(dir.path()).unwrap();
        for bad in ["HEAD", "--output=x", "no-such-branch"] {
            assert!(matches!(repo.commit(bad), Err(GitError::BadRevision(_))), "{bad}");
        }
        assert!(!dir.path().join("x").exists());
    }
}
