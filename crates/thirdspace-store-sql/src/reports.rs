//! The facts a venue's report counts, read in a few statements.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::outcome::Category;
use thirdspace_store::*;
use uuid::Uuid;

use crate::rows::intro_answer;
use crate::{args, Backend, Columns, Sql, SqlStore, Value};

/// The arguments of a range read: `$1` the start, `$2` the end, then the scope's.
fn range_args(from: i64, to: i64, extra: Vec<Value>) -> Vec<Value> {
    let mut args = vec![Value::from(from), Value::from(to)];
    args.extend(extra);
    args
}

/// A count column read as `u32`.
fn count(r: &impl Columns, column: &str) -> StoreResult<u32> {
    Ok(r.opt_unsigned(column)?.unwrap_or(0))
}

/// The span a visit used its seat, in SQL: from check-in (or the start) to check-out (or the end),
/// within the booking, never below zero; the same rule as a venue's report applies row by row.
const SEAT_SECONDS: &str = "CASE WHEN used_to > used_from THEN used_to - used_from ELSE 0 END";

#[async_trait]
impl<B: Backend> Reports for SqlStore<B> {
    async fn venue_facts(
        &self,
        venue: Uuid,
        dates: (NaiveDate, NaiveDate),
        from: i64,
        to: i64,
    ) -> StoreResult<VenueFacts> {
        let mut c = self.read().await?;
        let range = args![venue, from, to];
        let mut facts = VenueFacts::default();
        let visits =
            "SELECT user_id, starts_at, ends_at, checked_in_at, checked_out_at, pledge_kept, resident FROM bookings \
                      WHERE venue_id = $1 AND date >= $4 AND date <= $5 AND status IN ('checked_in', 'checked_out') \
                      AND starts_at >= $2 AND starts_at < $3";
        for r in c.fetch_all(visits, args![venue, from, to, dates.0, dates.1]).await? {
            facts.visits.push(Visit {
                user: r.uuid("user_id")?,
                starts_at: r.int("starts_at")?,
                ends_at: r.int("ends_at")?,
                checked_in_at: r.opt_int("checked_in_at")?,
                checked_out_at: r.opt_int("checked_out_at")?,
                pledge_kept: r.opt_bool("pledge_kept")?,
                resident: r.bool("resident")?,
            });
        }
        let exchanges = "SELECT answered_at, tags, giver_id, receiver_id FROM exchanges WHERE venue_id = $1 AND status = 'confirmed' \
                         AND answered_at >= $2 AND answered_at < $3";
        for r in c.fetch_all(exchanges, range).await? {
            facts.exchanges.push(ExchangeFact {
                at: r.int("answered_at")?,
                tags: r.json("tags")?,
                giver: r.uuid("giver_id")?,
                receiver: r.uuid("receiver_id")?,
            });
        }
        let intros = "SELECT i.created_at, i.a_answer, i.b_answer, i.met_at, i.a_useful, i.b_useful, \
                      pa.field AS a_field, pb.field AS b_field FROM intros i \
                      JOIN profiles pa ON pa.user_id = i.person_a JOIN profiles pb ON pb.user_id = i.person_b \
                      WHERE i.venue_id = $1 AND i.created_at >= $2 AND i.created_at < $3";
        for r in c.fetch_all(intros, range).await? {
            let accepted = |column| intro_answer(&r, column).map(|a| a == IntroAnswer::Accepted);
            facts.intros.push(IntroFact {
                created_at: r.int("created_at")?,
                accepted: accepted("a_answer")? && accepted("b_answer")?,
                met: r.opt_int("met_at")?.is_some(),
                useful: r.opt_bool("a_useful")? == Some(true) || r.opt_bool("b_useful")? == Some(true),
                fields: (r.opt_text("a_field")?, r.opt_text("b_field")?),
            });
        }
        let questions = "SELECT created_at, answered_at FROM questions \
                         WHERE venue_id = $1 AND created_at >= $2 AND created_at < $3";
        for r in c.fetch_all(questions, range).await? {
            facts.questions.push((r.int("created_at")?, r.opt_int("answered_at")?));
        }
        let outcomes = "SELECT created_at, category FROM outcomes WHERE venue_id = $1 \
                        AND sharing IN ('venue', 'public') AND created_at >= $2 AND created_at < $3";
        for r in c.fetch_all(outcomes, range).await? {
            facts.outcomes.push((r.int("created_at")?, r.parsed("category", Category::from_str_opt)?));
        }
        Ok(facts)
    }

