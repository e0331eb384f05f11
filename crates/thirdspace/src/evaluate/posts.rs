//! Reading a Stack Exchange `Posts.xml`: questions with their tags, title and accepted answer,
//! and answers with their author.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use quick_xml::events::Event;
use quick_xml::Reader;

pub struct Question {
    pub id: u64,
    pub created: String,
    /// `created` in seconds since 1970.
    pub at: i64,
    pub owner: Option<u64>,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub accepted_answer: Option<u64>,
}

pub struct Answer {
    pub id: u64,
    pub parent: u64,
    pub created: String,
    /// `created` in seconds since 1970.
    pub at: i64,
    pub owner: Option<u64>,
    pub body: String,
}

#[derive(Default)]
pub struct Posts {
    pub questions: Vec<Question>,
    pub answers: Vec<Answer>,
}

/// Tags as older dumps write them (`<a><b>`) or newer ones (`|a|b|`).
pub fn parse_tags(raw: &str) -> Vec<String> {
    let raw = raw.trim();
    let parts: Vec<&str> = if raw.starts_with('<') {
        raw.trim_start_matches('<').trim_end_matches('>').split("><").collect()
    } else {
        raw.split('|').collect()
    };
    parts.into_iter().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

/// The text of an HTML body, tags dropped.
pub fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A dump's date (`2015-01-27T20:09:32.720`, UTC) in seconds since 1970.
pub fn seconds(date: &str) -> Option<i64> {
    chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|d| d.and_utc().timestamp())
}

pub fn read(path: &Path) -> Result<Posts> {
    let mut reader = Reader::from_file(path).with_context(|| format!("opening {}", path.display()))?;
    let mut buf = Vec::new();
    let mut posts = Posts::default();
    loop {
        match reader.read_event_into(&mut buf).with_context(|| format!("reading {}", path.display()))? {
            Event::Eof => break,
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"row" => {
                let mut fields: HashMap<String, String> = HashMap::new();
                for attr in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                    let value = attr.decode_and_unescape_value(reader.decoder())?.into_owned();
                    fields.insert(key, value);
                }
                let num = |k: &str| fields.get(k).and_then(|v| v.parse::<u64>().ok());
                let text = |k: &str| fields.get(k).cloned().unwrap_or_default();
                // A post without its number or a readable date cannot be placed in time.
                let (Some(id), Some(at)) = (num("Id"), seconds(&text("CreationDate"))) else { continue };
                match fields.get("PostTypeId").map(String::as_str) {
                    Some("1") => posts.questions.push(Question {
                        id,
                        created: text("CreationDate"),
                        at,
                        owner: num("OwnerUserId"),
                        title: text("Title"),
                        body: strip_html(&text("Body")),
                        tags: parse_tags(&text("Tags")),
                        accepted_answer: num("AcceptedAnswerId"),
                    }),
                    Some("2") => {
                        if let Some(parent) = num("ParentId") {
                            posts.answers.push(Answer {
                                id,
                                parent,
                                created: text("CreationDate"),
                                at,
                                owner: num("OwnerUserId"),
                                body: strip_html(&text("Body")),
                            });
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(posts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_in_both_dump_formats() {
        assert_eq!(parse_tags("<espresso><grinding>"), ["espresso", "grinding"]);
        assert_eq!(parse_tags("|espresso|grinding|"), ["espresso", "grinding"]);
        assert!(parse_tags("").is_empty());
    }

    #[test]
    fn a_small_dump_is_read() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("Posts.xml");
        std::fs::write(
            &path,
            r#"<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" AcceptedAnswerId="2" CreationDate="2020-01-01T00:00:00.000" OwnerUserId="7" Title="Best grind?" Body="&lt;p&gt;Fine or coarse&lt;/p&gt;" Tags="|grinding|espresso|" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2020-01-02T00:00:00.000" OwnerUserId="9" Body="Fine." />
</posts>"#,
        )
        .expect("write");
        let posts = read(&path).expect("read");
        assert_eq!(posts.questions.len(), 1);
        assert_eq!(posts.questions[0].tags, ["grinding", "espresso"]);
        assert_eq!(posts.questions[0].body.trim(), "Fine or coarse");
        assert_eq!(posts.answers[0].owner, Some(9));
        assert_eq!(posts.answers[0].at - posts.questions[0].at, 86_400);
    }

    #[test]
    fn dates_are_read_with_or_without_their_fraction_of_a_second() {
        assert_eq!(seconds("1970-01-02T00:00:00.000"), Some(86_400));
        assert_eq!(seconds("1970-01-01T00:01:01"), Some(61));
        assert_eq!(seconds("2015-01-27T20:09:32.720"), Some(1_422_389_372));
        assert_eq!(seconds("yesterday"), None);
    }
}
