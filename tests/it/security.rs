//! What published output and template overrides can never do: write outside
//! the site folder whatever the agreement ids, read files outside the program's
//! folder, or let user or program text add HTML.

use crate::common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use common::{cmd, example};
use scraper::{Html, Selector};

const DRAFT: &str = "2027-01-li-wei-sara-haddad.toml";
const MAYA: &str = "2026-09-maya-okafor-tomas-rivera.toml";

/// Every file and folder under `root`, relative to it.
fn tree(root: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(root).unwrap().to_path_buf())
        .collect()
}

fn with_id(id: &str) -> String {
    let text = fs::read_to_string(example(DRAFT)).unwrap();
    let mut quoted = String::new();
    for c in id.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            c => quoted.push(c),
        }
    }
    text.replace("id = \"2027-01-li-wei-sara-haddad\"", &format!("id = \"{quoted}\""))
}

#[test]
fn site_never_writes_outside_outdir_whatever_the_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("deep/agreements");
    let outdir = tmp.path().join("deep/public/site");
    fs::create_dir_all(&src).unwrap();
    let long = "a".repeat(300);
    let ids = [
        "../../x",
        "../../../../../../../../tmp/mentor-agree-escaped",
        "/etc/mentor-agree-escaped",
        "..",
        ".",
        "a/b",
        "a\\b",
        ".hidden",
        "index",
        "index.html",
        "x\0y",
        "ünïcödé-名前",
        long.as_str(),
        "",
        "2027-01-fine",
        "2027-01-fine",
    ];
    for (i, id) in ids.iter().enumerate() {
        fs::write(src.join(format!("{i:02}.toml")), with_id(id)).unwrap();
    }
    let outside_before = tree(tmp.path());
    assert!(!Path::new("/etc/mentor-agree-escaped").exists() && !Path::new("/tmp/mentor-agree-escaped").exists());

    let out = cmd().arg("render").arg("--site").arg(&outdir).arg(&src).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Only OUTDIR (and its parents) appeared, and only plain pages inside it.
    let added: BTreeSet<PathBuf> = tree(tmp.path()).difference(&outside_before).cloned().collect();
    let mut pages = BTreeSet::new();
    for p in &added {
        if let Ok(name) = tmp.path().join(p).strip_prefix(&outdir) {
            if !name.as_os_str().is_empty() {
                assert_eq!(name.components().count(), 1, "{} is not directly in OUTDIR", p.display());
                pages.insert(name.to_string_lossy().into_owned());
            }
        } else {
            assert!(outdir.starts_with(tmp.path().join(p)), "written outside OUTDIR: {}", p.display());
        }
    }
    assert!(!Path::new("/etc/mentor-agree-escaped").exists() && !Path::new("/tmp/mentor-agree-escaped").exists());
    assert!(pages.remove("style.css"), "the shared stylesheet: {pages:?}");
    assert!(pages.remove(mentor_agree::output::site::SITE_MARKER), "the marker of a site render made: {pages:?}");
    assert!(pages.contains("report.html"), "the dashboard: {pages:?}");
    assert_eq!(pages.len(), ids.len() + 2, "one page per agreement, the index and the dashboard: {pages:?}");
    for page in &pages {
        assert!(page.ends_with(".html") && !page.starts_with('.') && page.len() < 255, "{page}");
    }

    // The index links every page, and each link stays in OUTDIR.
    let index = Html::parse_document(&fs::read_to_string(outdir.join("index.html")).unwrap());
    let links: BTreeSet<String> =
        index.select(&Selector::parse("table a").unwrap()).map(|a| a.attr("href").unwrap().to_string()).collect();
    let expected: BTreeSet<String> =
        pages.iter().filter(|p| !["index.html", "report.html"].contains(&p.as_str())).cloned().collect();
    assert_eq!(links, expected);
    // The hostile ids themselves show as text.
    let text: String = index.root_element().text().collect();
    assert!(text.contains("../../x") && text.contains("/etc/mentor-agree-escaped"), "{text}");
    // and `check` calls out every id that looks like a path (or is not plain lowercase ASCII).
    let check = cmd().args(["check", "--format", "json"]).arg(&src).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let flagged: BTreeSet<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "bad-id")
        .map(|d| Path::new(d["file"].as_str().unwrap()).file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let path_like: BTreeSet<String> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| id.is_empty() || id.starts_with('.') || id.contains(['/', '\\']) || !id.is_ascii())
        .map(|(i, _)| format!("{i:02}"))
        .collect();
    assert_eq!(flagged, path_like);
}

