//! The facts a venue's report counts, read in a few statements.

use async_trait::async_trait;
use chrono::NaiveDate;
use thirdspace_domain::outcome::Category;
use thirdspace_store::*;
use uuid::Uuid;

use crate::rows::intro_answer;
use crate::{args, Backend, Columns, Sql, SqlStore};

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
        let visits = "SELECT user_id, starts_at, ends_at, checked_in_at, checked_out_at, pledge_kept FROM bookings \
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
            });
        }
        let exchanges = "SELECT answered_at, tags FROM exchanges WHERE venue_id = $1 AND status = 'confirmed' \
                         AND answered_at >= $2 AND answered_at < $3";
        for r in c.fetch_all(exchanges, range).await? {
            facts.exchanges.push((r.int("answered_at")?, r.json("tags")?));
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
}