    async fn day_totals(&self, scope: Scope, days: (i64, i64)) -> StoreResult<DayTotals> {
        let mut c = self.read().await?;
        let mut totals = match scope {
            Scope::Network => network_days(&mut c, days).await?,
            Scope::Member(user) => member_days(&mut c, user, days).await?,
        };
        // The pairs of fields of the introductions that led to a meeting, in the fields the two
        // were in when they met.
        let (fields, extra) = match scope {
            Scope::Network => (
                "SELECT COUNT(*) AS n FROM (SELECT f.low FROM report_intro_fields f \
                 WHERE f.day >= $1 AND f.day < $2 GROUP BY f.low, f.high) pairs",
                Vec::new(),
            ),
            Scope::Member(user) => (
                "SELECT COUNT(*) AS n FROM (SELECT f.low FROM intros i JOIN report_intro_fields f ON f.intro_id = i.id \
                 WHERE (i.person_a = $3 OR i.person_b = $3) AND f.day >= $1 AND f.day < $2 GROUP BY f.low, f.high) pairs",
                vec![user.into()],
            ),
        };
        if let Some(r) = c.fetch_optional(fields, &range_args(days.0, days.1, extra)).await? {
            totals.fields_met = count(&r, "n")?;
        }
        Ok(totals)
    }

    async fn visitors(&self, scope: Scope, spans: &[(i64, i64)]) -> StoreResult<Vec<u32>> {
        let mut c = self.read().await?;
        let mut counts = vec![0; spans.len()];
        match scope {
            // Each person once per span: their first day in it, the one whose day before lies
            // outside it. The spans are numbers this function wrote, so they are written inline.
            Scope::Network if !spans.is_empty() => {
                let values: Vec<String> =
                    spans.iter().enumerate().map(|(k, (from, to))| format!("({k}, {from}, {to})")).collect();
                let sql = format!(
                    "WITH spans (k, first_day, end_day) AS (VALUES {}) \
                     SELECT s.k, COUNT(*) AS n FROM spans s JOIN report_visitor_days v \
                     ON v.day >= s.first_day AND v.day < s.end_day \
                     WHERE v.prev_day IS NULL OR v.prev_day < s.first_day GROUP BY s.k",
                    values.join(", ")
                );
                for r in c.fetch_all(&sql, &[]).await? {
                    if let Some(n) = usize::try_from(r.int("k")?).ok().and_then(|k| counts.get_mut(k)) {
                        *n = count(&r, "n")?;
                    }
                }
            }
            Scope::Network => {}
            // The member's own visit days over all the spans, read once: one of them in a span
            // makes them its one visitor.
            Scope::Member(user) => {
                let (Some(first), Some(end)) = (spans.iter().map(|s| s.0).min(), spans.iter().map(|s| s.1).max())
                else {
                    return Ok(counts);
                };
                let sql = "SELECT DISTINCT starts_at / 86400 AS day FROM bookings WHERE status IN ('checked_in', 'checked_out') \
                           AND NOT resident AND starts_at >= $1 AND starts_at < $2 AND user_id = $3";
                let days: Vec<i64> = c
                    .fetch_all(sql, &range_args(first * DAY, end * DAY, vec![user.into()]))
                    .await?
                    .iter()
                    .map(|r| r.int("day"))
                    .collect::<StoreResult<_>>()?;
                for (n, (from, to)) in counts.iter_mut().zip(spans) {
                    *n = u32::from(days.iter().any(|day| (*from..*to).contains(day)));
                }
            }
        }
        Ok(counts)
    }
}

/// Seconds in a UTC day.
const DAY: i64 = 86_400;