#[cfg(unix)]
#[test]
fn site_replaces_a_symlink_in_outdir_rather_than_writing_through_it() {
    let tmp = tempfile::tempdir().unwrap();
    let outdir = tmp.path().join("site");
    fs::create_dir(&outdir).unwrap();
    // A site render made (the marker), where a pull request planted links.
    fs::write(outdir.join(mentor_agree::output::site::SITE_MARKER), "").unwrap();
    let victim = tmp.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    for name in ["index.html", "2027-01-li-wei-sara-haddad.html"] {
        std::os::unix::fs::symlink(&victim, outdir.join(name)).unwrap();
    }
    let out = cmd().arg("render").arg("--site").arg(&outdir).arg(example(DRAFT)).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    for name in ["index.html", "2027-01-li-wei-sara-haddad.html"] {
        let meta = fs::symlink_metadata(outdir.join(name)).unwrap();
        assert!(meta.is_file(), "{name} is still a link");
    }
}

/// A program folder with `a.toml` and `templates/agreement.md.tera` holding `template`.
fn program_with_template(template: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("program.toml"), "").unwrap();
    fs::create_dir(dir.path().join("templates")).unwrap();
    fs::copy(example(MAYA), dir.path().join("a.toml")).unwrap();
    fs::write(dir.path().join("templates/agreement.md.tera"), template).unwrap();
    dir
}

const SECRET: &str = "TOP-SECRET-7f3a";

#[test]
fn template_overrides_cannot_read_files_by_name() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(outer.path().join("secret"), SECRET).unwrap();
    for template in [
        "{% include \"/etc/passwd\" %}",
        "{% include \"../../secret\" %}",
        "{% include \"../secret\" %}",
        "{% extends \"/etc/passwd\" %}",
        "{% import \"../secret\" as s %}",
        "{{ get_env(name=\"HOME\") }}",
        "{{ read_file(path=\"/etc/passwd\") }}",
        "{{ load_data(path=\"/etc/passwd\") }}",
    ] {
        // The program folder sits inside `outer`, next to the secret.
        let dir = program_with_template(template);
        let program = outer.path().join(format!("p{}", fastrand::u32(..)));
        fs::rename(dir.path(), &program).unwrap();
        let out = cmd().arg("render").arg(program.join("a.toml")).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(2), "{template}: {stdout}{stderr}");
        assert!(out.stdout.is_empty(), "{template}");
        assert!(!stderr.contains(SECRET) && !stderr.contains("root:x:"), "{template}: {stderr}");
        assert!(stderr.contains("agreement.md.tera"), "{template}: the error does not name the template: {stderr}");
        fs::remove_dir_all(&program).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn a_template_override_linked_to_a_file_elsewhere_is_refused() {
    let outer = tempfile::tempdir().unwrap();
    let secret = outer.path().join("secret.txt");
    fs::write(&secret, SECRET).unwrap();
    let dir = program_with_template("");
    let template = dir.path().join("templates/agreement.md.tera");
    fs::remove_file(&template).unwrap();

    for target in [secret.clone(), PathBuf::from("/etc/hostname"), PathBuf::from("/dev/zero")] {
        std::os::unix::fs::symlink(&target, &template).unwrap();
        for args in [vec!["render"], vec!["render", "--format", "html"]] {
            let out = cmd().args(&args).arg(dir.path().join("a.toml")).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{}: {stderr}", target.display());
            assert!(out.stdout.is_empty());
            assert!(!stderr.contains(SECRET));
            assert!(
                stderr.contains("refusing template") && stderr.contains("outside"),
                "{}: {stderr}",
                target.display()
            );
        }
        fs::remove_file(&template).unwrap();
    }
    // The whole templates folder linked elsewhere is refused the same way.
    fs::remove_dir(dir.path().join("templates")).unwrap();
    fs::create_dir(outer.path().join("elsewhere")).unwrap();
    fs::write(outer.path().join("elsewhere/agreement.md.tera"), SECRET).unwrap();
    std::os::unix::fs::symlink(outer.path().join("elsewhere"), dir.path().join("templates")).unwrap();
    let out = cmd().arg("render").arg(dir.path().join("a.toml")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SECRET));

    // A link that stays inside the program's folder is fine.
    fs::remove_file(dir.path().join("templates")).unwrap();
    fs::create_dir(dir.path().join("templates")).unwrap();
    fs::write(dir.path().join("shared.md.tera"), "Shared template for {{ mentor.name }}\n").unwrap();
    std::os::unix::fs::symlink("../shared.md.tera", &template).unwrap();
    let out = cmd().arg("render").arg(dir.path().join("a.toml")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Shared template for Maya Okafor\n");
}

