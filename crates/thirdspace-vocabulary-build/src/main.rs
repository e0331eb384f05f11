//! Derives the skill vocabulary that thirdspace ships
//! (`crates/thirdspace-serendipity/data/vocabulary.tsv`) from public data:
//!
//! - hand-written coworking terms (`handwritten.tsv` next to this crate), which win every clash;
//! - the most used Stack Overflow tags, with their synonyms as aliases (technology);
//! - ESCO skills (professional skills) with their alternative labels, broader skills or skill
//!   groups, and related skills.
//!
//! Run it again whenever the sources change:
//! `cargo run -p thirdspace-vocabulary-build -- --data <folder with esco/ and stackoverflow/>`.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Parser;
use thirdspace_serendipity::key::key;

#[derive(Parser)]
#[command(about = "Derive thirdspace's skill vocabulary from ESCO and Stack Overflow data")]
struct Args {
    /// The folder holding `esco/` and `stackoverflow/`.
    #[arg(long)]
    data: PathBuf,
    /// Where to write the vocabulary.
    #[arg(long, default_value = "crates/thirdspace-serendipity/data/vocabulary.tsv")]
    out: PathBuf,
    /// The hand-written entries.
    #[arg(long, default_value = "crates/thirdspace-vocabulary-build/handwritten.tsv")]
    handwritten: PathBuf,
    /// How many of the most used Stack Overflow tags to keep.
    #[arg(long, default_value_t = 1500)]
    top_tags: usize,
    /// The longest label kept, in words.
    #[arg(long, default_value_t = 4)]
    max_words: usize,
    /// Where to write offer/need profiles from the developer survey, for the engine's benchmarks.
    #[arg(long, default_value = "crates/thirdspace-serendipity/benches/data/survey_profiles.tsv")]
    profiles_out: PathBuf,
}

/// The survey's "have worked with" and "want to work with" column pairs.
const SURVEY_COLUMNS: [&str; 6] = ["Language", "Database", "Platform", "Webframe", "MiscTech", "ToolsTech"];

/// Offer/need profiles from the developer survey: what each respondent has worked with (offers)
/// and wants to work with but has not (needs), one respondent a line.
fn survey_profiles(data: &Path) -> Result<String> {
    let mut rdr = reader(&data.join("stackoverflow/survey_2023_sample.csv"))?;
    let headers = rdr.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let pairs: Vec<(usize, usize)> = SURVEY_COLUMNS
        .iter()
        .filter_map(|c| Some((column(&format!("{c}HaveWorkedWith"))?, column(&format!("{c}WantToWorkWith"))?)))
        .collect();
    let mut out = String::from(
        "# Offer and need profiles derived by thirdspace-vocabulary-build from the Stack Overflow Developer\n\
         # Survey 2023 (sample), https://survey.stackoverflow.co, Open Database License (ODbL).\n\
         # Columns: offers (worked with), needs (want to work with, not yet worked with), each separated by |.\n",
    );
    for row in rdr.records() {
        let row = row?;
        let list = |i: usize| -> Vec<String> {
            row.get(i)
                .filter(|v| *v != "NA")
                .map(|v| v.split(';').map(clean).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default()
        };
        let (mut offers, mut needs) = (Vec::new(), Vec::new());
        for &(have, want) in &pairs {
            let had = list(have);
            needs.extend(list(want).into_iter().filter(|w| !had.contains(w)));
            offers.extend(had);
        }
        if !offers.is_empty() && !needs.is_empty() {
            let _ = writeln!(out, "{}\t{}", offers.join("|"), needs.join("|"));
        }
    }
    Ok(out)
}

/// The longest label kept, in characters (the app's tag limit).
const MAX_CHARS: usize = 48;

#[derive(Default)]
struct Entry {
    canonical: String,
    aliases: Vec<String>,
    broader: Vec<String>,
    related: Vec<String>,
    source: &'static str,
}

#[derive(Default)]
struct Vocabulary {
    entries: Vec<Entry>,
    /// Every key taken, by a canonical name or an alias, and whose it is.
    owner: HashMap<String, usize>,
}

impl Vocabulary {
    /// The entry for `name`: an existing one whose name or alias has the same key, else a new one.
    fn entry(&mut self, name: &str, source: &'static str) -> usize {
        let k = key(name);
        if let Some(&i) = self.owner.get(&k) {
            return i;
        }
        self.entries.push(Entry { canonical: clean(name), source, ..Entry::default() });
        let i = self.entries.len() - 1;
        self.owner.insert(k, i);
        i
    }

    /// Gives `alias` to entry `i` unless its key is taken.
    fn alias(&mut self, i: usize, alias: &str) {
        let k = key(alias);
        if k.is_empty() || self.owner.contains_key(&k) {
            return;
        }
        self.owner.insert(k, i);
        self.entries[i].aliases.push(clean(alias));
    }

    fn link(list: &mut Vec<String>, name: &str) {
        let name = clean(name);
        if !list.contains(&name) {
            list.push(name);
        }
    }

    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# thirdspace skill vocabulary, derived by thirdspace-vocabulary-build: do not edit by hand.\n\
             # Columns: canonical tag, aliases, broader tags, related tags (each list separated by |), source.\n\
             # Sources and attribution:\n\
             # - ESCO v1.1.1 (European Skills, Competences, Qualifications and Occupations), (c) European Union,\n\
             #   https://esco.ec.europa.eu, reused under Commission Decision 2011/833/EU.\n\
             # - Stack Overflow tags and tag synonyms (data dump, 2021), https://stackoverflow.com, CC BY-SA 4.0.\n\
             # - Hand-written coworking terms by the thirdspace contributors.\n",
        );
        for e in &self.entries {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                e.canonical,
                e.aliases.join("|"),
                e.broader.join("|"),
                e.related.join("|"),
                e.source
            );
        }
        out
    }
}

