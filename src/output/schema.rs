//! JSON Schema (draft 2020-12) of the agreement format, for editors (Taplo,
//! Even Better TOML) and third-party validators.
//!
//! The types below mirror the file format key for key; they exist only to
//! generate the schema with `schemars` (the checker reads files with spans in
//! [`crate::format::agreement`]). Unit tests hold each table's properties,
//! `required` list and value types equal to the key table
//! ([`crate::format::keys`]), so the two cannot drift apart. Dates are strings
//! with `format: date`, which is how TOML dates look once converted to JSON.

use schemars::generate::SchemaSettings;
use schemars::transform::RecursiveTransform;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::format::role::Role;
use serde_json::Value;
use std::borrow::Cow;

/// A calendar date, written in TOML as a bare local date: 2026-12-07.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Date(pub String);

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }
}

/// How often the pair meets: weekly, fortnightly, monthly or "every N weeks" with N from 1 to 12.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Frequency(pub String);

impl JsonSchema for Frequency {
    fn schema_name() -> Cow<'static, str> {
        "Frequency".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "How often the pair meets: weekly, fortnightly, monthly or \"every N weeks\" with N from 1 to 12. (\"biweekly\" is rejected as ambiguous.)",
            "anyOf": [
                { "type": "string", "enum": ["weekly", "fortnightly", "monthly"] },
                { "type": "string", "pattern": "^every ([1-9]|1[0-2]) weeks?$" }
            ]
        })
    }
}

/// The schema of a key that names a role: a string among `roles`.
fn role_schema(description: &str, roles: &[Role]) -> Schema {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    json_schema!({ "description": description, "type": "string", "enum": names })
}

/// Declares a schema-only type for a key that takes a subset of [`Role`].
macro_rules! role_subset {
    ($name:ident, $roles:expr, $description:literal) => {
        #[doc = $description]
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                role_schema($description, &$roles)
            }
        }
    };
}

role_subset!(SignerRole, Role::SIGNERS, "A role that signs the agreement.");
role_subset!(Party, Role::REPORTERS, "Who agreed to an extension or reported a check-in.");
role_subset!(Terminator, Role::TERMINATORS, "Who ended the agreement.");

/// How notice of termination was given; only written notice ends an agreement.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Notice {
    // Written notice. (A doc comment would become the schema's description.)
    #[allow(missing_docs)]
    Written,
}

/// A party to the agreement.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name, as the person signs.
    #[schemars(regex(pattern = r"\S"))]
    pub name: String,
    /// Email address (optional), of the form local@domain.tld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = crate::rules::parties::EMAIL_PATTERN))]
    pub email: Option<String>,
}

/// How, how often and how long the pair meets.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// How often the pair meets: weekly, fortnightly, monthly or "every N weeks" (N = 1..12).
    pub frequency: Frequency,
    /// Length of one session in minutes; the program sets the allowed range (default 15 to 120).
    #[schemars(range(min = 1))]
    pub session_minutes: i64,
    /// How sessions are held, e.g. "video call", "in person"; at least one.
    #[schemars(length(min = 1), inner(regex(pattern = r"\S")))]
    pub modes: Vec<String>,
    /// Ways to stay in touch between sessions, e.g. "email", "chat" (optional).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_via: Vec<String>,
}

/// When the agreement runs: a start date and a length in months or in weeks (exactly one).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["months"] }, { "required": ["weeks"] }]))]
pub struct Term {
    /// First day of the term (a TOML date, e.g. 2026-12-07).
    pub start: Date,
    /// Length in calendar months (or give `weeks`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100000))]
    pub months: Option<i64>,
    /// Length in weeks (or give `months`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100000))]
    pub weeks: Option<i64>,
}

/// Review checkpoints for evaluating progress and reflecting: every N months, or explicit dates (exactly one).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["every_months"] }, { "required": ["dates"] }]))]
pub struct Reviews {
    /// A checkpoint every N months from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100000))]
    pub every_months: Option<i64>,
    /// Explicit checkpoint dates within the term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dates: Option<Vec<Date>>,
}

