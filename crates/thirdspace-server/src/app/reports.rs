//! What spare seats produced: visits and seat-hours given for social capital, knowledge
//! exchanged, introductions and what came of them, questions, outcomes, and how many different
//! fields met, by day, week or month. A venue's report is cut in the venue's time zone; the
//! network's (its admins) and a member's own in UTC. People are only counted.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use thirdspace_domain::hours::{self, ClockTime};
use thirdspace_domain::outcome::Category;
use thirdspace_domain::report::{self, By};
use thirdspace_domain::venue::DayPass;
use thirdspace_store::{DayTotals, Reports, Scope, User, VenueFacts};
use uuid::Uuid;

use super::{access, AppError, AppResult};
use crate::AppState;

/// The figures of one period (or of the whole range).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub visits: u32,
    /// Different people who came.
    pub coworkers: u32,
    /// Hours of seats given for social capital, from check-in (or the booking's start) to
    /// check-out (or its end).
    pub seat_hours: f64,
    /// Exchanges of knowledge confirmed at the venue.
    pub exchanges: u32,
    pub intros_suggested: u32,
    pub intros_accepted: u32,
    pub intros_met: u32,
    pub intros_useful: u32,
    pub questions_asked: u32,
    pub questions_answered: u32,
    /// Outcomes shared with the venue or everyone.
    pub outcomes: u32,
    /// Visits whose visitor said they shared what they pledged.
    pub pledges_kept: u32,
    /// Visits of the venue's residents (not counted in `visits`, `coworkers` or `seat_hours`: they
    /// take no seat kept for social capital).
    pub resident_visits: u32,
    /// Exchanges confirmed here that a resident gave, and that a resident received.
    pub residents_gave: u32,
    pub residents_received: u32,
    /// What the visits were worth at the venue's day-pass price (one pass a visit), in the
    /// currency's smallest unit; none where the venue sets no price.
    pub seats_worth_minor: Option<u64>,
}

/// A report over a range of dates: a venue's (in its time zone), the network's or a member's (in
/// UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The venue a venue's report is about.
    pub venue_id: Option<Uuid>,
    /// The day-pass price the seats' worth is counted at.
    pub day_pass: Option<DayPass>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: By,
    /// Each period by its first day, in order.
    pub periods: Vec<(NaiveDate, Figures)>,
    pub total: Figures,
    /// Topics of the exchanges, most exchanged first (at most 20).
    pub topics: Vec<(String, u32)>,
    pub outcomes: Vec<(Category, u32)>,
    /// Different pairs of fields whose people met through an introduction here.
    pub fields_met: u32,
}

type Periods = BTreeMap<NaiveDate, (Figures, HashSet<Uuid>)>;

/// Adds to the period starting on `start` (when the fact falls in the range) and to the total.
fn tally(periods: &mut Periods, total: &mut Figures, start: Option<NaiveDate>, add: impl Fn(&mut Figures)) {
    let Some(start) = start else { return };
    if let Some((period, _)) = periods.get_mut(&start) {
        add(period);
    }
    add(total);
}

