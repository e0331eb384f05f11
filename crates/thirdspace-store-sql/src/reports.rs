//! The facts a venue's report counts, read in a few statements.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::outcome::Category;
use thirdspace_store::*;
use uuid::Uuid;

use crate::rows::intro_answer;
use crate::{args, Backend, Columns, Sql, SqlStore, Value};

/// The clause that keeps a table's rows of `scope` (`$3` names the member), and the arguments
/// that go with it after the range's `$1` and `$2`.
fn of_scope(scope: Scope, member_clause: &'static str, network_clause: &'static str) -> (&'static str, Vec<Value>) {
    match scope {
        Scope::Network => (network_clause, Vec::new()),
        Scope::Member(user) => (member_clause, vec![user.into()]),
    }
}

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

    async fn day_totals(&self, scope: Scope, from: i64, to: i64) -> StoreResult<DayTotals> {
        let mut c = self.read().await?;
        let mut totals = DayTotals::default();
        // Whole days since the range's start.
        let by_day = |at: &str| format!("({at} - $1) / 86400");

        let (who, extra) = of_scope(scope, "AND user_id = $3", "");
        let visits = format!(
            "SELECT d, SUM(1 - r) AS n, SUM(r) AS residents, CAST(SUM(CASE WHEN r = 1 THEN 0 ELSE {SEAT_SECONDS} END) AS BIGINT) \
             AS seconds, SUM(kept) AS kept FROM (SELECT {} AS d, CASE WHEN resident THEN 1 ELSE 0 END AS r, \
             CASE WHEN COALESCE(checked_out_at, ends_at) < ends_at THEN COALESCE(checked_out_at, ends_at) ELSE ends_at END AS used_to, \
             CASE WHEN COALESCE(checked_in_at, starts_at) > starts_at THEN COALESCE(checked_in_at, starts_at) ELSE starts_at END AS used_from, \
             CASE WHEN pledge_kept AND NOT resident THEN 1 ELSE 0 END AS kept FROM bookings \
             WHERE status IN ('checked_in', 'checked_out') AND starts_at >= $1 AND starts_at < $2 {who}) v GROUP BY d",
            by_day("starts_at")
        );
        for r in c.fetch_all(&visits, &range_args(from, to, extra)).await? {
            let counts = totals.days.entry(r.int("d")?).or_default();
            counts.visits = count(&r, "n")?;
            counts.resident_visits = count(&r, "residents")?;
            counts.seat_seconds = r.opt_int("seconds")?.unwrap_or(0);
            counts.pledges_kept = count(&r, "kept")?;
        }

        let (who, extra) = of_scope(scope, "AND (giver_id = $3 OR receiver_id = $3)", "");
        let exchanges = format!(
            "SELECT {} AS d, COUNT(*) AS n FROM exchanges WHERE status = 'confirmed' \
             AND answered_at >= $1 AND answered_at < $2 {who} GROUP BY d",
            by_day("answered_at")
        );
        for r in c.fetch_all(&exchanges, &range_args(from, to, extra.clone())).await? {
            totals.days.entry(r.int("d")?).or_default().exchanges = count(&r, "n")?;
        }
        // The network's topics are read from the tags alone (each carries when its exchange was
        // confirmed); a member's through their exchanges.
        let topics = match scope {
            Scope::Network => "SELECT tag, COUNT(*) AS n FROM exchange_tags WHERE confirmed_at >= $1 \
                               AND confirmed_at < $2 GROUP BY tag ORDER BY n DESC, tag LIMIT 20"
                .to_owned(),
            Scope::Member(_) => format!(
                "SELECT t.tag, COUNT(*) AS n FROM exchange_tags t JOIN exchanges e ON e.id = t.exchange_id \
                 WHERE t.confirmed_at >= $1 AND t.confirmed_at < $2 {} GROUP BY t.tag ORDER BY n DESC, t.tag LIMIT 20",
                who.replace("giver_id", "e.giver_id").replace("receiver_id", "e.receiver_id")
            ),
        };
        for r in c.fetch_all(&topics, &range_args(from, to, extra)).await? {
            totals.topics.push((r.text("tag")?, count(&r, "n")?));
        }

        let (who, extra) = of_scope(scope, "AND (i.person_a = $3 OR i.person_b = $3)", "");
        let intros = format!(
            "SELECT {} AS d, COUNT(*) AS n, \
             SUM(CASE WHEN i.a_answer = 'accepted' AND i.b_answer = 'accepted' THEN 1 ELSE 0 END) AS accepted, \
             SUM(CASE WHEN i.met_at IS NOT NULL THEN 1 ELSE 0 END) AS met, \
             SUM(CASE WHEN i.a_useful OR i.b_useful THEN 1 ELSE 0 END) AS useful \
             FROM intros i WHERE i.created_at >= $1 AND i.created_at < $2 {who} GROUP BY d",
            by_day("i.created_at")
        );
        for r in c.fetch_all(&intros, &range_args(from, to, extra.clone())).await? {
            let counts = totals.days.entry(r.int("d")?).or_default();
            counts.intros_suggested = count(&r, "n")?;
            counts.intros_accepted = count(&r, "accepted")?;
            counts.intros_met = count(&r, "met")?;
            counts.intros_useful = count(&r, "useful")?;
        }
        let fields = format!(
            "SELECT COUNT(*) AS n FROM (SELECT DISTINCT \
             CASE WHEN pa.field < pb.field THEN pa.field ELSE pb.field END AS low, \
             CASE WHEN pa.field < pb.field THEN pb.field ELSE pa.field END AS high \
             FROM intros i JOIN profiles pa ON pa.user_id = i.person_a JOIN profiles pb ON pb.user_id = i.person_b \
             WHERE i.met_at IS NOT NULL AND i.created_at >= $1 AND i.created_at < $2 {who} \
             AND pa.field IS NOT NULL AND pb.field IS NOT NULL AND pa.field <> pb.field) pairs"
        );
        if let Some(r) = c.fetch_optional(&fields, &range_args(from, to, extra)).await? {
            totals.fields_met = count(&r, "n")?;
        }

        let (who, extra) = of_scope(scope, "AND asker_id = $3", "");
        let questions = format!(
            "SELECT {} AS d, COUNT(*) AS n, SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered \
             FROM questions WHERE created_at >= $1 AND created_at < $2 {who} GROUP BY d",
            by_day("created_at")
        );
        for r in c.fetch_all(&questions, &range_args(from, to, extra)).await? {
            let counts = totals.days.entry(r.int("d")?).or_default();
            counts.questions_asked = count(&r, "n")?;
            counts.questions_answered = count(&r, "answered")?;
        }

        let (who, extra) = of_scope(scope, "AND owner_id = $3", "AND sharing IN ('venue', 'public')");
        let outcomes = format!(
            "SELECT {} AS d, category, COUNT(*) AS n FROM outcomes \
             WHERE created_at >= $1 AND created_at < $2 {who} GROUP BY d, category",
            by_day("created_at")
        );
        let mut categories: Vec<(Category, u32)> = Vec::new();
        for r in c.fetch_all(&outcomes, &range_args(from, to, extra)).await? {
            let n = count(&r, "n")?;
            totals.days.entry(r.int("d")?).or_default().outcomes += n;
            let category = r.parsed("category", Category::from_str_opt)?;
            match categories.iter_mut().find(|(c, _)| *c == category) {
                Some((_, sum)) => *sum += n,
                None => categories.push((category, n)),
            }
        }
        categories.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
        totals.outcomes = categories;
        Ok(totals)
    }

    async fn visitors(&self, scope: Scope, from: i64, to: i64) -> StoreResult<u32> {
        let (who, extra) = of_scope(scope, "AND user_id = $3", "");
        let sql = format!(
            "SELECT COUNT(DISTINCT user_id) AS n FROM bookings \
             WHERE status IN ('checked_in', 'checked_out') AND NOT resident AND starts_at >= $1 AND starts_at < $2 {who}"
        );
        let row = self.read().await?.fetch_optional(&sql, &range_args(from, to, extra)).await?;
        row.map_or(Ok(0), |r| count(&r, "n"))
    }
}