/// A SMART goal: specific, measurable, achievable, relevant, time-bound.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What the mentee wants to achieve (specific).
    #[schemars(regex(pattern = r"\S"))]
    pub goal: String,
    /// How both will know it is met, ideally with a number (measurable); required by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<String>,
    /// Why it matters to the mentee (relevant); optional by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// When it is due, within the term (time-bound); required by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
}

/// One party's signature over the current terms.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// Which party signs: mentor, mentee or lead.
    #[schemars(with = "SignerRole")]
    pub role: Role,
    /// The signer's name, as written in that party's table.
    pub name: String,
    /// Day of signing.
    pub date: Date,
    /// Digest of the terms this person signed (`mentor-agree terms FILE --digest`).
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub terms: String,
    /// With SSH signing: the party's email, the principal allowed_signers lists their key under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// With SSH signing: the armored SSH signature (ssh-keygen -Y sign, namespace mentor-agree) over the statement `mentor-agree terms FILE --statement ROLE` prints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
    /// A consent rather than a signature of the terms: the extension it agrees to, named by the day that extension was agreed. With SSH signing an extension counts once mentor and mentee both consented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<Date>,
    /// A consent rather than a signature of the terms: the termination it signs, named by its date (by whoever gave notice; the lead for the program).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination: Option<Date>,
}

/// An extension of the term by mutual agreement, in months or in weeks (exactly one).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["months"] }, { "required": ["weeks"] }]))]
pub struct Extension {
    /// Calendar months added to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100000))]
    pub months: Option<i64>,
    /// Weeks added to the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100000))]
    pub weeks: Option<i64>,
    /// Day the extension was agreed, before the end in force.
    pub agreed: Date,
    /// Who agreed: must include both mentor and mentee.
    #[schemars(length(min = 1), with = "Vec<Party>")]
    pub by: Vec<Role>,
}

/// A progress report to the program team (never confidential session content).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Checkin {
    /// Day of the report.
    pub date: Date,
    /// Who reported.
    #[schemars(with = "Party")]
    pub by: Role,
    /// A short progress note (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Where a goal stands at a review: the names of [`crate::format::agreement::GoalStatus`].
pub struct GoalStatus;

impl JsonSchema for GoalStatus {
    fn schema_name() -> Cow<'static, str> {
        "GoalStatus".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names = crate::format::agreement::GoalStatus::ALL.map(crate::format::agreement::GoalStatus::as_str);
        json_schema!({ "description": "Where a goal stands at a review.", "type": "string", "enum": names })
    }
}

/// One goal's progress at a review.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// The goal's number: 1 for the first `[[goals]]` entry, and so on.
    #[schemars(range(min = 1))]
    pub goal: i64,
    /// Where the goal stands: not-started, on-track, behind, achieved or dropped.
    #[schemars(with = "GoalStatus")]
    pub status: String,
    /// A short note on the goal (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A review checkpoint the pair held: who took part, what they reflected on, where each goal stands.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Day the review was held.
    pub date: Date,
    /// Who took part: normally both mentor and mentee.
    #[schemars(length(min = 1), with = "Vec<Party>")]
    pub by: Vec<Role>,
    /// True for the final review of the relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing: Option<bool>,
    /// Reflection: what works well (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working: Option<String>,
    /// Reflection: what to change (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub improve: Option<String>,
    /// The goals reviewed, by number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub progress: Vec<Progress>,
}

/// One `pair` answer: a whole number (scale, 1 to 5), true or false (yes-no), or text (choice, text).
pub struct AnswerValue;

impl JsonSchema for AnswerValue {
    fn schema_name() -> Cow<'static, str> {
        "AnswerValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An answer: a whole number (scale, 1 to 5), true or false (yes-no), or text (choice, text).",
            "type": ["integer", "boolean", "string"]
        })
    }
}

