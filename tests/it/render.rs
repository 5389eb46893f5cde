//! `mentor-agree render`: Markdown, HTML, sites, template overrides, screenshots.

use crate::common;

use std::path::{Path, PathBuf};

use common::{cmd, example, fixture};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use scraper::{Html, Selector};

const MAYA: &str = "2026-09-maya-okafor-tomas-rivera.toml";

/// The sections of a rendered agreement, in order (Markdown `##` and HTML `<h2>` alike).
const SECTIONS: [&str; 14] = [
    "Parties",
    "Purpose and topics",
    "Expectations",
    "Duties",
    "Meetings",
    "Term",
    "Goals",
    "Evaluation and reflection",
    "Confidentiality",
    "Ending the agreement",
    "Intervention by the Micro-Mentoring Program Team",
    "Progress check-ins",
    "Signatures",
    "Not a legal document",
];

fn stdout_of(args: &[&str]) -> String {
    let out = cmd().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn render_md(path: &Path) -> String {
    stdout_of(&["render", path.to_str().unwrap()])
}

fn render_html(path: &Path) -> String {
    stdout_of(&["render", path.to_str().unwrap(), "--format", "html"])
}

/// A Markdown document read back by a CommonMark parser.
struct Md {
    /// (level, text) of every heading.
    headings: Vec<(u8, String)>,
    /// Every table: rows of cell texts, header row first.
    tables: Vec<Vec<Vec<String>>>,
    /// All text, with blocks separated by newlines.
    text: String,
    /// Raw HTML found in the document.
    html: Vec<String>,
}

fn parse_md(src: &str) -> Md {
    let opts = pulldown_cmark::Options::ENABLE_TABLES;
    let mut md = Md { headings: Vec::new(), tables: Vec::new(), text: String::new(), html: Vec::new() };
    let mut heading: Option<(u8, String)> = None;
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(src, opts) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let n = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                };
                heading = Some((n, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => md.headings.push(heading.take().unwrap()),
            Event::Start(Tag::Table(_)) => md.tables.push(Vec::new()),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                md.tables.last_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                md.tables.last_mut().unwrap().last_mut().unwrap().push(cell.take().unwrap().trim().to_string())
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t);
                }
                md.text.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) | Event::End(TagEnd::Item) => {
                md.text.push('\n')
            }
            Event::Html(h) | Event::InlineHtml(h) => md.html.push(h.to_string()),
            _ => {}
        }
    }
    md
}

fn h2s(md: &Md) -> Vec<&str> {
    md.headings.iter().filter(|(l, _)| *l == 2).map(|(_, t)| t.as_str()).collect()
}

/// The table whose header row starts with `first`.
fn table<'a>(md: &'a Md, first: &str) -> &'a Vec<Vec<String>> {
    md.tables.iter().find(|t| t[0][0] == first).unwrap_or_else(|| panic!("no table headed {first:?}"))
}

