//! The engine's rules, as properties over random populations drawn from a small pool of real tags.

use proptest::prelude::*;
use thirdspace_serendipity::person::{term_label, terms, Person};
use thirdspace_serendipity::round::{round, suggestions_for, tables};
use thirdspace_serendipity::route::{Candidate, Help, Router};
use thirdspace_serendipity::score::{allowed, fit, pair_score, Exclusions, FitMatrix, Intro};
use thirdspace_serendipity::vocabulary::shipped;

const TAGS: &[&str] = &[
    "bookkeeping",
    "vat",
    "tax",
    "finance",
    "ux",
    "figma",
    "javascript",
    "react",
    "python",
    "kubernetes",
    "docker",
    "seo",
    "copywriting",
    "public speaking",
    "pitch deck",
    "fundraising",
    "photography",
    "contracts",
    "gdpr",
    "machine learning",
    "sql",
    "marketing",
    "branding",
    "illustration",
];
const FIELDS: &[&str] = &["finance", "design", "software", "law", "media"];

/// Offers, needs (indexes into [`TAGS`]), field, open to meet, visible.
type Drawn = (Vec<usize>, Vec<usize>, Option<usize>, bool, bool);

fn person() -> impl Strategy<Value = Drawn> {
    (
        proptest::collection::vec(0..TAGS.len(), 0..5),
        proptest::collection::vec(0..TAGS.len(), 0..4),
        proptest::option::of(0..FIELDS.len()),
        proptest::bool::weighted(0.9),
        proptest::bool::weighted(0.9),
    )
}

fn people(raw: &[Drawn]) -> Vec<Person> {
    let v = shipped();
    raw.iter()
        .enumerate()
        .map(|(i, (offers, needs, field, open, visible))| {
            let offers: Vec<&str> = offers.iter().map(|&t| TAGS[t]).collect();
            let needs: Vec<&str> = needs.iter().map(|&t| TAGS[t]).collect();
            let mut p = Person::new(v, i as u128, &format!("Person{i}"), &offers, &needs);
            p.field = field.map(|f| FIELDS[f].to_owned());
            p.open_to_meet = *open;
            p.visible = *visible;
            p
        })
        .collect()
}

