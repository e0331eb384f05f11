//! The rolling protocol, the default of `evaluate-matching`: questions in time order; the first
//! share only teach (the warm-up); every later question whose accepted answer comes from someone
//! who had answered before it was asked is routed among everyone who had answered before then,
//! from what had happened before then alone (answers, their questions' tags, titles and bodies).
//! The asker is never a candidate. The engine and four baselines rank the same people for the
//! same question.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::{bail, Result};
use thirdspace_serendipity::person::terms;
use thirdspace_serendipity::route::{Candidate, Router};
use thirdspace_serendipity::text::words;
use thirdspace_serendipity::vocabulary::shipped;

use super::{jaccard, posts, ranked, shuffled, Evaluation, Method};

/// The baselines' names, after the engine's.
const METHODS: [&str; 5] = ["engine", "tf-idf + activity", "tag Jaccard", "most active first", "random"];

/// What one person had done up to a moment, beside what the engine reads of them (their
/// [`Candidate`]: offers, words and answers): the tags of the questions they answered, and their
/// terms for tf-idf (tags marked as such, and title words, with how often).
#[derive(Default)]
struct Record {
    tags: Vec<String>,
    terms: HashMap<String, u32>,
}

impl Record {
    /// Learns from one of their answers, here and in what the engine reads of them.
    fn learn(
        &mut self,
        candidate: &mut Candidate,
        question: &posts::Question,
        answer: &posts::Answer,
        df: &mut HashMap<String, u32>,
    ) {
        let mut add = |term: String| {
            let count = self.terms.entry(term.clone()).or_default();
            if *count == 0 {
                *df.entry(term).or_default() += 1;
            }
            *count += 1;
        };
        for tag in &question.tags {
            add(format!("tag:{tag}"));
        }
        for word in words(&question.title) {
            add(word);
        }
        let known = self.tags.len();
        for tag in &question.tags {
            if !self.tags.contains(tag) {
                self.tags.push(tag.clone());
            }
        }
        if self.tags.len() > known {
            candidate.offers = terms(shipped(), &self.tags);
        }
        candidate.text.push_str(&question.title);
        candidate.text.push(' ');
        candidate.text.push_str(&answer.body);
        candidate.text.push(' ');
        candidate.helped += 1;
    }
}

/// The question's own terms for tf-idf: its tags, marked, and its title's words.
fn question_terms(question: &posts::Question) -> HashSet<String> {
    question.tags.iter().map(|t| format!("tag:{t}")).chain(words(&question.title)).collect()
}

/// Cosine of the question's terms (each weighted by its idf) and each person's (count times idf),
/// plus 0.05·ln(1 + answers).
fn tf_idf(
    records: &[Record],
    candidates: &[Candidate],
    df: &HashMap<String, u32>,
    wanted: &HashSet<String>,
) -> Vec<usize> {
    let people = records.len() as f64;
    let idf = |term: &str| df.get(term).map_or(0.0, |&n| (people / f64::from(n)).ln());
    let query: Vec<(&String, f64)> = wanted.iter().map(|t| (t, idf(t))).collect();
    let query_norm = query.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
    ranked(records.iter().zip(candidates).map(|(r, c)| {
        let norm = r.terms.iter().map(|(t, &n)| (f64::from(n) * idf(t)).powi(2)).sum::<f64>().sqrt();
        let dot: f64 = query.iter().map(|(t, w)| r.terms.get(*t).map_or(0.0, |&n| f64::from(n) * idf(t) * w)).sum();
        let cosine = if norm > 0.0 && query_norm > 0.0 { dot / (norm * query_norm) } else { 0.0 };
        cosine + 0.05 * f64::from(c.helped).ln_1p()
    }))
}