#[test]
fn clause_overrides_are_escaped_in_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let hostile =
        r#"<script>alert(1)</script><img src=x onerror=alert(2)> **bold** [link](javascript:alert(3)) & "quotes""#;
    let program = format!(
        "[clauses]\nconfidentiality = '{hostile}'\nmentor_expectations = ['<iframe src=\"https://example.org\"></iframe>', '| a | b |']\n"
    );
    fs::write(dir.path().join("program.toml"), program).unwrap();
    fs::copy(example(MAYA), dir.path().join("a.toml")).unwrap();

    let out = cmd().args(["render", "--format", "html"]).arg(dir.path().join("a.toml")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).unwrap();
    let doc = Html::parse_document(&html);
    for css in ["script", "img", "iframe", "a[href^='javascript']"] {
        assert_eq!(doc.select(&Selector::parse(css).unwrap()).count(), 0, "a clause made <{css}>");
    }
    let emphasis = Selector::parse("strong, b, em").unwrap();
    let bold = doc.select(&emphasis).filter(|e| e.text().collect::<String>() == "bold").count();
    assert_eq!(bold, 0, "a clause's Markdown became markup");
    let text: String = doc.root_element().text().collect();
    assert!(text.contains(hostile), "the clause is shown as written");
    assert!(text.contains("<iframe src=\"https://example.org\"></iframe>"));

    let out = cmd().args(["render", "--format", "md"]).arg(dir.path().join("a.toml")).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    // As a Markdown viewer reads it: no HTML, no links, no emphasis from the clause, which reads as written.
    let mut text = String::new();
    for event in pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES) {
        use pulldown_cmark::{Event, Tag};
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("a clause made HTML: {h}"),
            Event::Start(Tag::Link { dest_url, .. }) => panic!("a clause made a link to {dest_url}"),
            Event::Text(t) => text.push_str(&t),
            _ => {}
        }
    }
    assert!(text.contains(hostile), "{text}");
    assert!(text.contains("| a | b |"), "{text}");
}

/// Text that would become markup, a link or a table cell if any output let it:
/// HTML, Markdown emphasis, strikethrough, code, a link, bare URLs that GitHub
/// links by itself, a table cell separator and entities. `tag` tells the fields apart.
fn hostile(tag: &str) -> String {
    format!(
        "{tag} <script>alert(1)</script> <img src=x onerror=alert(2)> **bold{tag}** _em_ ~~gone{tag}~~ `code` \
         [link](javascript:alert(3)) https://evil.example/{tag} www.evil.example/{tag} mail@evil.example \
         | cell | &amp; & \"q\" <!-- c -->"
    )
}