/// Adds `facts` up, each in the period (in `tz`) it happened in; anything outside `[from, to)`
/// in local dates is left out.
pub fn build(
    (venue_id, day_pass): (Uuid, Option<&DayPass>),
    facts: &VenueFacts,
    tz: chrono_tz::Tz,
    (from, to): (NaiveDate, NaiveDate),
    by: By,
) -> Report {
    let starts = report::periods(from, to, by);
    let mut figures: Periods = starts.iter().map(|s| (*s, (Figures::default(), HashSet::new()))).collect();
    let mut total = Figures::default();
    let mut everyone = HashSet::new();
    let slot = |at: i64| {
        let date = report::local_date(tz, at);
        (from <= date && date < to).then(|| report::period_start(date, by))
    };
    let residents: HashSet<Uuid> = facts.visits.iter().filter(|v| v.resident).map(|v| v.user).collect();
    for v in &facts.visits {
        let Some(start) = slot(v.starts_at) else { continue };
        if v.resident {
            tally(&mut figures, &mut total, Some(start), |f| f.resident_visits += 1);
            continue;
        }
        let span = v.checked_out_at.unwrap_or(v.ends_at).min(v.ends_at)
            - v.checked_in_at.unwrap_or(v.starts_at).max(v.starts_at);
        let hours = span.max(0) as f64 / 3600.0;
        let kept = u32::from(v.pledge_kept == Some(true));
        if let Some((period, people)) = figures.get_mut(&start) {
            period.visits += 1;
            period.seat_hours += hours;
            period.pledges_kept += kept;
            people.insert(v.user);
        }
        total.visits += 1;
        total.seat_hours += hours;
        total.pledges_kept += kept;
        everyone.insert(v.user);
    }
    let mut topics: BTreeMap<String, u32> = BTreeMap::new();
    for e in &facts.exchanges {
        if slot(e.at).is_some() {
            for tag in &e.tags {
                *topics.entry(tag.clone()).or_default() += 1;
            }
        }
        let (gave, received) = (residents.contains(&e.giver), residents.contains(&e.receiver));
        tally(&mut figures, &mut total, slot(e.at), |f| {
            f.exchanges += 1;
            f.residents_gave += u32::from(gave);
            f.residents_received += u32::from(received);
        });
    }
    let mut pairs = HashSet::new();
    for i in &facts.intros {
        let at = slot(i.created_at);
        tally(&mut figures, &mut total, at, |f| {
            f.intros_suggested += 1;
            f.intros_accepted += u32::from(i.accepted);
            f.intros_met += u32::from(i.met);
            f.intros_useful += u32::from(i.useful);
        });
        if let (true, Some(_), (Some(a), Some(b))) = (i.met, at, &i.fields) {
            if a != b {
                pairs.insert(if a < b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) });
            }
        }
    }
    for (asked, answered) in &facts.questions {
        tally(&mut figures, &mut total, slot(*asked), |f| {
            f.questions_asked += 1;
            f.questions_answered += u32::from(answered.is_some());
        });
    }
    let mut outcomes: BTreeMap<&'static str, (Category, u32)> = BTreeMap::new();
    for (at, category) in &facts.outcomes {
        if slot(*at).is_some() {
            outcomes.entry(category.as_str()).or_insert((*category, 0)).1 += 1;
        }
        tally(&mut figures, &mut total, slot(*at), |f| f.outcomes += 1);
    }
    total.coworkers = everyone.len() as u32;
    let worth = |visits| day_pass.map(|pass| pass.worth(visits));
    let periods = figures
        .into_iter()
        .map(|(start, (mut f, people))| {
            f.coworkers = people.len() as u32;
            f.seat_hours = (f.seat_hours * 10.0).round() / 10.0;
            f.seats_worth_minor = worth(f.visits);
            (start, f)
        })
        .collect();
    total.seat_hours = (total.seat_hours * 10.0).round() / 10.0;
    total.seats_worth_minor = worth(total.visits);
    let mut topics: Vec<(String, u32)> = topics.into_iter().collect();
    topics.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    topics.truncate(20);
    let mut outcomes: Vec<(Category, u32)> = outcomes.into_values().collect();
    outcomes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    Report {
        venue_id: Some(venue_id),
        day_pass: day_pass.cloned(),
        from,
        to,
        by,
        periods,
        total,
        topics,
        outcomes,
        fields_met: pairs.len() as u32,
    }
}

/// The report of a venue its owner or staff (or a network admin) asks for, over local dates
/// `[from, to)` (at most a year and a day).
pub async fn venue(
    state: &AppState,
    actor: &User,
    id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    by: By,
) -> AppResult<Report> {
    let (venue, _) = access::venue_for_staff(state, id, actor).await?;
    let (from, to) = report::range(from, to)?;
    let tz = access::time_zone(&venue)?;
    let midnight = ClockTime::of(chrono::NaiveTime::MIN);
    // A day either side: the local dates decide, the instants only bound the reading.
    let start = hours::instant(tz, from, midnight) - 86_400;
    let end = hours::instant(tz, to, midnight) + 86_400;
    let dates = (from - chrono::Duration::days(1), to + chrono::Duration::days(1));
    let facts = state.store.venue_facts(venue.id, dates, start, end).await?;
    Ok(build((venue.id, venue.day_pass.as_ref()), &facts, tz, (from, to), by))
}

