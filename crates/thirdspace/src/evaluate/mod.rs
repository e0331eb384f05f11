//! `thirdspace evaluate-matching`: how well the engine routes real questions to the people who
//! answered them, against simple baselines, on any Stack Exchange `Posts.xml`.
//!
//! Two protocols. The rolling one (`rolling`, the default) routes each question among everyone who
//! had answered before it was asked. The cut-off one (here): people's offers are the tags of the
//! questions they answered before a cut-off date (their words: those questions' titles and their
//! answers); each later question with an accepted answer is a need, and the accepted answerer is
//! the person who should rank first.

mod posts;
pub mod rolling;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Result};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use thirdspace_serendipity::person::terms;
use thirdspace_serendipity::route::{Candidate, Help, Router};
use thirdspace_serendipity::vocabulary::shipped;

/// The ranks (0 = first) a method gave the right person, `None` where it could not rank them.
struct Method {
    name: &'static str,
    ranks: Vec<Option<usize>>,
}

impl Method {
    fn hit(&self, k: usize) -> f64 {
        self.ranks.iter().filter(|r| r.is_some_and(|r| r < k)).count() as f64 / self.ranks.len().max(1) as f64
    }

    fn mrr(&self) -> f64 {
        self.ranks.iter().map(|r| r.map_or(0.0, |r| 1.0 / (r as f64 + 1.0))).sum::<f64>()
            / self.ranks.len().max(1) as f64
    }
}

pub struct Evaluation {
    methods: Vec<Method>,
    /// What was evaluated, in a sentence under the table.
    pub note: String,
}

impl Evaluation {
    /// The figures of one method: hit@1, hit@5, hit@10, MRR.
    #[cfg(test)]
    pub fn figures(&self, name: &str) -> Option<[f64; 4]> {
        self.methods.iter().find(|m| m.name == name).map(|m| [m.hit(1), m.hit(5), m.hit(10), m.mrr()])
    }

    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "| method | hit@1 | hit@5 | hit@10 | MRR |\n|---|---|---|---|---|");
        for m in &self.methods {
            let _ =
                writeln!(out, "| {} | {:.3} | {:.3} | {:.3} | {:.3} |", m.name, m.hit(1), m.hit(5), m.hit(10), m.mrr());
        }
        let _ = writeln!(out, "\n{}", self.note);
        out
    }
}

/// Everyone by their score, best first; ties in the order people were numbered.
fn ranked(scores: impl Iterator<Item = f64>) -> Vec<usize> {
    let mut scored: Vec<(f64, usize)> = scores.enumerate().map(|(i, s)| (s, i)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// The share of the tags in either set that both hold (0 when neither holds any).
fn jaccard(theirs: &HashSet<&str>, wanted: &HashSet<&str>) -> f64 {
    let either = theirs.union(wanted).count();
    if either == 0 {
        0.0
    } else {
        theirs.intersection(wanted).count() as f64 / either as f64
    }
}

/// `people` numbers in a random order, the same for the same seed and question.
fn shuffled(people: usize, seed: u64, question: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..people).collect();
    order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed ^ question));
    order
}

/// The posts of `path`, questions in the order they were asked; too few to evaluate is an error.
fn read_in_order(path: &Path) -> Result<(Vec<posts::Question>, Vec<posts::Answer>)> {
    let posts = posts::read(path)?;
    let mut questions = posts.questions;
    questions.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    if questions.len() < 10 {
        bail!("{} holds only {} questions: too few to evaluate", path.display(), questions.len());
    }
    Ok((questions, posts.answers))
}