#[test]
fn markdown_has_every_section_filled_with_the_pairs_facts() {
    let md = parse_md(&render_md(&example(MAYA)));
    assert_eq!(md.headings[0], (1, "Mentoring agreement: Maya Okafor and Tomás Rivera".to_string()));
    assert_eq!(h2s(&md), SECTIONS);
    let h3: Vec<&str> = md.headings.iter().filter(|(l, _)| *l == 3).map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        h3,
        [
            "What the mentee can expect of the mentor",
            "What the mentor can expect of the mentee",
            "The mentor",
            "The mentee",
            "The Micro-Mentoring Program Team"
        ]
    );

    let parties = table(&md, "Role");
    assert_eq!(parties[1], ["Mentor", "Maya Okafor", "maya.okafor@example.org"]);
    assert_eq!(parties[2], ["Mentee", "Tomás Rivera", "tomas.rivera@example.org"]);
    assert_eq!(parties[3], ["Initiative lead", "Priya Natarajan", "priya@example.org"]);

    let t = &md.text;
    for fact in [
        "career development",
        "public speaking",
        "every two weeks",
        "45 minutes",
        "by video call",
        "by email or chat",
        "7 September 2026",
        "runs for 9 months, through 6 June 2027",
        "7 December 2026: due (next)",
        "7 March 2027",
        "Effective date: 27 August 2026",
        "written notice",
        "not a legal document",
    ] {
        assert!(t.contains(fact), "missing {fact:?} in:\n{t}");
    }

    let goals = table(&md, "#");
    assert_eq!(goals[0], ["#", "Goal", "Measure of success", "Why it matters", "Due"]);
    assert_eq!(goals.len(), 4);
    assert_eq!(
        goals[1],
        [
            "1",
            "Facilitate my team's sprint retrospectives",
            "Run 3 retrospectives rated 4/5 or better by the team",
            "Preparation for the team-lead role",
            "29 January 2027"
        ]
    );
    assert_eq!(goals[3][4], "28 May 2027");

    let checkins = table(&md, "Date");
    assert_eq!(checkins[1], ["5 October 2026", "mentee", "First retrospective run; goal 1 on track"]);

    let sigs = md.tables.last().unwrap();
    assert_eq!(sigs[0], ["Role", "Name", "Signed on", "Terms signed", "Status"]);
    // The digest shown is the start of what the lead signed, as the file records it.
    let file: toml::Table = std::fs::read_to_string(example(MAYA)).unwrap().parse().unwrap();
    let signed = file["signatures"].as_array().unwrap().iter().find(|s| s["role"].as_str() == Some("lead")).unwrap();
    let short = &signed["terms"].as_str().unwrap()[.."sha256:".len() + 12];
    assert_eq!(sigs[3], ["Initiative lead", "Priya Natarajan", "27 August 2026", short, "signed"]);
    assert!(md.html.is_empty(), "{:?}", md.html);
}

#[test]
fn markdown_shows_extensions_termination_and_stale_signatures() {
    let jonas = parse_md(&render_md(&example("2026-03-jonas-berg-amara-diallo.toml")));
    let ext = table(&jonas, "Agreed on");
    assert_eq!(ext[1], ["20 August 2026", "3 months", "mentor and mentee", "1 December 2026"]);
    assert!(jonas.text.contains("every three weeks"), "{}", jonas.text);
    assert!(jonas.text.contains("the term ends on 1 December 2026"));

    let hana = parse_md(&render_md(&example("2026-05-hana-sato-diego-alvarez.toml")));
    assert!(h2s(&hana).contains(&"Termination"));
    assert!(hana.text.contains("was ended on 10 July 2026 by written notice from the mentee"), "{}", hana.text);

    let stale = parse_md(&render_md(&fixture("render/stale.toml")));
    let sigs = stale.tables.last().unwrap();
    assert_eq!(sigs[1][0], "Mentor");
    assert!(sigs[1][4].starts_with("stale"), "{:?}", sigs[1]);
    assert_eq!(sigs[2][4], "not signed yet");
    assert!(stale.text.contains("Not in effect yet."));
    assert!(stale.text.contains("in person"));
    assert!(stale.text.contains("runs for 20 weeks"));
}