/// A respondent's answers to one of the program's feedback forms (`mentor-agree feedback`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// Day the form was answered.
    pub date: Date,
    /// The form's id, from program.toml's [[forms]].
    pub form: String,
    /// Who answered: a role the form asks.
    #[schemars(with = "SignerRole")]
    pub by: Role,
    /// The form's `pair` questions' answers, in plain text, keyed by question id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<std::collections::BTreeMap<String, AnswerValue>>")]
    pub answers: Option<serde_json::Map<String, Value>>,
    /// The form's `team` answers: an ASCII-armored age block only the program team can decrypt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^-----BEGIN AGE ENCRYPTED FILE-----"))]
    pub sealed: Option<String>,
}

/// Present only once the agreement was ended early by written notice.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// Day the agreement ends.
    pub date: Date,
    /// Who ended it: mentor, mentee or program.
    #[schemars(with = "Terminator")]
    pub by: Role,
    /// How notice was given: must be "written".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// Why it ended; required when by = "program".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// By program: when the concern was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported: Option<Date>,
    /// By program: when both parties had the chance to respond.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hearing: Option<Date>,
}

/// A mentoring agreement between a mentor and a mentee, format 1 (one agreement per TOML file).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "mentor-agree agreement (format 1)")]
pub struct Agreement {
    /// Version of the agreement format; this tool reads format 1.
    #[schemars(extend("const" = 1))]
    pub format: i64,
    /// Stable identifier (default: the file name without .toml): lowercase letters, digits, `.`, `_`, `-`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9._-]*$"))]
    pub id: Option<String>,
    /// What the mentoring is about, e.g. "career development".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    /// The mentor: shares experience and guidance.
    pub mentor: Person,
    /// The mentee: sets the goals and drives the sessions.
    pub mentee: Person,
    /// The initiative lead: the program's stakeholder in this agreement.
    pub lead: Person,
    /// How, how often and how long the pair meets.
    pub schedule: Schedule,
    /// Start and length of the agreement.
    pub term: Term,
    /// Review checkpoints; required by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviews: Option<Reviews>,
    /// SMART goals (1 to 5 by default).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// One signature per required role over the current terms (`mentor-agree sign`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<Signature>,
    /// Extensions of the term by mutual agreement (`mentor-agree extend`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extensions: Vec<Extension>,
    /// Progress reports to the program team (`mentor-agree checkin`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checkins: Vec<Checkin>,
    /// Reviews held: reflection and goal progress (`mentor-agree evaluate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluations: Vec<Evaluation>,
    /// Answers to the program's feedback forms; `team` answers sealed (`mentor-agree feedback`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub feedback: Vec<Feedback>,
    /// Early end by written notice (`mentor-agree terminate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination: Option<Termination>,
}

/// TOML has no null: an absent key is how a file says "none". Removes the
/// `null` alternative schemars gives every `Option` field.
fn no_null(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else { return };
    if let Some(Value::Array(types)) = obj.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            obj.insert("type".into(), only);
        }
    }
    let null = serde_json::json!({ "type": "null" });
    if let Some(Value::Array(any)) = obj.get("anyOf")
        && any.contains(&null)
    {
        let rest: Vec<Value> = any.iter().filter(|v| **v != null).cloned().collect();
        obj.remove("anyOf");
        match <[Value; 1]>::try_from(rest) {
            Ok([Value::Object(single)]) => single.into_iter().for_each(|(k, v)| {
                obj.entry(k).or_insert(v);
            }),
            Ok([other]) => {
                obj.insert("anyOf".into(), Value::Array(vec![other]));
            }
            Err(rest) => {
                obj.insert("anyOf".into(), Value::Array(rest));
            }
        }
    }
}

/// The schema as a JSON value.
pub fn schema() -> Schema {
    SchemaSettings::draft2020_12()
        .with_transform(RecursiveTransform(no_null))
        .into_generator()
        .into_root_schema_for::<Agreement>()
}