/// An agreement (and program) with [`hostile`] text in every free-text field, each
/// with its own tag; the tags, as the fields they are in.
fn hostile_agreement(dir: &Path) -> (PathBuf, Vec<&'static str>) {
    let fields = [
        ("Maya Okafor", "mentor-name"),
        ("Tomás Rivera", "mentee-name"),
        ("Priya Natarajan", "lead-name"),
        ("career development", "topic"),
        ("Facilitate my team's sprint retrospectives", "goal"),
        ("Run 3 retrospectives rated 4/5 or better by the team", "measure"),
        ("Preparation for the team-lead role", "why"),
        ("video call", "mode"),
        ("chat", "also-via"),
        ("First retrospective run; goal 1 on track", "note"),
    ];
    let mut text = fs::read_to_string(example(MAYA)).unwrap();
    // Signature names are their own field: make them differ from the parties' names first.
    for (name, tag) in [("Maya Okafor", "sig-mentor"), ("Tomás Rivera", "sig-mentee")] {
        let line = format!("role = \"{}\"\nname = \"{name}\"", if tag == "sig-mentor" { "mentor" } else { "mentee" });
        assert!(text.contains(&line), "{line}");
        text = text.replace(&line, &line.replace(&format!("\"{name}\""), &format!("'{}'", hostile(tag))));
    }
    for (from, tag) in fields {
        let quoted = format!("\"{from}\"");
        assert!(text.contains(&quoted), "{from}");
        text = text.replace(&quoted, &format!("'{}'", hostile(tag)));
    }
    text.push_str(&format!(
        "\n[termination]\ndate = 2026-12-01\nby = \"mentee\"\nnotice = \"written\"\nreason = '{}'\n",
        hostile("reason")
    ));
    // An unknown key, which the banner names.
    text = text.replacen("format = 1\n", "format = 1\n'banner <script>x</script> **k**' = 1\n", 1);
    fs::write(
        dir.join("program.toml"),
        format!("[program]\nname = '{}'\nteam = '{}'\n", hostile("program-name"), hostile("program-team")),
    )
    .unwrap();
    let file = dir.join("a.toml");
    fs::write(&file, text).unwrap();
    let mut tags: Vec<&str> = fields.iter().map(|(_, t)| *t).collect();
    tags.extend(["sig-mentor", "sig-mentee", "reason", "program-name", "program-team"]);
    (file, tags)
}

/// Would GitHub's extended autolinks make a link in this piece of text? A bare
/// `http://`, `https://` or `www.` at the start or after a space or `*_~(`, or an
/// address: `@` between a local part and a domain with a dot.
fn gfm_would_autolink(text: &str) -> bool {
    let url = ["http://", "https://", "www."].iter().any(|scheme| {
        text.match_indices(scheme)
            .any(|(at, _)| text[..at].chars().next_back().is_none_or(|c| c.is_whitespace() || "*_~(".contains(c)))
    });
    let email = text.match_indices('@').any(|(at, _)| {
        let local = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || ".-_+".contains(c));
        let domain =
            text[at + 1..].split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-')).next().unwrap_or("");
        local && domain.trim_end_matches('.').contains('.')
    });
    url || email
}

