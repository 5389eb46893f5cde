//! The library's layers (src/lib.rs describes them), held by reading the source:
//! the top-level modules use each other without a cycle, and the library never
//! uses the command line (src/main.rs, src/cli.rs and src/commands/ are the
//! binary's, the only place clap is used).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The binary's files, relative to src/: not part of the library.
fn is_binary(rel: &Path) -> bool {
    rel == Path::new("main.rs") || rel == Path::new("cli.rs") || rel.starts_with("commands")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each library file (relative to src/) and its code: comment lines (`//`, `///`,
/// `//!`) are left out, so a doc link to another layer is not a use of it.
fn library() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let library: Vec<_> = files
        .into_iter()
        .map(|p| p.strip_prefix(&src).unwrap().to_path_buf())
        .filter(|rel| !is_binary(rel))
        .map(|rel| {
            let text = std::fs::read_to_string(src.join(&rel)).unwrap();
            let code: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
            (rel, code.join("\n"))
        })
        .collect();
    assert!(library.len() > 50, "read the library's files ({} found)", library.len());
    library
}

/// The top-level module a file belongs to: `engine` for src/engine/run.rs,
/// `input` for src/input.rs, `None` for src/lib.rs.
fn top_module(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules `code` names after `crate::`, including each one of
/// a `crate::{a::X, b}` group.
fn crate_uses(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        // `$crate::` in a macro is the same crate; `mentor_agree::` is not in the library.
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        used.insert(ident(group[start..i].trim()).to_string());
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        used.insert(ident(group[start..i].trim()).to_string());
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            used.insert(ident(rest).to_string());
        }
    }
    used.retain(|m| !m.is_empty() && m != "self" && m.starts_with(|c: char| c.is_ascii_lowercase()));
    used
}

/// A cycle in `graph`, as the modules along it (the first repeated at the end).
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| visit(start, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_top_level_modules_use_each_other_without_a_cycle() {
    // (from, to) → the files where `from` uses `to`
    let mut edges: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, code) in library() {
        let Some(from) = top_module(&rel) else { continue };
        graph.entry(from.clone()).or_default();
        for to in crate_uses(&code) {
            if to != from {
                graph.get_mut(&from).unwrap().insert(to.clone());
                edges.entry((from.clone(), to)).or_default().push(rel.display().to_string());
            }
        }
    }
    assert!(graph.contains_key("engine") && graph["engine"].contains("rules"), "the graph was read: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        let steps: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("  {} -> {}  (in {})", w[0], w[1], edges[&(w[0].clone(), w[1].clone())].join(", ")))
            .collect();
        panic!("the top-level modules form a cycle: {}\n{}", cycle.join(" -> "), steps.join("\n"));
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a", "d"]), ("d", vec![])]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
            .collect();
    assert_eq!(find_cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    let mut acyclic = graph.clone();
    acyclic.get_mut("c").unwrap().remove("a");
    assert_eq!(find_cycle(&acyclic), None);
    assert_eq!(
        crate_uses("use crate::{engine::{self, Checked}, text};\nlet x = crate::format::agreement::parse(t);"),
        ["engine", "format", "text"].into_iter().map(str::to_string).collect()
    );
}

#[test]
fn the_library_does_not_know_the_command_line() {
    let mut leaks = Vec::new();
    for (rel, code) in library() {
        for needle in ["crate::cli", "crate::commands", "clap"] {
            if code.contains(needle) {
                leaks.push(format!("{}: {needle}", rel.display()));
            }
        }
    }
    assert!(leaks.is_empty(), "library files use the command line (the binary's):\n{}", leaks.join("\n"));
}