/// The name `init` gives the schema file, next to program.toml; `new` points
/// agreements at it with a `#:schema` comment when it is there.
pub const SCHEMA_FILE: &str = "agreement.schema.json";

/// The schema as pretty-printed JSON, ending in a newline.
pub fn schema_json() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).expect("schema serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::keys;

    /// The schema's email pattern is the `bad-email` rule's ([`crate::rules::parties::EMAIL_PATTERN`]).
    #[test]
    fn the_email_pattern_is_the_rules() {
        let schema = schema().to_value();
        assert_eq!(schema["$defs"]["Person"]["properties"]["email"]["pattern"], crate::rules::parties::EMAIL_PATTERN);
    }

    fn resolve<'a>(root: &'a Value, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix("#/$defs/").expect("local ref");
                resolve(root, &root["$defs"][name])
            }
            None => v,
        }
    }

    /// The object schema of a table, following `$ref`s and array `items`.
    fn table<'a>(root: &'a Value, key: &str) -> &'a Value {
        let mut v = resolve(root, &root["properties"][key]);
        if let Some(items) = v.get("items") {
            v = resolve(root, items);
        }
        v
    }

    fn names(v: &Value) -> Vec<String> {
        let mut n: Vec<String> = v["properties"].as_object().expect("properties").keys().cloned().collect();
        n.sort();
        n
    }

    fn sorted(k: &[&str]) -> Vec<String> {
        let mut n: Vec<String> = k.iter().map(|s| s.to_string()).collect();
        n.sort();
        n
    }

    /// The object schema of the table at a dotted path of the key table.
    fn table_at<'a>(root: &'a Value, path: &str) -> &'a Value {
        let mut v = root;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            v = resolve(root, &v["properties"][part]);
            if let Some(items) = v.get("items") {
                v = resolve(root, items);
            }
        }
        v
    }

    fn required(v: &Value) -> Vec<String> {
        let mut n: Vec<String> = v
            .get("required")
            .map(|r| {
                r.as_array().expect("required is an array").iter().map(|s| s.as_str().unwrap().to_string()).collect()
            })
            .unwrap_or_default();
        n.sort();
        n
    }

    /// Every table of the key table, by path, has exactly its keys as the
    /// schema's properties and its required keys as the schema's `required`.
    #[test]
    fn schema_keys_and_required_match_the_key_table() {
        let root = schema().to_value();
        let tables = keys::tables();
        assert_eq!(tables.len(), 15);
        for (path, table) in tables {
            let v = table_at(&root, &path);
            assert_eq!(names(v), sorted(table.names), "[{path}] properties");
            let req: Vec<&str> = table.required().collect();
            assert_eq!(required(v), sorted(&req), "[{path}] required");
        }
        // The name lists the language server completes from are the table's.
        assert_eq!(names(&root), sorted(keys::ROOT), "top level");
        for (key, known) in [
            ("mentor", keys::PERSON),
            ("mentee", keys::PERSON),
            ("lead", keys::PERSON),
            ("schedule", keys::SCHEDULE),
            ("term", keys::TERM),
            ("reviews", keys::REVIEWS),
            ("goals", keys::GOAL),
            ("signatures", keys::SIGNATURE),
            ("extensions", keys::EXTENSION),
            ("checkins", keys::CHECKIN),
            ("evaluations", keys::EVALUATION),
            ("feedback", keys::FEEDBACK),
            ("termination", keys::TERMINATION),
        ] {
            assert_eq!(names(table(&root, key)), sorted(known), "[{key}]");
        }
    }

    /// The JSON types a schema (after `$ref`s) allows: its `type`, or those of each `anyOf` branch.
    fn types(root: &Value, v: &Value) -> Vec<String> {
        let v = resolve(root, v);
        match (v.get("type"), v.get("anyOf")) {
            (Some(Value::String(t)), _) => vec![t.clone()],
            (Some(Value::Array(ts)), _) => ts.iter().map(|t| t.as_str().unwrap().to_string()).collect(),
            (None, Some(Value::Array(any))) => {
                let mut all: Vec<String> = any.iter().flat_map(|b| types(root, b)).collect();
                all.dedup();
                all
            }
            _ => panic!("no type in {v}"),
        }
    }

    /// Each key's schema takes the kind of value the key table gives it.
    #[test]
    fn schema_types_match_the_key_table() {
        use crate::format::keys::Kind;
        let root = schema().to_value();
        for (path, table) in keys::tables() {
            let v = table_at(&root, &path);
            for key in table.keys {
                let prop = resolve(&root, &v["properties"][key.name]);
                let at = format!("[{path}] {}", key.name);
                let one = |t: &str| assert_eq!(types(&root, prop), vec![t.to_string()], "{at}");
                let items = |t: &str, format: Option<&str>| {
                    assert_eq!(types(&root, prop), vec!["array".to_string()], "{at}");
                    let item = resolve(&root, &prop["items"]);
                    assert_eq!(types(&root, item), vec![t.to_string()], "{at}");
                    assert_eq!(item.get("format").and_then(Value::as_str), format, "{at}");
                };
                match key.kind {
                    Kind::Text => one("string"),
                    Kind::Integer => one("integer"),
                    Kind::Count => {
                        one("integer");
                        assert_eq!(prop["minimum"], 1, "{at}");
                        assert_eq!(prop["maximum"], 100_000, "{at}");
                    }
                    Kind::Boolean => one("boolean"),
                    Kind::Date => {
                        one("string");
                        assert_eq!(prop["format"], "date", "{at}");
                    }
                    Kind::Texts => items("string", None),
                    Kind::Dates => items("string", Some("date")),
                    Kind::Table(_) => one("object"),
                    Kind::Tables(_) => items("object", None),
                    Kind::Map => {
                        one("object");
                        assert!(prop.get("properties").is_none() && prop.get("additionalProperties").is_some(), "{at}");
                    }
                }
            }
        }
    }

    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
        match v {
            Value::Object(m) => {
                out.push(v);
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_table_is_closed_and_every_key_described() {
        let root = schema().to_value();
        assert_eq!(root["$schema"], "https://json-schema.org/draft/2020-12/schema");
        let mut all = Vec::new();
        walk(&root, &mut all);
        let tables: Vec<_> = all.iter().filter(|v| v.get("properties").is_some()).collect();
        assert_eq!(tables.len(), 13, "root plus twelve table types (Person is shared)");
        for t in tables {
            assert_eq!(t["additionalProperties"], Value::Bool(false), "{t}");
            for (key, prop) in t["properties"].as_object().unwrap() {
                let desc = prop.get("description").and_then(Value::as_str).unwrap_or("");
                assert!(desc.len() > 5, "`{key}` has no description");
            }
        }
    }

    #[test]
    fn enums_dates_and_patterns() {
        let root = schema().to_value();
        let sig = table(&root, "signatures");
        assert_eq!(resolve(&root, &sig["properties"]["role"])["enum"], serde_json::json!(["mentor", "mentee", "lead"]));
        assert_eq!(sig["properties"]["terms"]["pattern"], "^sha256:[0-9a-f]{64}$");
        assert_eq!(sig["properties"]["date"]["format"], "date");
        let term = table(&root, "termination");
        assert_eq!(resolve(&root, &term["properties"]["notice"])["enum"], serde_json::json!(["written"]));
        let reviews = table(&root, "reviews");
        let dates = &reviews["properties"]["dates"];
        assert_eq!(dates["items"]["format"], "date", "{dates}");
        assert_eq!(root["properties"]["format"]["const"], 1);
        let eval = table(&root, "evaluations");
        let progress = resolve(&root, &eval["properties"]["progress"]["items"]);
        assert_eq!(
            resolve(&root, &progress["properties"]["status"])["enum"],
            serde_json::json!(["not-started", "on-track", "behind", "achieved", "dropped"])
        );
        assert_eq!(progress["properties"]["goal"]["minimum"], 1);
    }
}