/// Runs the rolling evaluation; `warmup` of the questions (by date) only teach.
pub fn evaluate(path: &Path, warmup: f64, seed: u64) -> Result<Evaluation> {
    let (questions, answers) = super::read_in_order(path)?;
    let first = ((questions.len() as f64 * warmup.clamp(0.0, 0.95)) as usize).min(questions.len() - 1);
    let question_of: HashMap<u64, usize> = questions.iter().enumerate().map(|(i, q)| (q.id, i)).collect();
    let owner_of: HashMap<u64, Option<u64>> = answers.iter().map(|a| (a.id, a.owner)).collect();
    let mut answers: Vec<&posts::Answer> = answers.iter().filter(|a| a.owner.is_some()).collect();
    answers.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));

    let vocabulary = shipped();
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut records: Vec<Record> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut df: HashMap<String, u32> = HashMap::new();
    let mut methods: Vec<Method> = METHODS.iter().map(|&name| Method { name, ranks: Vec::new() }).collect();
    let (mut next, mut asked, mut unreachable) = (0, 0, 0);
    for question in &questions[first..] {
        // Everything answered before this question was asked, to questions asked before it.
        while let Some(answer) = answers.get(next).filter(|a| a.created < question.created) {
            next += 1;
            let Some(&q) = question_of.get(&answer.parent) else { continue };
            let (Some(owner), true) = (answer.owner, questions[q].created < question.created) else { continue };
            let i = *index.entry(owner).or_insert_with(|| {
                records.push(Record::default());
                candidates.push(Candidate { offers: Vec::new(), text: String::new(), helped: 0 });
                records.len() - 1
            });
            records[i].learn(&mut candidates[i], &questions[q], answer, &mut df);
        }
        let Some(target) = question.accepted_answer.and_then(|a| owner_of.get(&a).copied().flatten()) else {
            continue;
        };
        if Some(target) == question.owner {
            continue;
        }
        asked += 1;
        let Some(&target) = index.get(&target) else {
            unreachable += 1;
            continue;
        };
        let asker = question.owner.and_then(|o| index.get(&o).copied());
        let rank_in = |order: &[usize]| order.iter().filter(|&&p| Some(p) != asker).position(|&p| p == target);

        let needs = terms(vocabulary, &question.tags);
        let text = format!("{} {}", question.title, question.body);
        let engine: Vec<usize> = Router::new(&candidates)
            .rank(vocabulary, &needs, &text, |p| Some(p as usize) == asker)
            .into_iter()
            .map(|p| p as usize)
            .collect();
        let tf_idf = tf_idf(&records, &candidates, &df, &question_terms(question));
        let wanted: HashSet<&str> = question.tags.iter().map(String::as_str).collect();
        let jaccard = ranked(records.iter().map(|r| jaccard(&r.tags.iter().map(String::as_str).collect(), &wanted)));
        let active = ranked(candidates.iter().map(|c| f64::from(c.helped)));
        let random = shuffled(records.len(), seed, question.id);
        for (method, order) in methods.iter_mut().zip([&engine, &tf_idf, &jaccard, &active, &random]) {
            method.ranks.push(rank_in(order));
        }
    }
    let evaluated = asked - unreachable;
    if evaluated == 0 {
        bail!("no question after the warm-up was answered by someone who had answered before");
    }
    let warm = questions[first].created.clone();
    Ok(Evaluation {
        methods,
        note: format!(
            "Rolling: {evaluated} questions from {warm} on, each answered by someone who had answered before it \
             was asked ({unreachable} more were answered by a newcomer); {} people had answered by the last.",
            records.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::tests::tiny_forum;

    #[test]
    fn each_question_reaches_the_expert_who_answered_before_it_and_every_method_ranks_it() {
        let dir = tempfile::tempdir().expect("dir");
        let evaluation = evaluate(&tiny_forum(dir.path()), 0.3, 7).expect("evaluate");
        // 60 questions, the first 18 warm up; each later one is answered by its topic's expert,
        // who had answered on the first day.
        assert!(evaluation.note.starts_with("Rolling: 42 questions from 2020-01-07"), "{}", evaluation.note);
        assert!(evaluation.note.contains("(0 more were answered by a newcomer); 3 people"), "{}", evaluation.note);
        assert_eq!(evaluation.figures("engine").expect("engine"), [1.0, 1.0, 1.0, 1.0]);
        assert_eq!(
            evaluation.figures("tf-idf + activity").expect("tf-idf")[0],
            1.0,
            "the topic's tag names its expert"
        );
        assert_eq!(evaluation.figures("tag Jaccard").expect("Jaccard")[0], 1.0);
        // Every expert answered as often, so "most active" ranks them in the order they first
        // answered: espresso's expert first.
        let active = evaluation.figures("most active first").expect("most active");
        assert!((active[3] - (1.0 + 0.5 + 1.0 / 3.0) / 3.0).abs() < 1e-9, "{active:?}");
        assert!(evaluation.table().contains("| random |"));
    }

    #[test]
    fn only_what_happened_before_a_question_counts() {
        let dir = tempfile::tempdir().expect("dir");
        // With no warm-up the first day's questions come before anyone answered: none is ranked,
        // and each of the three is answered by a newcomer.
        let evaluation = evaluate(&tiny_forum(dir.path()), 0.0, 7).expect("evaluate");
        assert!(evaluation.note.starts_with("Rolling: 57 questions from 2020-01-01"), "{}", evaluation.note);
        assert!(evaluation.note.contains("(3 more were answered by a newcomer)"), "{}", evaluation.note);
    }
}
