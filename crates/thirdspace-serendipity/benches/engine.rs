//! The engine's speed on populations sampled from real offer/need profiles (the developer
//! survey's "worked with" / "want to work with" answers).
//!
//! `cargo bench -p thirdspace-serendipity`

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use thirdspace_serendipity::index::{top, NetworkIndex};
use thirdspace_serendipity::network::Network;
use thirdspace_serendipity::person::{term_label, terms, Person};
use thirdspace_serendipity::round::round;
use thirdspace_serendipity::route::{Candidate, Help, Router};
use thirdspace_serendipity::score::{Exclusions, FitMatrix};
use thirdspace_serendipity::vocabulary::{shipped, Term};

/// The survey's profiles: offers and needs as typed.
fn survey() -> Vec<(Vec<String>, Vec<String>)> {
    include_str!("data/survey_profiles.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(o, n)| (o.split('|').map(str::to_owned).collect(), n.split('|').map(str::to_owned).collect()))
        .collect()
}

/// A person drawn from a random survey profile: a few of its offers and needs.
fn draw(rng: &mut StdRng, profiles: &[(Vec<Term>, Vec<Term>)], id: u128) -> Person {
    let (offers, needs) = &profiles[rng.gen_range(0..profiles.len())];
    let pick = |rng: &mut StdRng, from: &[Term], n: usize| from.choose_multiple(rng, n).cloned().collect::<Vec<_>>();
    let v = shipped();
    let mut p = Person::new::<&str>(v, id, &format!("p{id}"), &[], &[]);
    p.offers = pick(rng, offers, 6);
    p.needs = pick(rng, needs, 3);
    p.field = Some(["software", "data", "design", "ops"][rng.gen_range(0..4)].to_owned());
    p
}

fn profiles() -> Vec<(Vec<Term>, Vec<Term>)> {
    let v = shipped();
    survey().iter().map(|(o, n)| (terms(v, o), terms(v, n))).collect()
}

fn normalisation(c: &mut Criterion) {
    let v = shipped();
    let mut typed: Vec<String> = Vec::new();
    for (offers, needs) in survey() {
        for t in offers.iter().chain(&needs) {
            typed.push(t.clone());
            typed.push(format!("  {}  ", t.to_uppercase()));
        }
    }
    typed.extend(["JS", "k8s", "Search Engine Optimisation", "pitch decks", "bookeeping"].map(String::from));
    let mut group = c.benchmark_group("vocabulary");
    group.throughput(Throughput::Elements(typed.len() as u64));
    group.bench_function("normalise survey tags", |b| {
        b.iter(|| {
            for t in &typed {
                black_box(v.normalise(t));
            }
        })
    });
    group.finish();
}

fn venue_round(c: &mut Criterion) {
    let v = shipped();
    let profiles = profiles();
    let mut rng = StdRng::seed_from_u64(7);
    let people: Vec<Person> = (0..1000).map(|i| draw(&mut rng, &profiles, i)).collect();
    let intros = round(v, &people, &Exclusions::new(), 2);
    eprintln!("a round of 1,000 people: {} intros", intros.len());
    c.bench_function("fit matrix of 1,000 people present", |b| b.iter(|| black_box(FitMatrix::new(v, &people))));
    c.bench_function("round of 1,000 people present, cap 2", |b| {
        b.iter(|| black_box(round(v, &people, &Exclusions::new(), 2)))
    });
}

/// Routing a question among the 1,000 people the server scores in full at most (here and the
/// network's best): each with survey offers, words and up to 20 times they helped in the last year.
fn question_routing(c: &mut Criterion) {
    let v = shipped();
    let profiles = profiles();
    let mut rng = StdRng::seed_from_u64(17);
    let now = 400 * 86_400;
    let candidates: Vec<Candidate> = (0..1000)
        .map(|i| {
            let p = draw(&mut rng, &profiles, i);
            let text = p.offers.iter().map(|t| term_label(v, t)).collect::<Vec<_>>().join(" ");
            let helps: Vec<Help> = (0..rng.gen_range(0..20))
                .map(|_| Help {
                    at: now - rng.gen_range(0..365 * 86_400),
                    topics: p.offers.iter().take(1).cloned().collect(),
                })
                .collect();
            let helped = helps.len() as u32;
            Candidate { offers: p.offers, text, helps, helped }
        })
        .collect();
    c.bench_function("route a question among 1,000 candidates", |b| {
        b.iter_batched(
            || draw(&mut rng, &profiles, 0).needs,
            |needs| {
                let router = Router::new(&candidates, now);
                black_box(router.scored(v, &needs, "how do I deploy a web service with a database", |_| false))
            },
            BatchSize::SmallInput,
        )
    });
}

fn network_query(c: &mut Criterion) {
    let v = shipped();
    let profiles = profiles();
    let mut rng = StdRng::seed_from_u64(11);
    let mut index = NetworkIndex::new();
    for i in 0..1_000_000u32 {
        let p = draw(&mut rng, &profiles, u128::from(i));
        index.add(&p.offers);
    }
    eprintln!(
        "network index of {} profiles: {} bytes, {:.1} bytes per profile",
        index.len(),
        index.memory_bytes(),
        index.memory_bytes() as f64 / index.len() as f64
    );
    c.bench_function("who offers what is needed, 1,000,000 profiles, top 10", |b| {
        b.iter_batched(
            || draw(&mut rng, &profiles, 0).needs,
            |needs| black_box(top(index.fits(v, &needs), 10)),
            BatchSize::SmallInput,
        )
    });
}

/// The server's index of the network's people: 1,000,000 of them, changing.
fn network_people(c: &mut Criterion) {
    let v = shipped();
    let profiles = profiles();
    let mut rng = StdRng::seed_from_u64(13);
    let mut network = Network::new();
    let started = std::time::Instant::now();
    for i in 0..1_000_000u128 {
        let p = draw(&mut rng, &profiles, i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        network.put(p.id, &p.offers, &p.needs);
    }
    eprintln!(
        "network of {} people built in {:.2?}: {} bytes, {:.1} bytes per person",
        network.len(),
        started.elapsed(),
        network.memory_bytes(),
        network.memory_bytes() as f64 / network.len() as f64
    );
    c.bench_function("network partners, 1,000,000 people, top 100", |b| {
        b.iter_batched(
            || draw(&mut rng, &profiles, 0),
            |me| black_box(network.partners(v, &me.offers, &me.needs, 100, |_| false)),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("network offering, 1,000,000 people, top 200", |b| {
        b.iter_batched(
            || draw(&mut rng, &profiles, 0).needs,
            |needs| black_box(network.offering(v, &needs, 200, |_| false)),
            BatchSize::SmallInput,
        )
    });
    let mut next = 0u128;
    c.bench_function("network profile saved, 1,000,000 people", |b| {
        b.iter_batched(
            || {
                next += 1;
                draw(&mut rng, &profiles, (next % 1_000_000).wrapping_mul(0x9E37_79B9_7F4A_7C15))
            },
            |p| network.put(p.id, &p.offers, &p.needs),
            BatchSize::SmallInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = normalisation, venue_round, question_routing, network_query, network_people
}
criterion_main!(benches);