#[test]
fn markdown_escapes_user_text_and_lists_problems() {
    let out = cmd().args(["render", fixture("render/with-errors.toml").to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "render does not refuse a file with errors");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 errors"), "{stderr}");
    let md = parse_md(&String::from_utf8(out.stdout).unwrap());
    assert!(md.html.is_empty(), "user text became HTML: {:?}", md.html);
    assert!(md.text.contains("Ada <script>alert(1)</script> Lovelace"), "{}", md.text);
    assert!(md.text.contains("*negotiation* | salary"));
    let goals = table(&md, "#");
    assert_eq!(goals[1].len(), 5, "a | in a goal must not add a cell: {:?}", goals[1]);
    assert_eq!(goals[1][1], "Lead the <b>team</b> retro | twice");
    assert_eq!(goals[1][3], "Preparation for the [team-lead](javascript:alert(1)) role");
    for code in ["frequency-unknown", "session-too-short"] {
        assert!(md.text.contains(code), "banner lacks {code}");
    }
    assert!(md.text.contains("found 2 errors"));
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

fn text_of(e: &scraper::ElementRef<'_>) -> String {
    e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn html_is_one_self_contained_page_with_every_section() {
    let src = render_html(&example(MAYA));
    let doc = Html::parse_document(&src);
    assert_eq!(text_of(&select(&doc, "title")[0]), "Mentoring agreement: Maya Okafor and Tomás Rivera");
    let h2: Vec<String> = select(&doc, "main section > h2").iter().map(text_of).collect();
    assert_eq!(h2, SECTIONS);
    assert_eq!(select(&doc, "meta[name=viewport]").len(), 1);
    let goals: Vec<Vec<String>> = select(&doc, "table.goals tbody tr")
        .iter()
        .map(|r| r.child_elements().map(|c| text_of(&c)).collect())
        .collect();
    assert_eq!(goals.len(), 3);
    assert_eq!(goals[1][1], "Give a talk at the department meetup");
    assert_eq!(goals[1][4], "30 April 2027");
    assert_eq!(text_of(&select(&doc, ".badge.state-active")[0]), "Active");
    let sigs = select(&doc, ".signature.sig-current");
    assert_eq!(sigs.len(), 3);
    assert!(text_of(&sigs[1]).contains("Tomás Rivera"));
    assert!(text_of(&select(&doc, ".effective")[0]).contains("27 August 2026"));
    assert!(text_of(&select(&doc, "#meetings")[0]).contains("every two weeks"));

    // Self-contained: no scripts, no external resources; CSS inline with dark and print rules.
    assert!(select(&doc, "script, link, img, iframe, object, embed").is_empty());
    for e in select(&doc, "[src], [href]") {
        let url = e.attr("src").or(e.attr("href")).unwrap();
        assert!(url.starts_with("mailto:") || url.starts_with('#'), "external reference {url}");
    }
    let css = select(&doc, "style").iter().map(|s| s.inner_html()).collect::<String>();
    for rule in ["prefers-color-scheme: dark", "@media print", "@page", "max-width"] {
        assert!(css.contains(rule), "CSS lacks {rule}");
    }
    assert!(select(&doc, "#problems").is_empty(), "a clean file has no warning banner");
}

#[test]
fn html_escapes_user_text_and_shows_a_banner() {
    let doc = Html::parse_document(&render_html(&fixture("render/with-errors.toml")));
    assert!(select(&doc, "script").is_empty(), "user text made a <script> element");
    assert!(select(&doc, "main b, main em").is_empty(), "user text made markup");
    let names: Vec<String> = select(&doc, ".party .name").iter().map(text_of).collect();
    assert_eq!(names[0], "Ada <script>alert(1)</script> Lovelace");
    assert_eq!(names[1], "Grace & \"Amazing\" Hopper");
    assert!(text_of(&select(&doc, "title")[0]).contains("<script>"));
    let banner = select(&doc, "#problems.banner-error");
    assert_eq!(banner.len(), 1, "no warning banner");
    let codes: Vec<String> = select(&doc, "#problems .code").iter().map(text_of).collect();
    assert_eq!(codes, ["frequency-unknown", "session-too-short"]);
}

#[test]
fn strict_refuses_files_with_errors() {
    let out =
        cmd().args(["render", "--strict", fixture("render/with-errors.toml").to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("frequency-unknown") && stderr.contains("--strict"), "{stderr}");
    cmd().args(["render", "--strict", example(MAYA).to_str().unwrap()]).assert().success();
}

#[test]
fn unreadable_or_non_toml_files_fail_with_a_located_message() {
    let out = cmd().args(["render", fixture("render/not-toml.toml").to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not-toml.toml:4:1:") && stderr.contains("invalid TOML"), "{stderr}");

    let out = cmd().args(["render", "no/such/file.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/file.toml"));
}

#[test]
fn out_writes_the_file_and_picks_the_format_from_its_extension() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("agreement.html");
    let out = cmd().args(["render", example(MAYA).to_str().unwrap(), "-o", html.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "-o writes nothing to stdout");
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!doctype html>"), "{}", &text[..40]);

    let md = dir.path().join("agreement.md");
    cmd().args(["render", example(MAYA).to_str().unwrap(), "-o", md.to_str().unwrap()]).assert().success();
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("# Mentoring agreement: Maya Okafor"));
    assert_eq!(text, render_md(&example(MAYA)), "-o writes what stdout would show");
}

#[test]
fn site_lists_every_agreement_with_working_links_and_problem_counts() {
    let dir = tempfile::tempdir().unwrap();
    let outdir = dir.path().join("site");
    let src = fixture("render/site");
    let out = cmd().args(["render", "--site", outdir.to_str().unwrap(), src.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Problem counts agree with `check`.
    let check = cmd().args(["check", "--format", "json", src.to_str().unwrap()]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let count_in = |file: &str, severity: &str| {
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == severity && d["file"].as_str().unwrap().ends_with(file))
            .count()
    };

    let index = std::fs::read_to_string(outdir.join("index.html")).unwrap();
    let doc = Html::parse_document(&index);
    let rows = select(&doc, "table.agreements tbody tr");
    assert_eq!(rows.len(), 4, "every agreement is listed, broken ones too");
    let mut pages = Vec::new();
    for (row, file) in rows.iter().zip(["a-signed.toml", "b-errors.toml", "c-bad-id.toml", "d-broken.toml"]) {
        let link = row.select(&Selector::parse("a").unwrap()).next().unwrap();
        let href = link.attr("href").unwrap();
        assert!(!href.contains('/') && href.ends_with(".html"), "{href}");
        let page = outdir.join(href);
        assert!(page.is_file(), "{href} links nowhere");
        pages.push(href.to_string());
        let cells: Vec<String> = row.child_elements().map(|c| text_of(&c)).collect();
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let expected = match (count_in(file, "error"), count_in(file, "warning")) {
            (0, 0) => "none".to_string(),
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        };
        assert_eq!(cells[6], expected, "problems of {file}");
    }
    assert_eq!(pages[0], "a-signed.html");
    assert_eq!(pages[2], "agreement-3.html", "an id that is not a safe file name gets a fallback");
    let first: Vec<String> = rows[0].child_elements().map(|c| text_of(&c)).collect();
    assert_eq!(first[0], "Maya Okafor and Tomás Riveraa-signed", "the pair's names, then the id");
    assert_eq!(first[1], "Active");
    assert_eq!(first[2..6], ["7 September 2026", "6 June 2027", "7 December 2026", "16 November 2026"]);
    // c-bad-id's id changed the terms after everyone signed: an amendment, in force meanwhile.
    assert_eq!(select(&doc, ".badge.state-active").len(), 3, "summary and row badges");
    let third: Vec<String> = rows[2].child_elements().map(|c| text_of(&c)).collect();
    assert_eq!(third[1], "Activeamendment awaiting signatures: mentor, mentee, lead");

    // Nothing outside OUTDIR; pages link back to the index.
    let mut written: Vec<String> =
        std::fs::read_dir(&outdir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    written.sort();
    assert_eq!(
        written,
        [
            ".mentor-agree-site",
            "a-signed.html",
            "agreement-3.html",
            "b-errors.html",
            "d-broken.html",
            "index.html",
            "report.html",
            "style.css"
        ]
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let page = Html::parse_document(&std::fs::read_to_string(outdir.join("b-errors.html")).unwrap());
    assert_eq!(select(&page, "nav a")[0].attr("href"), Some("index.html"));
    assert_eq!(select(&page, "#problems .code").len(), 2);
    assert!(select(&page, "script").is_empty());
    // Site pages share one stylesheet instead of each carrying the CSS.
    let css = std::fs::read_to_string(outdir.join("style.css")).unwrap();
    assert!(css.contains("prefers-color-scheme: dark") && css.contains("@media print"), "{css}");
    for html in [&page, &doc] {
        let links: Vec<_> = select(html, "link").iter().map(|l| l.attr("href").unwrap().to_string()).collect();
        assert_eq!(links, ["style.css"]);
        assert!(select(html, "style").is_empty());
    }

    // The index sorts with a small inline script, and loads nothing else.
    assert_eq!(select(&doc, "script").len(), 1);
    assert!(select(&doc, "script[src], img").is_empty());
}

#[test]
fn site_rendered_again_replaces_its_pages_and_keeps_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("agreements");
    std::fs::create_dir(&src).unwrap();
    for name in ["a-signed.toml", "b-errors.toml"] {
        std::fs::copy(fixture("render/site").join(name), src.join(name)).unwrap();
    }
    let render = |outdir: &Path| {
        let out = cmd().args(["render", "--site", outdir.to_str().unwrap(), src.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    let site = dir.path().join("site");
    render(&site);
    std::fs::write(site.join("CNAME"), "mentoring.example.org\n").unwrap();

    // The pair edits its agreement; the site is written again over the old one.
    let a = src.join("a-signed.toml");
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, text.replace("Tomás Rivera", "Tomás Rivera-Díaz")).unwrap();
    render(&site);
    let page = std::fs::read_to_string(site.join("a-signed.html")).unwrap();
    assert!(page.contains("Tomás Rivera-Díaz"), "the page shows the new text");
    assert_eq!(std::fs::read_to_string(site.join("CNAME")).unwrap(), "mentoring.example.org\n");
    let mut names: Vec<String> =
        std::fs::read_dir(&site).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(
        names,
        [".mentor-agree-site", "CNAME", "a-signed.html", "b-errors.html", "index.html", "report.html", "style.css"],
        "no temporary files left"
    );

    // Written over an old site or into a new folder, the pages are the same.
    let fresh = dir.path().join("fresh");
    render(&fresh);
    for name in ["a-signed.html", "b-errors.html", "index.html", "report.html", "style.css"] {
        assert_eq!(std::fs::read(site.join(name)).unwrap(), std::fs::read(fresh.join(name)).unwrap(), "{name}");
    }
}

/// Every file under `dir` (hidden ones too), with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path.clone());
            }
            let bytes = if path.is_file() { std::fs::read(&path).unwrap() } else { Vec::new() };
            files.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
        }
    }
    files.sort();
    files
}

#[test]
fn a_site_run_that_fails_leaves_the_old_site_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("agreements");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(dir.path().join("program.toml"), "").unwrap();
    std::fs::copy(fixture("render/site/a-signed.toml"), src.join("a-signed.toml")).unwrap();
    let site = dir.path().join("site");
    let render = || cmd().args(["render", "--site", site.to_str().unwrap(), src.to_str().unwrap()]).output().unwrap();
    let out = render();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(site.join("CNAME"), "mentoring.example.org\n").unwrap();
    let before = tree(&site);

    // A new agreement, a changed one, and then an index override that fails only
    // when it renders (after every page was rendered).
    std::fs::copy(fixture("render/site/b-errors.toml"), src.join("b-errors.toml")).unwrap();
    let a = std::fs::read_to_string(src.join("a-signed.toml")).unwrap();
    std::fs::write(src.join("a-signed.toml"), a.replace("Tomás Rivera", "Tomás Rivera-Díaz")).unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/index.html.tera"), "{{ no_such_value.field }}\n").unwrap();
    let out = render();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("index.html.tera"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = tree(&site);
    let names = |t: &[(PathBuf, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&after), names(&before), "the failed run added or removed files");
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        assert!(old == new, "the failed run changed {}", name.display());
    }
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!names.iter().any(|n| n.starts_with('.')), "a staging folder was left: {names:?}");

    // The same failure for a new site leaves no folder at all.
    let fresh = dir.path().join("fresh");
    let out = cmd().args(["render", "--site", fresh.to_str().unwrap(), src.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!fresh.exists());
}

#[test]
fn site_strict_refuses_when_any_agreement_has_errors() {
    let dir = tempfile::tempdir().unwrap();
    let outdir = dir.path().join("site");
    let out = cmd()
        .args(["render", "--strict", "--site", outdir.to_str().unwrap(), fixture("render/site").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!outdir.exists(), "nothing is written");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no staging folder is left behind");
}

#[test]
fn site_pages_of_duplicate_ids_show_the_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("agreements");
    std::fs::create_dir(&src).unwrap();
    let text = std::fs::read_to_string(fixture("render/site/a-signed.toml")).unwrap();
    // Two files, one id: the second is a duplicate-id error.
    std::fs::write(src.join("one.toml"), format!("id = \"pair-7\"\n{text}")).unwrap();
    std::fs::write(src.join("two.toml"), format!("id = \"pair-7\"\n{text}")).unwrap();
    let outdir = dir.path().join("site");
    let out = cmd().args(["render", "--site", outdir.to_str().unwrap(), src.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let index = Html::parse_document(&std::fs::read_to_string(outdir.join("index.html")).unwrap());
    let rows = select(&index, "table.agreements tbody tr");
    let hrefs: Vec<&str> =
        rows.iter().map(|r| r.select(&Selector::parse("a").unwrap()).next().unwrap().attr("href").unwrap()).collect();
    assert_eq!(hrefs, ["pair-7.html", "pair-7-2.html"]);
    // The id changed the terms everyone had signed: an amendment awaiting signatures,
    // not an error; the second file is a duplicate.
    let problems: Vec<String> = rows.iter().map(|r| text_of(&r.child_elements().nth(6).unwrap())).collect();
    assert_eq!(problems, ["none", "1 error"]);
    let codes = |page: &str| {
        let doc = Html::parse_document(&std::fs::read_to_string(outdir.join(page)).unwrap());
        select(&doc, "#problems .code").iter().map(text_of).collect::<Vec<_>>()
    };
    let (first, second) = (codes("pair-7.html"), codes("pair-7-2.html"));
    assert!(first.is_empty(), "{first:?}");
    assert_eq!(second, ["duplicate-id"], "the page of the duplicate says so");
}

#[test]
fn a_programs_templates_override_the_built_in_ones() {
    let file = fixture("render/override/agreements/maya-tomas.toml");
    let md = render_md(&file);
    assert_eq!(
        md,
        "HARBOUR AGREEMENT for Maya Okafor and Tomás Rivera (Harbour Mentoring Circle)\n\
         Meeting every two weeks, first on 7 September 2026.\n"
    );
    // Templates not overridden stay built in, with the program's own name and team.
    let doc = Html::parse_document(&render_html(&file));
    assert_eq!(text_of(&select(&doc, ".kicker")[0]), "Harbour Mentoring Circle");
    assert!(text_of(&select(&doc, "#intervention h2")[0]).contains("Harbour Mentoring Team"));
}

#[test]
fn template_overrides_cannot_include_files_and_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("program.toml"), "").unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    let agreement = dir.path().join("a.toml");
    std::fs::copy(example(MAYA), &agreement).unwrap();
    let template = dir.path().join("templates/agreement.md.tera");

    std::fs::write(&template, "{% include \"/etc/passwd\" %}\n").unwrap();
    let out = cmd().args(["render", agreement.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/etc/passwd") && !stderr.contains("root:"), "{stderr}");

    std::fs::write(&template, "Hello {{ mentor.name }\n").unwrap();
    let out = cmd().args(["render", agreement.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("agreement.md.tera:1:"), "{stderr}");
}

#[test]
fn screenshot_of_the_html_page_is_not_blank() {
    if !common::have_tool("chromium", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("agreement.html");
    let png = dir.path().join("agreement.png");
    cmd().args(["render", example(MAYA).to_str().unwrap(), "-o", page.to_str().unwrap()]).assert().success();
    let (width, height, luma) = screenshot(&page, &png, 1000, 1400);
    assert_eq!((width, height), (1000, 1400));
    let mean = luma.iter().sum::<f64>() / luma.len() as f64;
    let variance = luma.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / luma.len() as f64;
    let dark = luma.iter().filter(|l| **l < 100.0).count() as f64 / luma.len() as f64;
    assert!(variance > 100.0, "the page looks blank (luma variance {variance:.1})");
    assert!(dark > 0.005, "hardly any text on the page ({:.2}% dark pixels)", dark * 100.0);
}

/// Measures the site index in Chromium at `width` pixels: how far the table
/// overflows its box, and how many ids and pair names are broken across lines.
fn measure_index(index: &Path, dir: &Path, width: u32) -> serde_json::Value {
    const MEASURE: &str = r#"<script>
(function () {
  var wrap = document.querySelector('.table-wrap');
  var out = { overflow: wrap.scrollWidth - wrap.clientWidth, ids_broken: 0, names_broken: 0, rows: 0 };
  document.querySelectorAll('table.agreements tbody tr').forEach(function (tr) {
    out.rows++;
    var code = tr.querySelector('code');
    if (code && code.getClientRects().length > 1) { out.ids_broken++; }
    var name = tr.querySelector('a');
    if (name.getClientRects().length > 2) { out.names_broken++; }
  });
  document.body.setAttribute('data-measure', JSON.stringify(out));
})();
</script></body>"#;
    let html = std::fs::read_to_string(index).unwrap().replace("</body>", MEASURE);
    let page = index.with_file_name("measure.html");
    std::fs::write(&page, html).unwrap();
    let out = chromium(&dir.join("profile"))
        .arg(format!("--window-size={width},1200"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stderr(std::process::Stdio::null())
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-measure=\"").unwrap_or_else(|| panic!("no measurement at {width}px: {dom}")) + 14;
    let json = dom[start..start + dom[start..].find('"').unwrap()].replace("&quot;", "\"");
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_site_index_is_readable_from_phone_to_desktop() {
    if !common::have_tool("chromium", "--version") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    cmd().args(["render", "--site"]).arg(&site).arg(example("")).assert().success();
    // A phone (Chromium's narrowest window), a tablet, a small laptop, a desktop.
    for width in [500, 700, 1000, 1400, 1920] {
        let m = measure_index(&site.join("index.html"), dir.path(), width);
        assert!(m["rows"].as_u64().unwrap() >= 5, "{width}px: {m}");
        assert_eq!(m["overflow"], 0, "{width}px: the table is cut off: {m}");
        assert_eq!(m["ids_broken"], 0, "{width}px: ids broken across lines: {m}");
        assert_eq!(m["names_broken"], 0, "{width}px: names one word per line: {m}");
    }
}

/// A test that skips for want of a tool says so in `cargo test`'s output, although it passes.
#[test]
fn a_skipped_test_says_so_in_the_test_output() {
    if std::env::var_os("MENTOR_AGREE_SKIP_PROBE").is_some() {
        return; // the probe run below: do not recurse
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["render::screenshot_of_the_html_page_is_not_blank", "--exact", "--test-threads=1"])
        .env("PATH", "/nonexistent")
        .env("MENTOR_AGREE_SKIP_PROBE", "1")
        .env_remove("MENTOR_AGREE_REQUIRE_TOOLS")
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(said.contains("1 passed"), "{said}");
    assert!(
        said.contains("SKIPPED render::screenshot_of_the_html_page_is_not_blank: chromium is not installed"),
        "the skip is not visible:\n{said}"
    );
}

/// Headless Chromium as this machine runs it (no network, no first-run work), with its own profile.
fn chromium(profile: &Path) -> std::process::Command {
    let mut c = std::process::Command::new("chromium");
    c.args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Headless Chromium's screenshot of `page` at `width`×`height`, as (width, height, luma per pixel).
fn screenshot(page: &Path, png: &Path, width: u32, height: u32) -> (u32, u32, Vec<f64>) {
    let status = chromium(&png.with_extension("profile"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "chromium failed");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let luma =
        buf[..info.buffer_size()]
            .chunks(channels)
            .map(|p| {
                if channels >= 3 {
                    0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64
                } else {
                    p[0] as f64
                }
            })
            .collect();
    (info.width, info.height, luma)
}

#[test]
fn the_site_has_a_dashboard_of_charts_with_text_alternatives() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    cmd().args(["render", "--site"]).arg(&site).arg(example("")).assert().success();
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(index.contains("<a href=\"report.html\">"), "the index links the dashboard");
    let html = std::fs::read_to_string(site.join("report.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(doc.select(&sel("script")).count(), 0, "no script");
    assert!(!html.contains("http://") && !html.contains("https://"), "nothing fetched from the network");
    let charts: Vec<_> = doc.select(&sel("svg[role=img]")).collect();
    assert_eq!(charts.len(), 5, "states, completion, goals, reviews, check-ins");
    for svg in &charts {
        // Each chart names its title and description, and both say something.
        let ids: Vec<&str> = svg.value().attr("aria-labelledby").unwrap().split(' ').collect();
        assert_eq!(ids.len(), 2);
        for id in ids {
            let text: String = doc.select(&sel(&format!("#{id}"))).next().unwrap().text().collect();
            assert!(text.len() > 5, "{id} is empty");
        }
        assert!(svg.select(&sel("rect")).count() >= 2);
    }
    // The figures agree with `report --format json` over the same files.
    let out = cmd().args(["report", "--format", "json"]).arg(example("")).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let desc: String = doc.select(&sel("#goals-d")).next().unwrap().text().collect();
    let goals = &report["goals"];
    assert!(
        desc.starts_with(&format!(
            "Of {} goals, {} achieved, {} dropped",
            goals["total"], goals["achieved"], goals["dropped"]
        )),
        "{desc}"
    );
    // Each chart has its figures as a table too.
    assert!(doc.select(&sel("table.figures")).count() >= 5);

    if !common::have_tool("chromium", "--version") {
        return;
    }
    let png = dir.path().join("report.png");
    let (w, h, luma) = screenshot(&site.join("report.html"), &png, 1200, 1600);
    assert_eq!((w, h), (1200, 1600));
    let mean = luma.iter().sum::<f64>() / luma.len() as f64;
    let variance = luma.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / luma.len() as f64;
    assert!(variance > 100.0, "the dashboard looks blank (luma variance {variance:.1})");
    // The bars are solid colour: many pixels well away from both paper and ink.
    let mid = luma.iter().filter(|l| (60.0..180.0).contains(*l)).count() as f64 / luma.len() as f64;
    assert!(mid > 0.01, "no bars to be seen ({:.2}% mid-tone pixels)", mid * 100.0);
}

#[test]
fn the_banner_for_stale_signatures_asks_to_sign_again_not_to_fix_before_signing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::copy(fixture("lifecycle/commented.toml"), &file).unwrap();
    // The lead has not signed yet: a draft, whose signatures the change makes stale.
    crate::support::sign_all(&file, "2026-10-20", &[("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper")]);
    let text = std::fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 50");
    std::fs::write(&file, text).unwrap();
    for page in [render_md(&file), render_html(&file)] {
        assert!(page.contains("The terms changed after signatures were given"), "{page}");
        assert!(page.contains("sign again"), "{page}");
        assert!(!page.contains("before signing"), "{page}");
    }
}

#[test]
fn an_amendment_keeps_the_effective_date_and_says_who_must_sign_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.toml");
    std::fs::copy(fixture("lifecycle/commented.toml"), &file).unwrap();
    let parties = [("mentor", "Ada Lovelace"), ("mentee", "Grace Hopper"), ("lead", "Alan Turing")];
    crate::support::sign_all(&file, "2026-10-20", &parties);
    let text = std::fs::read_to_string(&file).unwrap().replace("session_minutes = 45", "session_minutes = 50");
    std::fs::write(&file, text).unwrap();
    // The mentor signs the new terms; mentee and lead have not yet.
    crate::support::sign_all(&file, "2026-11-02", &parties[..1]);
    let md = render_md(&file);
    assert!(md.contains("**Effective date: 20 October 2026**"), "{md}");
    assert!(
        md.contains("**Amendment awaiting signatures: mentee, lead.** The terms above changed on 2 November 2026, after the agreement took effect. Until everyone required signs them, the terms signed on 20 October 2026 stay in force."),
        "{md}"
    );
    assert!(md.contains("| Mentee | Grace Hopper | 20 October 2026 |"), "{md}");
    assert!(md.contains("signed the terms in force; the amendment awaits this signature"), "{md}");
    assert!(!md.contains("The terms changed after signatures were given"), "no stale banner: {md}");
    let doc = Html::parse_document(&render_html(&file));
    let facts = text_of(&select(&doc, "dl.facts")[0]);
    assert!(facts.contains("Active"), "{facts}");
    assert!(facts.contains("20 October 2026; amendment awaiting signatures: mentee, lead"), "{facts}");
    assert!(!select(&doc, ".amendment").is_empty());

    // Once mentee and lead sign, the amendment is in force from the last signature.
    crate::support::sign_all(&file, "2026-11-05", &parties[1..]);
    let md = render_md(&file);
    assert!(
        md.contains("**Effective date: 20 October 2026**, the day of the last signature; the terms were amended, and the amendment is in force from 5 November 2026."),
        "{md}"
    );
    assert!(!md.contains("Amendment awaiting"), "{md}");
}

#[test]
fn a_long_signed_name_wraps_instead_of_being_cut_off() {
    let page = render_html(&fixture("lifecycle/commented.toml"));
    let at = page.find(".signature .signed-name {").expect("the signature style");
    let rule = &page[at..at + page[at..].find('}').unwrap()];
    assert!(!rule.contains("ellipsis") && !rule.contains("nowrap"), "{rule}");
    assert!(rule.contains("overflow-wrap: anywhere"), "{rule}");
}
