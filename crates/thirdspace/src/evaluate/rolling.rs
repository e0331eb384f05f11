//! The rolling protocol, the default of `evaluate-matching`: questions in time order; the first
//! share only teach (the warm-up); every later question whose accepted answer comes from someone
//! who had answered before it was asked is routed among everyone who had answered before then,
//! from what had happened before then alone (answers, their questions' tags, titles and bodies).
//! The asker is never a candidate. The engine and four baselines rank the same people for the
//! same question.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Result};
use thirdspace_serendipity::person::terms;
use thirdspace_serendipity::route::{Candidate, Help, Model, Router};
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
        let topics = terms(shipped(), &question.tags);
        if self.tags.len() > known {
            candidate.offers = terms(shipped(), &self.tags);
        }
        candidate.helps.push(Help { at: answer.at, topics });
        candidate.helped += 1;
        candidate.text.push_str(&question.title);
        candidate.text.push(' ');
        candidate.text.push_str(&answer.body);
        candidate.text.push(' ');
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
        cosine + 0.05 * (c.helps.len() as f64).ln_1p()
    }))
}

/// Runs the rolling evaluation with the engine's `model`; `warmup` of the questions (by date)
/// only teach.
pub fn evaluate(path: &Path, warmup: f64, seed: u64, model: Model) -> Result<Evaluation> {
    Ok(walk(path, warmup, seed, model, &[])?.0)
}