/// Adds up a scope's day totals into periods: `visitors` says how many different people came in
/// each period (in order) and over the whole range.
pub fn from_days(
    totals: &DayTotals,
    (from, to): (NaiveDate, NaiveDate),
    by: By,
    (visitors, everyone): (&[u32], u32),
) -> Report {
    let starts = report::periods(from, to, by);
    let mut figures: BTreeMap<NaiveDate, (Figures, i64)> =
        starts.iter().map(|s| (*s, (Figures::default(), 0))).collect();
    let mut total = Figures::default();
    let mut seconds = 0;
    for (day, c) in &totals.days {
        let date = from + chrono::Duration::days(*day);
        if date < from || date >= to {
            continue;
        }
        let add = |f: &mut Figures| {
            f.visits += c.visits;
            f.resident_visits += c.resident_visits;
            f.pledges_kept += c.pledges_kept;
            f.exchanges += c.exchanges;
            f.intros_suggested += c.intros_suggested;
            f.intros_accepted += c.intros_accepted;
            f.intros_met += c.intros_met;
            f.intros_useful += c.intros_useful;
            f.questions_asked += c.questions_asked;
            f.questions_answered += c.questions_answered;
            f.outcomes += c.outcomes;
        };
        if let Some((period, period_seconds)) = figures.get_mut(&report::period_start(date, by)) {
            add(period);
            *period_seconds += c.seat_seconds;
        }
        add(&mut total);
        seconds += c.seat_seconds;
    }
    let hours = |seconds: i64| (seconds.max(0) as f64 / 360.0).round() / 10.0;
    let periods = figures
        .into_iter()
        .zip(visitors.iter().copied().chain(std::iter::repeat(0)))
        .map(|((start, (mut f, seconds)), people)| {
            f.seat_hours = hours(seconds);
            f.coworkers = people;
            (start, f)
        })
        .collect();
    total.seat_hours = hours(seconds);
    total.coworkers = everyone;
    Report {
        venue_id: None,
        day_pass: None,
        from,
        to,
        by,
        periods,
        total,
        topics: totals.topics.clone(),
        outcomes: totals.outcomes.clone(),
        fields_met: totals.fields_met,
    }
}

/// The UTC day `date` is, counted from 1 January 1970.
fn utc_day(date: NaiveDate) -> i64 {
    date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp().div_euclid(86_400)
}

/// The report of `scope` over UTC dates `[from, to)` (at most a year and a day), whoever asks.
pub async fn of_scope<S: Reports + ?Sized>(
    store: &S,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
    by: By,
) -> AppResult<Report> {
    let (from, to) = report::range(from, to)?;
    let totals = store.day_totals(scope, (utc_day(from), utc_day(to))).await?;
    let starts = report::periods(from, to, by);
    // Each period's span, then the whole range's.
    let mut spans: Vec<(i64, i64)> = starts
        .iter()
        .enumerate()
        .map(|(i, start)| (utc_day((*start).max(from)), utc_day(starts.get(i + 1).copied().unwrap_or(to).min(to))))
        .collect();
    spans.push((utc_day(from), utc_day(to)));
    let mut visitors = store.visitors(scope, &spans).await?;
    let everyone = visitors.pop().unwrap_or(0);
    Ok(from_days(&totals, (from, to), by, (&visitors, everyone)))
}

/// What the whole network's seats produced, for its admins.
pub async fn network(state: &AppState, actor: &User, from: NaiveDate, to: NaiveDate, by: By) -> AppResult<Report> {
    if !actor.is_admin {
        return Err(AppError::Forbidden("only the network's admins see its report"));
    }
    of_scope(&*state.store, Scope::Network, from, to, by).await
}