/// Runs the evaluation; `fraction` of the questions (by date) come before the cut-off.
pub fn evaluate(path: &Path, fraction: f64, seed: u64) -> Result<Evaluation> {
    let (questions, answers) = read_in_order(path)?;
    let split = ((questions.len() as f64 * fraction.clamp(0.1, 0.95)) as usize).min(questions.len() - 1);
    let cutoff = questions[split].created.clone();
    let by_id: HashMap<u64, usize> = questions.iter().enumerate().map(|(i, q)| (q.id, i)).collect();
    let answers_by_id: HashMap<u64, &posts::Answer> = answers.iter().map(|a| (a.id, a)).collect();

    // Who answered what before the cut-off.
    let mut users: Vec<u64> = Vec::new();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut tags: Vec<Vec<String>> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut helps: Vec<Vec<Help>> = Vec::new();
    for answer in answers.iter().filter(|a| a.created < cutoff) {
        let (Some(owner), Some(&q)) = (answer.owner, by_id.get(&answer.parent)) else { continue };
        // Only answers to questions before the cut-off: an answer merged in from elsewhere can
        // be older than its (held-out) question.
        if q >= split {
            continue;
        }
        let i = *index.entry(owner).or_insert_with(|| {
            users.push(owner);
            tags.push(Vec::new());
            texts.push(String::new());
            helps.push(Vec::new());
            users.len() - 1
        });
        let question = &questions[q];
        for t in &question.tags {
            if !tags[i].contains(t) {
                tags[i].push(t.clone());
            }
        }
        texts[i].push_str(&question.title);
        texts[i].push(' ');
        texts[i].push_str(&answer.body);
        texts[i].push(' ');
        helps[i].push(Help { at: answer.at, topics: terms(shipped(), &question.tags) });
    }
    let vocabulary = shipped();
    let candidates: Vec<Candidate> = tags
        .iter()
        .zip(texts)
        .zip(helps)
        .map(|((tags, text), helps)| {
            let helped = helps.len() as u32;
            Candidate { offers: terms(vocabulary, tags), text, helps, helped }
        })
        .collect();
    let router = Router::new(&candidates, questions[split].at);
    let mut most_active: Vec<usize> = (0..users.len()).collect();
    most_active.sort_by_key(|&i| (std::cmp::Reverse(candidates[i].helps.len()), users[i]));
    let tag_sets: Vec<HashSet<&str>> = tags.iter().map(|ts| ts.iter().map(String::as_str).collect()).collect();

    let mut methods = ["engine", "tag Jaccard", "most active first", "random"]
        .map(|name| Method { name, ranks: Vec::new() })
        .into_iter()
        .collect::<Vec<_>>();
    let (mut held_out, mut reachable) = (0, 0);
    for question in &questions[split..] {
        let Some(target) = question.accepted_answer.and_then(|a| answers_by_id.get(&a)).and_then(|a| a.owner) else {
            continue;
        };
        if Some(target) == question.owner {
            continue;
        }
        held_out += 1;
        let asker = question.owner.and_then(|o| index.get(&o).copied());
        let target = index.get(&target).copied();
        reachable += usize::from(target.is_some());
        let rank_in = |order: &[usize]| -> Option<usize> {
            let t = target?;
            order.iter().filter(|&&p| Some(p) != asker).position(|&p| p == t)
        };
        let needs = terms(vocabulary, &question.tags);
        let engine: Vec<usize> = router
            .rank(vocabulary, &needs, &format!("{} {}", question.title, question.body), |p| Some(p as usize) == asker)
            .into_iter()
            .map(|p| p as usize)
            .collect();
        let wanted: HashSet<&str> = question.tags.iter().map(String::as_str).collect();
        let jaccard = ranked(tag_sets.iter().map(|set| jaccard(set, &wanted)));
        let random = shuffled(users.len(), seed, question.id);
        for (method, order) in methods.iter_mut().zip([&engine, &jaccard, &most_active, &random]) {
            method.ranks.push(rank_in(order));
        }
    }
    if held_out == 0 {
        bail!("no question after the cut-off has an accepted answer");
    }
    let note = format!(
        "{held_out} held-out questions after {cutoff} ({reachable} of them answered by someone who had answered \
         before); {} candidates.",
        users.len()
    );
    Ok(Evaluation { methods, note })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny forum of twenty days where each of three experts (101, 102, 103) answers every
    /// question on one topic, asked by a different person each day (501…520).
    pub(crate) fn tiny_forum(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("Posts.xml");
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n");
        let topics = [("espresso", 101), ("grinding", 102), ("tea", 103)];
        let mut id = 1;
        for day in 1..=20 {
            for (topic, expert) in topics {
                let (q, a) = (id, id + 1);
                id += 2;
                let _ = writeln!(
                    xml,
                    r#"<row Id="{q}" PostTypeId="1" AcceptedAnswerId="{a}" CreationDate="2020-01-{day:02}T10:00:00.000" OwnerUserId="{}" Title="A question about {topic}" Body="Help with {topic} please" Tags="&lt;{topic}&gt;" />"#,
                    500 + day
                );
                let _ = writeln!(
                    xml,
                    r#"<row Id="{a}" PostTypeId="2" ParentId="{q}" CreationDate="2020-01-{day:02}T11:00:00.000" OwnerUserId="{expert}" Body="All about {topic}." />"#
                );
            }
        }
        xml.push_str("</posts>\n");
        std::fs::write(&path, xml).expect("write");
        path
    }

    /// Later questions on a topic must reach its expert first.
    #[test]
    fn the_engine_ranks_the_topic_expert_first_and_baselines_are_computed_alongside() {
        let dir = tempfile::tempdir().expect("dir");
        let path = tiny_forum(dir.path());
        let evaluation = evaluate(&path, 0.5, 7).expect("evaluate");
        assert!(evaluation.note.ends_with("; 3 candidates."), "{}", evaluation.note);
        let [hit1, _, _, mrr] = evaluation.figures("engine").expect("engine");
        assert_eq!(hit1, 1.0);
        assert_eq!(mrr, 1.0);
        assert!(evaluation.figures("most active first").expect("baseline")[0] < 1.0);
        assert!(evaluation.table().contains("| random |"));
    }
}