/// The network's facts by day, read from the daily counts the database keeps (migration 0016).
async fn network_days(c: &mut impl Sql, (from, to): (i64, i64)) -> StoreResult<DayTotals> {
    let mut totals = DayTotals::default();
    let range = args![from, to];
    let visits =
        "SELECT day - $1 AS d, CAST(SUM(visits) AS BIGINT) AS n, CAST(SUM(resident_visits) AS BIGINT) AS residents, \
                  CAST(SUM(seat_seconds) AS BIGINT) AS seconds, CAST(SUM(pledges_kept) AS BIGINT) AS kept \
                  FROM report_visit_days WHERE day >= $1 AND day < $2 GROUP BY day";
    for r in c.fetch_all(visits, range).await? {
        let counts = totals.days.entry(r.int("d")?).or_default();
        counts.visits = count(&r, "n")?;
        counts.resident_visits = count(&r, "residents")?;
        counts.seat_seconds = r.opt_int("seconds")?.unwrap_or(0);
        counts.pledges_kept = count(&r, "kept")?;
    }
    let exchanges = "SELECT day - $1 AS d, exchanges AS n FROM report_exchange_days WHERE day >= $1 AND day < $2";
    for r in c.fetch_all(exchanges, range).await? {
        totals.days.entry(r.int("d")?).or_default().exchanges = count(&r, "n")?;
    }
    let topics = "SELECT tag, CAST(SUM(exchanges) AS BIGINT) AS n FROM report_topic_days WHERE day >= $1 AND day < $2 \
                  GROUP BY tag HAVING SUM(exchanges) > 0 ORDER BY n DESC, tag LIMIT 20";
    for r in c.fetch_all(topics, range).await? {
        totals.topics.push((r.text("tag")?, count(&r, "n")?));
    }
    let intros =
        "SELECT day - $1 AS d, suggested, accepted, met, useful FROM report_intro_days WHERE day >= $1 AND day < $2";
    for r in c.fetch_all(intros, range).await? {
        let counts = totals.days.entry(r.int("d")?).or_default();
        counts.intros_suggested = count(&r, "suggested")?;
        counts.intros_accepted = count(&r, "accepted")?;
        counts.intros_met = count(&r, "met")?;
        counts.intros_useful = count(&r, "useful")?;
    }
    let questions = "SELECT day - $1 AS d, asked, answered FROM report_question_days WHERE day >= $1 AND day < $2";
    for r in c.fetch_all(questions, range).await? {
        let counts = totals.days.entry(r.int("d")?).or_default();
        counts.questions_asked = count(&r, "asked")?;
        counts.questions_answered = count(&r, "answered")?;
    }
    let outcomes = "SELECT day - $1 AS d, category, outcomes AS n FROM report_outcome_days \
                    WHERE day >= $1 AND day < $2 AND outcomes > 0";
    let rows = c.fetch_all(outcomes, range).await?;
    totals.outcomes = add_outcomes(
        &mut totals.days,
        rows.iter().map(|r| Ok((r.int("d")?, r.parsed("category", Category::from_str_opt)?, count(r, "n")?))),
    )?;
    Ok(totals)
}