/// What coworking produced for the actor themselves: their visits, the exchanges they gave and
/// received, their introductions, questions and outcomes.
pub async fn member(state: &AppState, actor: &User, from: NaiveDate, to: NaiveDate, by: By) -> AppResult<Report> {
    of_scope(&*state.store, Scope::Member(actor.id), from, to, by).await
}

#[cfg(test)]
mod tests {
    use thirdspace_store::{ExchangeFact, IntroFact, Visit};

    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap_or_default()
    }

    /// Noon UTC on a day of November 2026.
    fn noon(day: u32) -> i64 {
        d(day).and_hms_opt(12, 0, 0).unwrap_or_default().and_utc().timestamp()
    }

    fn intro(day: u32, met: bool, fields: (&str, &str)) -> IntroFact {
        IntroFact {
            created_at: noon(day),
            accepted: met,
            met,
            useful: met,
            fields: (Some(fields.0.to_owned()), Some(fields.1.to_owned())),
        }
    }

    #[test]
    fn facts_add_up_by_week_in_the_venue_s_time_zone_and_outside_the_range_count_nowhere() {
        let (ana, bo, cy) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let visit = |user, day, checked_in: Option<i64>, checked_out: Option<i64>| Visit {
            user,
            starts_at: noon(day),
            ends_at: noon(day) + 4 * 3600,
            checked_in_at: checked_in,
            checked_out_at: checked_out,
            pledge_kept: checked_in.map(|_| user == ana),
            resident: false,
        };
        // 23:30 UTC on Sunday the 29th is Monday the 30th in Amsterdam: the next week.
        let late_sunday = d(29).and_hms_opt(23, 30, 0).unwrap_or_default().and_utc().timestamp();
        let facts = VenueFacts {
            visits: vec![
                visit(ana, 24, Some(noon(24) + 3600), Some(noon(24) + 2 * 3600)),
                visit(ana, 25, None, None),
                visit(bo, 25, Some(noon(25) - 600), None),
                Visit { starts_at: late_sunday, ends_at: late_sunday + 3600, ..visit(bo, 29, None, None) },
                visit(bo, 15, None, None),
                // Cy is a resident: their visit takes no seat kept for social capital.
                Visit { resident: true, ..visit(cy, 24, Some(noon(24)), None) },
            ],
            exchanges: vec![
                ExchangeFact { at: noon(24), tags: vec!["vat".into(), "sales".into()], giver: cy, receiver: ana },
                ExchangeFact { at: noon(30), tags: vec!["vat".into()], giver: ana, receiver: cy },
                ExchangeFact { at: noon(1), tags: vec!["gone".into()], giver: cy, receiver: bo },
            ],
            intros: vec![
                intro(24, true, ("design", "finance")),
                intro(24, true, ("finance", "design")),
                intro(25, false, ("law", "art")),
            ],
            questions: vec![(noon(24), Some(noon(24) + 60)), (noon(30), None)],
            outcomes: vec![(noon(30), Category::Client), (noon(24), Category::Skill), (noon(24), Category::Client)],
        };
        let pass = DayPass { price_minor: 1500, currency: "EUR".into() };
        let r = build(
            (Uuid::from_u128(9), Some(&pass)),
            &facts,
            chrono_tz::Europe::Amsterdam,
            (d(23), d(30) + chrono::Duration::days(7)),
            By::Week,
        );
        assert_eq!(r.periods.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [d(23), d(30)]);
        let (first, second) = (&r.periods[0].1, &r.periods[1].1);
        assert_eq!((first.visits, first.coworkers, second.visits), (3, 2, 1), "the late Sunday counts on Monday");
        assert_eq!(first.seat_hours, 1.0 + 4.0 + 4.0, "from check-in to check-out, within the booking");
        assert_eq!((r.total.visits, r.total.coworkers), (4, 2), "the visit of the 15th is outside the range");
        assert_eq!((first.exchanges, second.exchanges, r.total.exchanges), (1, 1, 2));
        assert_eq!(r.topics, [("vat".to_owned(), 2), ("sales".to_owned(), 1)], "most exchanged first");
        assert_eq!(
            (first.intros_suggested, first.intros_met, first.intros_useful, first.intros_accepted),
            (3, 2, 2, 2)
        );
        assert_eq!(r.fields_met, 1, "design and finance met twice: one pair; law and art did not meet");
        assert_eq!((first.questions_asked, first.questions_answered, second.questions_asked), (1, 1, 1));
        assert_eq!(r.outcomes, [(Category::Client, 2), (Category::Skill, 1)]);
        assert_eq!((first.outcomes, second.outcomes, r.total.outcomes), (2, 1, 3));
        assert_eq!((first.pledges_kept, r.total.pledges_kept), (1, 1), "Ana said she kept hers; Bo did not say yes");
        assert_eq!((first.resident_visits, r.total.resident_visits), (1, 1), "apart from the visits");
        assert_eq!((first.residents_gave, first.residents_received), (1, 0), "Cy gave on the 24th");
        assert_eq!((second.residents_gave, second.residents_received), (0, 1), "and received on the 30th");
        assert_eq!((r.total.residents_gave, r.total.residents_received), (1, 1), "the 1st is outside the range");
        assert_eq!((first.seats_worth_minor, second.seats_worth_minor), (Some(4500), Some(1500)), "a pass a visit");
        assert_eq!(r.total.seats_worth_minor, Some(6000));
        let unpriced = build((Uuid::from_u128(9), None), &facts, chrono_tz::UTC, (d(23), d(30)), By::Day);
        assert_eq!(unpriced.total.seats_worth_minor, None, "no price, no worth");
        assert_eq!(unpriced.periods.len(), 7, "one period a day");
        let visits: Vec<u32> = unpriced.periods.iter().map(|(_, f)| f.visits).collect();
        assert_eq!(visits, [0, 1, 2, 0, 0, 0, 1], "by day, in UTC the late Sunday is still Sunday");
    }

    #[test]
    fn day_totals_add_up_into_periods_with_their_visitors_and_the_range_bounds_them() {
        use thirdspace_store::DayCounts;
        let day = |visits, seat_seconds, exchanges| DayCounts {
            visits,
            seat_seconds,
            exchanges,
            pledges_kept: 1,
            intros_met: 2,
            resident_visits: 1,
            ..DayCounts::default()
        };
        // 23 November 2026 is a Monday: days 0–6 are its week, day 7 the next Monday.
        let totals = DayTotals {
            days: [(0, day(2, 7200, 1)), (6, day(1, 1800, 0)), (7, day(4, 3600, 3)), (9, day(9, 0, 9))].into(),
            topics: vec![("vat".into(), 4)],
            outcomes: vec![(Category::Job, 1)],
            fields_met: 3,
        };
        let r = from_days(&totals, (d(23), d(30) + chrono::Duration::days(2)), By::Week, (&[5, 2], 6));
        assert_eq!(r.venue_id, None);
        assert_eq!(r.periods.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [d(23), d(30)]);
        let (first, second) = (&r.periods[0].1, &r.periods[1].1);
        assert_eq!((first.visits, first.exchanges, first.seat_hours), (3, 1, 2.5));
        assert_eq!((second.visits, second.exchanges, second.seat_hours), (4, 3, 1.0), "day 9 is past the range");
        assert_eq!((first.coworkers, second.coworkers, r.total.coworkers), (5, 2, 6));
        assert_eq!((first.pledges_kept, r.total.pledges_kept, r.total.intros_met), (2, 3, 6));
        assert_eq!((r.total.visits, r.total.exchanges), (7, 4));
        assert_eq!((first.resident_visits, r.total.resident_visits), (2, 3), "kept apart from the visits");
        assert_eq!(
            (r.topics.clone(), r.outcomes.clone(), r.fields_met),
            (vec![("vat".to_owned(), 4)], vec![(Category::Job, 1)], 3)
        );
        assert_eq!(r.total.seats_worth_minor, None, "the network has no day pass");
    }
}