fn exclusions(people: &[Person], pairs: &[(usize, usize)]) -> Exclusions {
    let mut ex = Exclusions::new();
    for &(a, b) in pairs {
        if a < people.len() && b < people.len() {
            ex.add(people[a].id, people[b].id);
        }
    }
    ex
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn a_round_never_suggests_an_excluded_pair_and_respects_the_cap(
        raw in proptest::collection::vec(person(), 2..40),
        excluded in proptest::collection::vec((0usize..40, 0usize..40), 0..30),
        cap in 1usize..4,
    ) {
        let v = shipped();
        let people = people(&raw);
        let ex = exclusions(&people, &excluded);
        let intros = round(v, &people, &ex, cap);
        let mut count = vec![0usize; people.len()];
        for intro in &intros {
            prop_assert!(allowed(&people, intro.a, intro.b, &ex), "{:?} was suggested", (intro.a, intro.b));
            prop_assert!(intro.score > 0.0);
            count[intro.a] += 1;
            count[intro.b] += 1;
        }
        prop_assert!(count.iter().all(|&c| c <= cap));
        let mut pairs: Vec<(usize, usize)> = intros.iter().map(|i| (i.a.min(i.b), i.a.max(i.b))).collect();
        let before = pairs.len();
        pairs.sort();
        pairs.dedup();
        prop_assert_eq!(pairs.len(), before, "a pair was suggested twice");
    }

    #[test]
    fn the_indexed_fits_equal_the_fits_computed_pair_by_pair(raw in proptest::collection::vec(person(), 2..25)) {
        let v = shipped();
        let people = people(&raw);
        let fast = FitMatrix::new(v, &people);
        for (r, receiver) in people.iter().enumerate() {
            for (g, giver) in people.iter().enumerate() {
                if g == r || !giver.may_be_introduced() || !receiver.may_be_introduced() {
                    continue;
                }
                let slow = fit(v, giver, receiver).score;
                let indexed = fast.get(g, r);
                prop_assert!((slow - indexed).abs() < 1e-5, "{} for {}: {} vs {}", g, r, slow, indexed);
            }
        }
    }

    #[test]
    fn pair_scores_are_symmetric(ab in 0.0f32..1.0, ba in 0.0f32..1.0, shared in 0usize..4, diverse: bool) {
        prop_assert_eq!(pair_score(ab, ba, shared, diverse), pair_score(ba, ab, shared, diverse));
    }

    #[test]
    fn reasons_name_only_terms_that_really_matched(raw in proptest::collection::vec(person(), 2..20)) {
        let v = shipped();
        let people = people(&raw);
        for intro in round(v, &people, &Exclusions::new(), 3) {
            let reason = intro.reason(v, &people).read_by(Some(people[intro.a].id), |id| format!("Person{id}"));
            let named: Vec<&str> = intro.matched_terms().into_iter().map(|t| term_label(v, t)).collect();
            for tag in TAGS {
                let canonical = terms(v, &[*tag]).first().map(|t| term_label(v, t).to_owned()).unwrap_or_default();
                if reason.contains(&format!(" {canonical},")) || reason.contains(&format!(" {canonical};")) {
                    prop_assert!(named.contains(&canonical.as_str()), "{} names {}", reason, canonical);
                }
            }
        }
    }

    #[test]
    fn suggestions_for_me_never_include_excluded_hidden_or_closed_people(
        raw in proptest::collection::vec(person(), 2..30),
        excluded in proptest::collection::vec((0usize..1, 0usize..30), 0..10),
    ) {
        let v = shipped();
        let people = people(&raw);
        let ex = exclusions(&people, &excluded);
        for intro in suggestions_for(v, &people, 0, &ex, 5) {
            prop_assert!(allowed(&people, intro.a, intro.b, &ex));
        }
    }

    #[test]
    fn tables_seat_everyone_who_may_be_introduced_exactly_once(raw in proptest::collection::vec(person(), 0..30), size in 3usize..5) {
        let v = shipped();
        let people = people(&raw);
        let seated: Vec<usize> = tables(v, &people, &Exclusions::new(), size).into_iter().inspect(|t| assert!(t.len() <= size)).flatten().collect();
        let mut expected: Vec<usize> = (0..people.len()).filter(|&i| people[i].may_be_introduced()).collect();
        let mut got = seated.clone();
        got.sort();
        expected.sort();
        prop_assert_eq!(got, expected);
    }
}

#[test]
fn a_reciprocal_pair_beats_a_one_way_pair_of_the_same_strength() {
    assert!(pair_score(0.8, 0.8, 0, false) > pair_score(0.8, 0.0, 0, false));
    assert!(pair_score(0.8, 0.0, 0, false) > 0.0, "a strong one-way help intro is still allowed");
    assert!(pair_score(0.5, 0.5, 0, true) > pair_score(0.5, 0.5, 0, false), "different fields add a bonus");
    assert_eq!(pair_score(0.0, 0.0, 2, true), 0.0, "interests and diversity never make an intro alone");
}

#[test]
fn the_reason_says_who_offers_what_the_other_looks_for() {
    let v = shipped();
    let people = vec![
        Person::new(v, 1, "Anna", &["bookkeeping"], &["ux"]),
        Person::new(v, 2, "Ben", &["user experience design"], &["VAT"]),
    ];
    let intro = Intro::new(v, &people, 0, 1);
    let reason = intro.reason(v, &people).read_by(Some(2), |_| "Anna".to_owned());
    assert!(reason.contains("Anna offers bookkeeping; you are looking for VAT"), "{reason}");
    assert!(reason.contains("and you offer UX, which Anna is looking for"), "{reason}");
}

#[test]
fn each_side_reads_the_reason_in_its_own_words_and_the_room_in_the_third_person() {
    let v = shipped();
    let people = vec![
        Person::new(v, 1, "Nadia Ziani", &["photography"], &["copywriting"]),
        Person::new(v, 2, "Jun Huang", &["copywriting"], &["photography"]),
    ];
    let reason = Intro::new(v, &people, 0, 1).reason(v, &people);
    let first = |id: u128| if id == 1 { "Nadia".to_owned() } else { "Jun".to_owned() };
    assert_eq!(
        reason.read_by(Some(1), first),
        "You offer photography, which Jun is looking for; and Jun offers copywriting, which you are looking for."
    );
    assert_eq!(
        reason.read_by(Some(2), first),
        "Nadia offers photography, which you are looking for; and you offer copywriting, which Nadia is looking for."
    );
    assert_eq!(
        reason.read_by(None, first),
        "Nadia offers photography, which Jun is looking for; and Jun offers copywriting, which Nadia is looking for."
    );
}