/// A member's own facts by day, counted from their rows (a few hundred a year at most).
async fn member_days(c: &mut impl Sql, user: Uuid, (from, to): (i64, i64)) -> StoreResult<DayTotals> {
    let mut totals = DayTotals::default();
    let range = args![from * DAY, to * DAY, user];
    // Whole days since the range's start.
    let by_day = |at: &str| format!("({at} - $1) / {DAY}");
    let visits = format!(
        "SELECT d, SUM(1 - r) AS n, SUM(r) AS residents, CAST(SUM(CASE WHEN r = 1 THEN 0 ELSE {SEAT_SECONDS} END) AS BIGINT) \
         AS seconds, SUM(kept) AS kept FROM (SELECT {} AS d, CASE WHEN resident THEN 1 ELSE 0 END AS r, \
         CASE WHEN COALESCE(checked_out_at, ends_at) < ends_at THEN COALESCE(checked_out_at, ends_at) ELSE ends_at END AS used_to, \
         CASE WHEN COALESCE(checked_in_at, starts_at) > starts_at THEN COALESCE(checked_in_at, starts_at) ELSE starts_at END AS used_from, \
         CASE WHEN pledge_kept AND NOT resident THEN 1 ELSE 0 END AS kept FROM bookings \
         WHERE status IN ('checked_in', 'checked_out') AND starts_at >= $1 AND starts_at < $2 AND user_id = $3) v GROUP BY d",
        by_day("starts_at")
    );
    for r in c.fetch_all(&visits, range).await? {
        let counts = totals.days.entry(r.int("d")?).or_default();
        counts.visits = count(&r, "n")?;
        counts.resident_visits = count(&r, "residents")?;
        counts.seat_seconds = r.opt_int("seconds")?.unwrap_or(0);
        counts.pledges_kept = count(&r, "kept")?;
    }
    let exchanges = format!(
        "SELECT {} AS d, COUNT(*) AS n FROM exchanges WHERE status = 'confirmed' \
         AND answered_at >= $1 AND answered_at < $2 AND (giver_id = $3 OR receiver_id = $3) GROUP BY d",
        by_day("answered_at")
    );
    for r in c.fetch_all(&exchanges, range).await? {
        totals.days.entry(r.int("d")?).or_default().exchanges = count(&r, "n")?;
    }
    let topics = "SELECT t.tag, COUNT(*) AS n FROM exchange_tags t JOIN exchanges e ON e.id = t.exchange_id \
                  WHERE t.confirmed_at >= $1 AND t.confirmed_at < $2 AND (e.giver_id = $3 OR e.receiver_id = $3) \
                  GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT 20";
    for r in c.fetch_all(topics, range).await? {
        totals.topics.push((r.text("tag")?, count(&r, "n")?));
    }
    let intros = format!(
        "SELECT {} AS d, COUNT(*) AS n, \
         SUM(CASE WHEN a_answer = 'accepted' AND b_answer = 'accepted' THEN 1 ELSE 0 END) AS accepted, \
         SUM(CASE WHEN met_at IS NOT NULL THEN 1 ELSE 0 END) AS met, \
         SUM(CASE WHEN a_useful OR b_useful THEN 1 ELSE 0 END) AS useful \
         FROM intros WHERE created_at >= $1 AND created_at < $2 AND (person_a = $3 OR person_b = $3) GROUP BY d",
        by_day("created_at")
    );
    for r in c.fetch_all(&intros, range).await? {
        let counts = totals.days.entry(r.int("d")?).or_default();
        counts.intros_suggested = count(&r, "n")?;
        counts.intros_accepted = count(&r, "accepted")?;
        counts.intros_met = count(&r, "met")?;
        counts.intros_useful = count(&r, "useful")?;
    }
    let questions = format!(
        "SELECT {} AS d, COUNT(*) AS n, SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered \
         FROM questions WHERE created_at >= $1 AND created_at < $2 AND asker_id = $3 GROUP BY d",
        by_day("created_at")
    );
    for r in c.fetch_all(&questions, range).await? {
        let counts = totals.days.entry(r.int("d")?).or_default();
        counts.questions_asked = count(&r, "n")?;
        counts.questions_answered = count(&r, "answered")?;
    }
    // Every outcome a member recorded, whoever they share it with.
    let outcomes = format!(
        "SELECT {} AS d, category, COUNT(*) AS n FROM outcomes \
         WHERE created_at >= $1 AND created_at < $2 AND owner_id = $3 GROUP BY d, category",
        by_day("created_at")
    );
    let rows = c.fetch_all(&outcomes, range).await?;
    totals.outcomes = add_outcomes(
        &mut totals.days,
        rows.iter().map(|r| Ok((r.int("d")?, r.parsed("category", Category::from_str_opt)?, count(r, "n")?))),
    )?;
    Ok(totals)
}

/// Adds outcomes counted by day and category into `days`, and returns them by category, the most
/// recorded first.
fn add_outcomes(
    days: &mut std::collections::BTreeMap<i64, DayCounts>,
    rows: impl Iterator<Item = StoreResult<(i64, Category, u32)>>,
) -> StoreResult<Vec<(Category, u32)>> {
    let mut categories: Vec<(Category, u32)> = Vec::new();
    for row in rows {
        let (day, category, n) = row?;
        days.entry(day).or_default().outcomes += n;
        match categories.iter_mut().find(|(c, _)| *c == category) {
            Some((_, sum)) => *sum += n,
            None => categories.push((category, n)),
        }
    }
    categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    Ok(categories)
}