/// The rolling evaluation, and for each of `tried` the rank it gave the right person of each
/// question evaluated, in the same order.
fn walk(path: &Path, warmup: f64, seed: u64, model: Model, tried: &[Model]) -> Result<(Evaluation, Vec<Vec<usize>>)> {
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
    let mut tried_ranks: Vec<Vec<usize>> = vec![Vec::new(); tried.len()];
    let (mut next, mut asked, mut unreachable) = (0, 0, 0);
    for question in &questions[first..] {
        // Everything answered before this question was asked, to questions asked before it.
        while let Some(answer) = answers.get(next).filter(|a| a.created < question.created) {
            next += 1;
            let Some(&q) = question_of.get(&answer.parent) else { continue };
            let (Some(owner), true) = (answer.owner, questions[q].created < question.created) else { continue };
            let i = *index.entry(owner).or_insert_with(|| {
                records.push(Record::default());
                candidates.push(Candidate::default());
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
        let router = Router::with_model(model, &candidates, question.at);
        let engine: Vec<usize> = router
            .rank(vocabulary, &needs, &text, |p| Some(p as usize) == asker)
            .into_iter()
            .map(|p| p as usize)
            .collect();
        let tf_idf = tf_idf(&records, &candidates, &df, &question_terms(question));
        let wanted: HashSet<&str> = question.tags.iter().map(String::as_str).collect();
        let jaccard = ranked(records.iter().map(|r| jaccard(&r.tags.iter().map(String::as_str).collect(), &wanted)));
        let active = ranked(candidates.iter().map(|c| c.helps.len() as f64));
        let random = shuffled(records.len(), seed, question.id);
        for (method, order) in methods.iter_mut().zip([&engine, &tf_idf, &jaccard, &active, &random]) {
            method.ranks.push(rank_in(order));
        }
        if !tried.is_empty() {
            let parts = router.fit_parts(vocabulary, &needs, &text);
            let parts: Vec<(f32, f32)> =
                (0..candidates.len() as u32).map(|p| parts.get(&p).copied().unwrap_or_default()).collect();
            // Recent help depends on two of the constants only: worked out once for each pair.
            let mut recent: HashMap<(u32, u32), Vec<f32>> = HashMap::new();
            for (ranks, m) in tried_ranks.iter_mut().zip(tried) {
                let help = recent.entry((m.recency_days.to_bits(), m.topic.to_bits())).or_insert_with(|| {
                    candidates.iter().map(|c| m.recent_help(&c.helps, &needs, question.at)).collect()
                });
                let scores: Vec<f32> =
                    parts.iter().zip(help.iter()).map(|(&(tags, words), &h)| m.score(m.fit(tags, words), h)).collect();
                ranks.push(rank_of(&scores, target, asker));
            }
        }
    }
    let evaluated = asked - unreachable;
    if evaluated == 0 {
        bail!("no question after the warm-up was answered by someone who had answered before");
    }
    let warm = questions[first].created.clone();
    let evaluation = Evaluation {
        methods,
        note: format!(
            "Rolling: {evaluated} questions from {warm} on, each answered by someone who had answered before it \
             was asked ({unreachable} more were answered by a newcomer); {} people had answered by the last.",
            records.len()
        ),
    };
    Ok((evaluation, tried_ranks))
}

/// Where `target` ranks by `scores`, best first (0 = first), `asker` left out: ties go to the
/// lower number, as the engine's ranking does.
fn rank_of(scores: &[f32], target: usize, asker: Option<usize>) -> usize {
    let t = scores[target];
    scores
        .iter()
        .enumerate()
        .filter(|&(p, &s)| p != target && Some(p) != asker && (s > t || (s == t && p < target)))
        .count()
}

/// Routing constants as written on the command line: recency days, quiet, fit, text and topic,
/// separated by commas; every one a number, the recency days above 0, none below 0.
pub fn parse_model(text: &str) -> std::result::Result<Model, String> {
    let numbers: Vec<f32> = text
        .split(',')
        .map(|n| n.trim().parse::<f32>().map_err(|_| format!("{n:?} is not a number")))
        .collect::<std::result::Result<_, _>>()?;
    let [recency_days, quiet, fit, text, topic] = numbers[..] else {
        return Err(format!("five numbers are needed (recency days, quiet, fit, text, topic), not {}", numbers.len()));
    };
    if numbers.iter().any(|n| !n.is_finite() || *n < 0.0) || recency_days <= 0.0 {
        return Err("every constant is a finite number, none below 0, the recency days above 0".to_owned());
    }
    Ok(Model { recency_days, quiet, fit, text, topic })
}

/// The constants cross-validation chooses among: every combination of these.
pub fn grid() -> Vec<Model> {
    let mut out = Vec::new();
    for recency_days in [1.0, 3.0, 7.0, 14.0, 30.0, 90.0, 365.0] {
        for quiet in [0.01, 0.1, 0.5, 1.0] {
            for fit in [0.25, 0.5, 1.0, 2.0] {
                for text in [0.25, 0.5, 1.0] {
                    for topic in [0.0, 1.0] {
                        out.push(Model { recency_days, quiet, fit, text, topic });
                    }
                }
            }
        }
    }
    out
}

/// The mean reciprocal rank of `ranks` over the questions numbered in `span`.
fn mrr_over(ranks: &[usize], span: std::ops::Range<usize>) -> f64 {
    let n = span.len().max(1) as f64;
    ranks[span].iter().map(|&r| 1.0 / (r as f64 + 1.0)).sum::<f64>() / n
}

/// Cross-validation over time: the evaluated questions, in date order, fall into `folds` equal
/// spans; each span from the second on is routed with the constants of [`grid`] that did best
/// (by MRR) on every span before it, so no constant is chosen on the questions it is judged on.
/// A table of each span's choice and MRR, beside the shipped constants and the baselines on the
/// same questions.
pub fn cross_validate(path: &Path, warmup: f64, seed: u64, folds: usize) -> Result<String> {
    let tried = grid();
    let (evaluation, ranks) = walk(path, warmup, seed, Model::default(), &tried)?;
    let n = ranks[0].len();
    if folds < 2 || folds > n {
        bail!("{n} questions evaluated: cross-validation needs from 2 to {n} spans, not {folds}");
    }
    let bounds: Vec<usize> = (0..=folds).map(|k| k * n / folds).collect();
    let Some(shipped) = tried.iter().position(|m| *m == Model::default()) else {
        bail!("the shipped constants are not among those tried");
    };
    // A method's MRR over a span of the questions, as the table prints it.
    let of = |ranks: &[usize], span: std::ops::Range<usize>| format!("{:.3}", mrr_over(ranks, span));
    let baselines: Vec<Vec<usize>> = ["most active first", "tf-idf + activity"]
        .iter()
        .filter_map(|name| evaluation.methods.iter().find(|m| m.name == *name))
        .map(|m| m.ranks.iter().map(|r| r.unwrap_or(usize::MAX - 1)).collect())
        .collect();
    let mut out = String::from(
        "| span | questions | chosen: recency days, quiet, fit, text, topic | MRR, chosen | MRR, shipped | most active \
         first | tf-idf + activity |\n|---|---|---|---|---|---|---|\n",
    );
    let mut pooled: Vec<usize> = Vec::new();
    for k in 1..folds {
        let (before, span) = (0..bounds[k], bounds[k]..bounds[k + 1]);
        let best = (0..tried.len())
            .max_by(|&a, &b| {
                mrr_over(&ranks[a], before.clone()).total_cmp(&mrr_over(&ranks[b], before.clone())).then(b.cmp(&a))
            })
            .unwrap_or(shipped);
        let m = tried[best];
        pooled.extend_from_slice(&ranks[best][span.clone()]);
        let _ = writeln!(
            out,
            "| {} | {} | {}, {}, {}, {}, {} | {} | {} | {} |",
            k + 1,
            span.len(),
            m.recency_days,
            m.quiet,
            m.fit,
            m.text,
            m.topic,
            of(&ranks[best], span.clone()),
            of(&ranks[shipped], span.clone()),
            baselines.iter().map(|r| of(r, span.clone())).collect::<Vec<_>>().join(" | "),
        );
    }
    let rest = bounds[1]..n;
    let _ = writeln!(
        out,
        "| spans 2 to {folds} | {} | (each its own) | {} | {} | {} |\n\n{}",
        rest.len(),
        of(&pooled, 0..pooled.len()),
        of(&ranks[shipped], rest.clone()),
        baselines.iter().map(|r| of(r, rest.clone())).collect::<Vec<_>>().join(" | "),
        evaluation.note
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::tests::tiny_forum;

    #[test]
    fn each_question_reaches_the_expert_who_answered_before_it_and_every_method_ranks_it() {
        let dir = tempfile::tempdir().expect("dir");
        let evaluation = evaluate(&tiny_forum(dir.path()), 0.3, 7, Model::default()).expect("evaluate");
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
        let evaluation = evaluate(&tiny_forum(dir.path()), 0.0, 7, Model::default()).expect("evaluate");
        assert!(evaluation.note.starts_with("Rolling: 57 questions from 2020-01-01"), "{}", evaluation.note);
        assert!(evaluation.note.contains("(3 more were answered by a newcomer)"), "{}", evaluation.note);
    }

    #[test]
    fn constants_are_read_as_five_numbers_and_nonsense_is_refused() {
        assert_eq!(
            parse_model("7, 0.1,0.5,0.5,1"),
            Ok(Model { recency_days: 7.0, quiet: 0.1, fit: 0.5, text: 0.5, topic: 1.0 })
        );
        assert!(parse_model("7,0.1,0.5,0.5").unwrap_err().contains("five numbers"));
        assert!(parse_model("7,0.1,x,0.5,1").unwrap_err().contains("\"x\" is not a number"));
        assert!(parse_model("0,0.1,0.5,0.5,1").is_err(), "a memory of no time");
        assert!(parse_model("7,-1,0.5,0.5,1").is_err());
        assert!(parse_model("7,0.1,inf,0.5,1").is_err());
    }

    #[test]
    fn a_rank_counts_who_scores_above_and_ties_to_a_lower_number_leaving_out_the_asker() {
        assert_eq!(rank_of(&[0.5, 0.9, 0.2], 0, None), 1);
        assert_eq!(rank_of(&[0.5, 0.9, 0.2], 0, Some(1)), 0);
        assert_eq!(rank_of(&[0.5, 0.5, 0.5], 1, None), 1, "one tie below it in number");
        assert_eq!(rank_of(&[0.5, 0.5, 0.5], 0, None), 0);
        assert_eq!(rank_of(&[0.1, 0.2, 0.3], 0, Some(0)), 2, "the target is never its own asker here");
    }

    #[test]
    fn every_tried_model_is_judged_as_the_engine_ranks_and_cross_validation_chooses_on_earlier_spans_only() {
        let dir = tempfile::tempdir().expect("dir");
        let path = tiny_forum(dir.path());
        let tried = [Model::default(), Model { recency_days: 1.0, quiet: 0.01, fit: 0.25, text: 0.25, topic: 0.0 }];
        let (evaluation, ranks) = walk(&path, 0.3, 7, Model::default(), &tried).expect("walk");
        let engine: Vec<usize> = evaluation.methods[0].ranks.iter().map(|r| r.expect("ranked")).collect();
        assert_eq!(ranks[0], engine, "the shipped model scored apart ranks as the engine does");
        assert_eq!(ranks[1].len(), engine.len());
        assert!((mrr_over(&[0, 1, 3], 0..3) - (1.0 + 0.5 + 0.25) / 3.0).abs() < 1e-12);
        assert!((mrr_over(&[0, 1, 3], 1..3) - 0.375).abs() < 1e-12);

        let table = cross_validate(&path, 0.3, 7, 3).expect("cross-validate");
        // 42 questions in three spans of 14: the second and third are judged.
        assert!(table.contains("| 2 | 14 |") && table.contains("| 3 | 14 |"), "{table}");
        assert!(!table.contains("| 1 | 14 |"), "the first span only teaches: {table}");
        assert!(table.contains("| spans 2 to 3 | 28 | (each its own) | 1.000 | 1.000 |"), "{table}");
        assert!(cross_validate(&path, 0.3, 7, 100).is_err(), "more spans than questions");
        assert!(cross_validate(&path, 0.3, 7, 1).is_err(), "one span teaches nothing before it");
    }
}