#[test]
fn a_reason_read_back_from_its_stored_form_reads_the_same() {
    let v = shipped();
    let mut people = vec![
        Person::new(v, u128::MAX - 1, "Anna", &["bookkeeping"], &["ux"]),
        Person::new(v, 7, "Ben", &["user experience design"], &["VAT"]),
    ];
    people[0].field = Some("finance".into());
    people[1].field = Some("design".into());
    let reason = Intro::new(v, &people, 0, 1).reason(v, &people);
    let stored = serde_json::to_string(&reason).unwrap();
    let back: thirdspace_serendipity::score::Reason = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, reason);
    assert!(back.read_by(None, |id| id.to_string()).ends_with("Different fields meet: finance and design."));
}

#[test]
fn tables_are_even_and_seat_people_who_declined_each_other_apart() {
    let v = shipped();
    let people: Vec<Person> = (0..5).map(|i| Person::new(v, i, &format!("P{i}"), &["vat"], &["vat"])).collect();
    let mut ex = Exclusions::new();
    ex.add(0, 1);
    let seated = tables(v, &people, &ex, 4);
    let sizes: Vec<usize> = seated.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![3, 2], "five people at tables of four sit three and two, not four and one");
    assert!(seated.iter().all(|t| !(t.contains(&0) && t.contains(&1))), "{seated:?}");
}

#[test]
fn the_same_person_twice_is_never_introduced_to_themselves() {
    let v = shipped();
    let people = vec![Person::new(v, 7, "Ann", &["tax"], &["vat"]), Person::new(v, 7, "Ann", &["vat"], &["tax"])];
    assert!(round(v, &people, &Exclusions::new(), 2).is_empty());
}

#[test]
fn an_expert_is_not_swamped_in_a_round() {
    let v = shipped();
    let mut people = vec![Person::new(v, 0, "Expert", &["vat", "bookkeeping", "tax"], &[])];
    for i in 1..10 {
        people.push(Person::new(v, i, &format!("Seeker{i}"), &[], &["vat"]));
    }
    let intros = round(v, &people, &Exclusions::new(), 2);
    assert_eq!(intros.iter().filter(|i| i.a == 0 || i.b == 0).count(), 2);
}

#[test]
fn someone_helping_this_week_with_a_near_fit_outranks_a_perfect_profile_that_never_helps() {
    let v = shipped();
    let now = 100 * 86_400;
    let candidates = vec![
        Candidate { offers: terms(v, &["vat"]), text: String::new(), helps: Vec::new(), helped: 0 },
        Candidate {
            offers: terms(v, &["tax"]),
            text: String::new(),
            helps: vec![Help { at: now - 86_400, topics: Vec::new() }; 2],
            helped: 2,
        },
    ];
    let ranked = Router::new(&candidates, now).rank(v, &terms(v, &["vat"]), "", |_| false);
    assert_eq!(ranked, vec![1, 0]);
}

#[test]
fn two_people_may_be_introduced_only_when_both_are_open_visible_and_not_excluded() {
    let v = shipped();
    let base =
        || vec![Person::new(v, 1, "Ana", &["python"], &["rust"]), Person::new(v, 2, "Bo", &["rust"], &["python"])];
    let none = Exclusions::new();
    assert!(allowed(&base(), 0, 1, &none));
    assert!(!allowed(&base(), 0, 0, &none), "nobody meets themselves");
    let mut hidden = base();
    hidden[1].visible = false;
    assert!(!allowed(&hidden, 0, 1, &none));
    let mut closed = base();
    closed[0].open_to_meet = false;
    assert!(!allowed(&closed, 0, 1, &none));
    let mut declined = Exclusions::new();
    declined.add(2, 1);
    assert!(!allowed(&base(), 0, 1, &declined));
}

#[test]
fn shared_interests_are_those_both_hold() {
    let v = shipped();
    let mut ana = Person::new(v, 1, "Ana", &["python"], &["rust"]);
    let mut bo = Person::new(v, 2, "Bo", &["rust"], &["python"]);
    ana.interests = terms(v, &["cycling", "chess"]);
    bo.interests = terms(v, &["chess", "baking"]);
    assert_eq!(thirdspace_serendipity::score::shared_interests(&ana, &bo), terms(v, &["chess"]));
}