#[test]
fn every_free_text_field_is_escaped_in_markdown_html_and_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let (file, tags) = hostile_agreement(dir.path());

    // HTML: no element, attribute or link from any field, and each reads as written.
    let out = cmd().args(["render", "--format", "html"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = Html::parse_document(&String::from_utf8(out.stdout).unwrap());
    for css in ["script", "img", "iframe", "a[href^='javascript']", "a[href*='evil']", "del", "s"] {
        assert_eq!(doc.select(&Selector::parse(css).unwrap()).count(), 0, "a field made <{css}>");
    }
    let all = Selector::parse("*").unwrap();
    for e in doc.select(&all) {
        let own: String = e.text().collect();
        let made = own.starts_with("bold") || own.starts_with("gone") || own == "code" || own == "link";
        assert!(!made, "a field made <{}> around {own:?}", e.value().name());
    }
    let text: String = doc.root_element().text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    for tag in &tags {
        assert!(text.contains(&hostile(tag)), "HTML does not show the {tag} as written");
    }
    assert!(text.contains("banner <script>x</script> **k**"), "the banner's key is not shown as written");

    // Markdown, read as GitHub does (tables, strikethrough, task lists, autolinks).
    let out = cmd().args(["render", "--format", "md"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    let options = pulldown_cmark::Options::ENABLE_TABLES
        | pulldown_cmark::Options::ENABLE_STRIKETHROUGH
        | pulldown_cmark::Options::ENABLE_TASKLISTS
        | pulldown_cmark::Options::ENABLE_GFM;
    let mut text = String::new();
    // Per table, the number of cells in each row.
    let mut tables: Vec<Vec<usize>> = Vec::new();
    // The text inside the template's own emphasis, which may hold a whole field.
    let mut emphasis: Option<String> = None;
    for event in pulldown_cmark::Parser::new_ext(&md, options) {
        use pulldown_cmark::{Event, Tag, TagEnd};
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("a field made HTML: {h}"),
            Event::Start(Tag::Link { dest_url, .. }) => panic!("a field made a link to {dest_url}"),
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => emphasis = Some(String::new()),
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                let inside = emphasis.take().unwrap_or_default();
                let made = inside == "em" || inside.starts_with("bold") || inside.starts_with("gone");
                assert!(!made, "a field made emphasis around {inside:?}");
            }
            Event::Code(c) => {
                assert_ne!(&*c, "code", "a field made a code span");
                text.push_str(&c);
            }
            Event::Start(Tag::Table(_)) => tables.push(Vec::new()),
            Event::Start(Tag::TableRow | Tag::TableHead) => tables.last_mut().unwrap().push(0),
            Event::Start(Tag::TableCell) => *tables.last_mut().unwrap().last_mut().unwrap() += 1,
            Event::Text(t) => {
                assert!(!gfm_would_autolink(&t), "GitHub would make a link of {t:?}");
                if let Some(e) = emphasis.as_mut() {
                    e.push_str(&t);
                }
                text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::TableCell) => text.push(' '),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for tag in &tags {
        assert!(text.contains(&hostile(tag)), "Markdown does not show the {tag} as written");
    }
    // Tables keep their columns: each row has as many cells as its header (a `|` in a
    // field would add one; pulldown-cmark, like GitHub, keeps the header's count, so
    // the text check above is what sees a lost cell), and there are tables to check.
    assert!(tables.len() >= 2 && tables.iter().all(|t| t.len() >= 2), "{tables:?}");
    for t in &tables {
        assert!(t.iter().all(|n| *n == t[0]), "{tables:?}");
    }

    // The site's index: names, topics and the program's name as written, no markup.
    let site = dir.path().join("site");
    let out = cmd().args(["render", "--site"]).arg(&site).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let index = Html::parse_document(&fs::read_to_string(site.join("index.html")).unwrap());
    for css in ["img", "a[href^='javascript']", "a[href*='evil']", "del"] {
        assert_eq!(index.select(&Selector::parse(css).unwrap()).count(), 0, "a field made <{css}> in the index");
    }
    // The index's one script is its own table sorter.
    let scripts: Vec<String> = index.select(&Selector::parse("script").unwrap()).map(|s| s.inner_html()).collect();
    assert_eq!(scripts.len(), 1);
    assert!(!scripts[0].contains("alert"), "a field got into the index's script");
    let text: String = index.root_element().text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    for tag in ["mentor-name", "mentee-name", "program-name"] {
        assert!(text.contains(&hostile(tag)), "the index does not show the {tag} as written");
    }
}