/// A label fit for the file: one line, no separators, trimmed.
fn clean(label: &str) -> String {
    label.replace(['\t', '|', '\n', '\r'], " ").split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn fits(label: &str, max_words: usize) -> bool {
    let label = label.trim();
    !label.is_empty() && label.split_whitespace().count() <= max_words && label.chars().count() <= MAX_CHARS
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new().flexible(true).from_path(path).with_context(|| format!("opening {}", path.display()))
}

fn handwritten(v: &mut Vocabulary, path: &Path) -> Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let rows: Vec<Vec<&str>> =
        text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').collect()).collect();
    let list = |row: &Vec<&str>, i: usize| -> Vec<String> {
        row.get(i)
            .map(|c| c.split('|').filter(|s| !s.trim().is_empty()).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    for row in &rows {
        let i = v.entry(row[0], "handwritten");
        for alias in list(row, 1) {
            v.alias(i, &alias);
        }
        for b in list(row, 2) {
            Vocabulary::link(&mut v.entries[i].broader, &b);
        }
        for r in list(row, 3) {
            Vocabulary::link(&mut v.entries[i].related, &r);
        }
    }
    Ok(())
}

fn stack_overflow(v: &mut Vocabulary, data: &Path, top: usize) -> Result<()> {
    let mut tags: Vec<(String, u64)> = Vec::new();
    for row in reader(&data.join("stackoverflow/Tags.csv"))?.records() {
        let row = row?;
        if let (Some(name), Some(count)) = (row.get(1), row.get(2).and_then(|c| c.parse().ok())) {
            tags.push((name.to_owned(), count));
        }
    }
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    tags.truncate(top);
    let kept: HashSet<String> = tags.iter().map(|(n, _)| n.clone()).collect();
    let mut index = HashMap::new();
    for (name, _) in &tags {
        index.insert(name.clone(), v.entry(name, "stackoverflow"));
    }
    for (name, _) in &tags {
        // "python-3.x" is a kind of "python", "asp.net-mvc" of "asp.net".
        if let Some((head, _)) = name.split_once('-') {
            if kept.contains(head) && head != name {
                let i = index[name];
                if v.entries[i].source == "stackoverflow" {
                    Vocabulary::link(&mut v.entries[i].broader, head);
                }
            }
        }
    }
    for row in reader(&data.join("stackoverflow/TagSynonyms.csv"))?.records() {
        let row = row?;
        if let (Some(source), Some(target)) = (row.get(1), row.get(2)) {
            if let Some(&i) = index.get(target) {
                v.alias(i, source);
            }
        }
    }
    Ok(())
}

fn esco(v: &mut Vocabulary, data: &Path, max_words: usize) -> Result<()> {
    let mut skills: HashMap<String, usize> = HashMap::new();
    for row in reader(&data.join("esco/skills_en.csv"))?.records() {
        let row = row?;
        let (uri, reuse, label, alts) = (&row[1], &row[3], &row[4], &row[5]);
        if !matches!(reuse, "transversal" | "cross-sector" | "sector-specific") || !fits(label, max_words) {
            continue;
        }
        let i = v.entry(label, "esco");
        skills.insert(uri.to_owned(), i);
        if v.entries[i].source == "esco" {
            for alt in alts.lines().filter(|a| fits(a, max_words)) {
                v.alias(i, alt);
            }
        }
    }
    let mut groups: HashMap<String, String> = HashMap::new();
    for row in reader(&data.join("esco/skillGroups_en.csv"))?.records() {
        let row = row?;
        groups.insert(row[1].to_owned(), clean(&row[2]));
    }
    let mut group_parents: HashMap<String, Vec<String>> = HashMap::new();
    let mut used_groups: HashSet<String> = HashSet::new();
    for row in reader(&data.join("esco/broaderRelationsSkillPillar.csv"))?.records() {
        let row = row?;
        let (uri, broader_type, broader) = (&row[1], &row[2], &row[3]);
        if row[0].eq("SkillGroup") {
            group_parents.entry(uri.to_owned()).or_default().push(broader.to_owned());
            continue;
        }
        let Some(&i) = skills.get(uri) else { continue };
        if v.entries[i].source != "esco" {
            continue;
        }
        let name = if broader_type == "SkillGroup" {
            used_groups.insert(broader.to_owned());
            groups.get(broader).cloned()
        } else {
            skills.get(broader).map(|&b| v.entries[b].canonical.clone())
        };
        if let Some(name) = name.filter(|n| n != &v.entries[i].canonical) {
            Vocabulary::link(&mut v.entries[i].broader, &name);
        }
    }
    // The groups named as broader, and theirs up the hierarchy, become entries of their own.
    let mut pending: Vec<String> = used_groups.into_iter().collect();
    pending.sort();
    let mut done = HashSet::new();
    while let Some(uri) = pending.pop() {
        if !done.insert(uri.clone()) {
            continue;
        }
        let Some(label) = groups.get(&uri).cloned() else { continue };
        let i = v.entry(&label, "esco-group");
        for parent in group_parents.get(&uri).into_iter().flatten() {
            if let Some(parent_label) = groups.get(parent) {
                if v.entries[i].source == "esco-group" && parent_label != &v.entries[i].canonical {
                    Vocabulary::link(&mut v.entries[i].broader, parent_label);
                }
                pending.push(parent.clone());
            }
        }
    }
    for row in reader(&data.join("esco/skillSkillRelations.csv"))?.records() {
        let row = row?;
        if let (Some(&a), Some(&b)) = (skills.get(&row[0]), skills.get(&row[4])) {
            if a != b && v.entries[a].source == "esco" {
                let name = v.entries[b].canonical.clone();
                Vocabulary::link(&mut v.entries[a].related, &name);
            }
        }
    }
    Ok(())
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut v = Vocabulary::default();
    handwritten(&mut v, &args.handwritten)?;
    stack_overflow(&mut v, &args.data, args.top_tags)?;
    esco(&mut v, &args.data, args.max_words)?;
    let text = v.render();
    std::fs::write(&args.out, &text).with_context(|| format!("writing {}", args.out.display()))?;
    let profiles = survey_profiles(&args.data)?;
    if let Some(dir) = args.profiles_out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.profiles_out, &profiles)
        .with_context(|| format!("writing {}", args.profiles_out.display()))?;
    println!(
        "{} survey profiles written to {}",
        profiles.lines().filter(|l| !l.starts_with('#')).count(),
        args.profiles_out.display()
    );
    let aliases: usize = v.entries.iter().map(|e| e.aliases.len()).sum();
    println!("{} tags, {} aliases, {} bytes written to {}", v.entries.len(), aliases, text.len(), args.out.display());
    Ok(())
}