#[test]
fn a_pair_scores_the_harmonic_mean_or_half_its_one_way_fit_plus_a_little_for_interests_and_fields() {
    let close = |x: f32, y: f32| (x - y).abs() < 1e-6;
    // Reciprocal: 2·0.6·0.3 / 0.9 = 0.4, above half of 0.6.
    assert!(close(pair_score(0.6, 0.3, 0, false), 0.4), "{}", pair_score(0.6, 0.3, 0, false));
    // One way: half of the fit.
    assert!(close(pair_score(0.0, 0.6, 0, false), 0.3));
    // Reciprocal but lopsided: half of the stronger fit wins (2·0.9·0.1 / 1.0 = 0.18 < 0.45).
    assert!(close(pair_score(0.9, 0.1, 0, false), 0.45));
    // One shared interest adds 0.04, at most two count, a different field 0.08.
    assert!(close(pair_score(0.6, 0.3, 1, false), 0.44));
    assert!(close(pair_score(0.6, 0.3, 5, true), 0.4 + 0.08 + 0.08));
}

#[test]
fn my_suggestions_are_the_best_fits_first_and_only_those_who_fit() {
    let v = shipped();
    let people = vec![
        Person::new(v, 1, "Me", &["python"], &["seo"]),
        Person::new(v, 2, "Both ways", &["seo"], &["python"]),
        Person::new(v, 3, "One way", &["seo"], &[]),
        Person::new(v, 4, "Nothing shared", &["photography"], &["illustration"]),
    ];
    let others = |k| suggestions_for(v, &people, 0, &Exclusions::new(), k).iter().map(|i| i.b).collect::<Vec<_>>();
    assert_eq!(others(5), vec![1, 2], "the reciprocal pair first, nobody who fits nothing");
    assert_eq!(others(1), vec![1]);
}

#[test]
fn a_round_introduces_a_pair_that_fits_one_way_only_whichever_comes_first() {
    let v = shipped();
    let giver = Person::new(v, 1, "Giver", &["vat"], &[]);
    let seeker = Person::new(v, 2, "Seeker", &[], &["vat"]);
    for people in [vec![giver.clone(), seeker.clone()], vec![seeker, giver]] {
        let intros = round(v, &people, &Exclusions::new(), 1);
        assert_eq!(intros.len(), 1, "the giver first: {}", people[0].id == 1);
        assert!((intros[0].score - pair_score(1.0, 0.0, 0, false)).abs() < 1e-6);
    }
}

#[test]
fn a_giver_goes_to_whom_they_fit_best_though_a_weaker_fit_comes_first_in_the_list() {
    let v = shipped();
    let people = vec![
        Person::new(v, 1, "Giver", &["vat"], &[]),
        Person::new(v, 2, "Near", &[], &["tax"]),
        Person::new(v, 3, "Exact", &[], &["vat"]),
    ];
    let intros = round(v, &people, &Exclusions::new(), 1);
    assert_eq!(intros.iter().map(|i| (i.a.min(i.b), i.a.max(i.b))).collect::<Vec<_>>(), vec![(0, 2)]);
}

#[test]
fn a_round_takes_the_strongest_pairs_first_each_person_up_to_the_cap() {
    let v = shipped();
    let people = vec![
        Person::new(v, 1, "A", &["vat"], &["ux"]),
        Person::new(v, 2, "B", &["ux"], &["vat"]),
        Person::new(v, 3, "C", &["seo"], &["copywriting"]),
        Person::new(v, 4, "D", &["copywriting"], &["seo"]),
        Person::new(v, 5, "E", &[], &["vat"]),
    ];
    let pairs = |cap| {
        let mut pairs: Vec<(usize, usize)> =
            round(v, &people, &Exclusions::new(), cap).iter().map(|i| (i.a.min(i.b), i.a.max(i.b))).collect();
        pairs.sort_unstable();
        pairs
    };
    // One each: the two reciprocal pairs; E, who only needs what A gives, waits.
    assert_eq!(pairs(1), vec![(0, 1), (2, 3)]);
    // Two each: A has room for E too.
    assert_eq!(pairs(2), vec![(0, 1), (0, 4), (2, 3)]);
}
