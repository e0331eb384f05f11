//! Introductions and what became of them.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use thirdspace_store::outbox::NewEvent;
use thirdspace_store::steps::{self, Change};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::paged;
use crate::rows;
use crate::{args, Backend, Columns, Dialect, Sql, SqlStore, SqlWork, Transaction, Value};

/// The advisory lock that runs suggestion batches one at a time on PostgreSQL, so that two
/// batches naming one pair cannot both find it without an introduction and each add one (on
/// SQLite the one writer does that).
const SUGGEST_LOCK: i64 = 0x7468_6972_6473_7031;

/// An introduction by id; `lock` is empty or the dialect's locking clause.
async fn fetch<C: Sql>(c: &mut C, id: Uuid, lock: &str) -> StoreResult<Intro> {
    let row = c.fetch_optional(&format!("SELECT * FROM intros WHERE id = $1{lock}"), args![id]).await?;
    rows::intro(&row.ok_or(StoreError::NotFound("introduction"))?)
}

#[async_trait]
impl<B: Backend> Intros for SqlStore<B> {
    async fn intro(&self, id: Uuid) -> StoreResult<Option<Intro>> {
        let row = self.read().await?.fetch_optional("SELECT * FROM intros WHERE id = $1", args![id]).await?;
        row.map(|r| rows::intro(&r)).transpose()
    }

    async fn venue_intros(&self, venue: Uuid, since: i64, limit: u32) -> StoreResult<Vec<Intro>> {
        let sql = "SELECT * FROM intros WHERE venue_id = $1 AND created_at >= $2 \
                   ORDER BY created_at DESC, score DESC, id LIMIT $3";
        let rows = self.read().await?.fetch_all(sql, args![venue, since, limit]).await?;
        rows.iter().map(rows::intro).collect()
    }

    async fn intros_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Intro>> {
        let from = "intros WHERE person_a = $1 OR person_b = $1";
        let order = "created_at DESC, score DESC, id";
        paged(&mut self.read().await?, "*", from, order, args![user], page, rows::intro).await
    }

    async fn settled_pairs(&self, people: &[Uuid], since: i64) -> StoreResult<Vec<SettledPair>> {
        let wanted: HashSet<Uuid> = people.iter().copied().collect();
        let sql = "SELECT person_a, person_b, met_at, a_answer, b_answer FROM intros WHERE settled_at >= $1";
        let mut out = Vec::new();
        for row in &self.read().await?.fetch_all(sql, args![since]).await? {
            let (a, b) = (row.uuid("person_a")?, row.uuid("person_b")?);
            if wanted.contains(&a) || wanted.contains(&b) {
                let mut declined_by = Vec::new();
                if rows::intro_answer(row, "a_answer")? == IntroAnswer::Declined {
                    declined_by.push(a);
                }
                if rows::intro_answer(row, "b_answer")? == IntroAnswer::Declined {
                    declined_by.push(b);
                }
                out.push(SettledPair { a, b, met: row.opt_int("met_at")?.is_some(), declined_by });
            }
        }
        Ok(out)
    }

    async fn helping(&self, people: &[Uuid], since: i64) -> StoreResult<Vec<Helping>> {
        // Per person: how often in all and on each topic; and each of their latest times, by
        // its id (an exchange's tags come one row each).
        let mut found: HashMap<Uuid, (u32, Vec<(String, u32)>)> = HashMap::new();
        let mut helps: HashMap<Uuid, (Uuid, i64, Vec<String>)> = HashMap::new();
        let mut c = self.read().await?;
        // A few hundred people a statement: each read goes through the person's own index.
        for chunk in people.chunks(500) {
            let list = (2..chunk.len() + 2).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
            let mut args = vec![Value::from(since)];
            args.extend(chunk.iter().map(|p| Value::from(*p)));
            // Every time they helped, numbered newest first per person, at most HELPS_KEPT read.
            let latest = format!(
                "SELECT r.id, r.helper, r.at, r.total, t.tag FROM (SELECT id, helper, at, \
                 ROW_NUMBER() OVER (PARTITION BY helper ORDER BY at DESC, id DESC) AS n, \
                 COUNT(*) OVER (PARTITION BY helper) AS total FROM (\
                 SELECT id, person_a AS helper, met_at AS at FROM intros WHERE person_a IN ({list}) \
                 AND met_at >= $1 AND b_useful UNION ALL SELECT id, person_b AS helper, met_at AS at \
                 FROM intros WHERE person_b IN ({list}) AND met_at >= $1 AND a_useful UNION ALL \
                 SELECT id, giver_id AS helper, answered_at AS at FROM exchanges WHERE giver_id IN ({list}) \
                 AND status = 'confirmed' AND answered_at >= $1) AS h) AS r \
                 LEFT JOIN exchange_tags t ON t.exchange_id = r.id WHERE r.n <= {HELPS_KEPT} ORDER BY t.tag"
            );
            for row in &c.fetch_all(&latest, &args).await? {
                let helper = row.uuid("helper")?;
                found.entry(helper).or_default().0 = row.unsigned("total")?;
                let help = helps.entry(row.uuid("id")?).or_insert((helper, row.int("at")?, Vec::new()));
                help.2.extend(row.opt_text("tag")?);
            }
            let topics = format!(
                "SELECT e.giver_id AS helper, t.tag, COUNT(*) AS n FROM exchanges e \
                 JOIN exchange_tags t ON t.exchange_id = e.id WHERE e.giver_id IN ({list}) \
                 AND e.status = 'confirmed' AND e.answered_at >= $1 GROUP BY e.giver_id, t.tag"
            );
            for row in &c.fetch_all(&topics, &args).await? {
                let tag = (row.text("tag")?, row.unsigned::<u32>("n")?);
                found.entry(row.uuid("helper")?).or_default().1.push(tag);
            }
        }
        let mut latest: HashMap<Uuid, Vec<(i64, Uuid, Vec<String>)>> = HashMap::new();
        for (id, (helper, at, topics)) in helps {
            latest.entry(helper).or_default().push((at, id, topics));
        }
        Ok(people
            .iter()
            .map(|p| {
                let (times, mut topics) = found.get(p).cloned().unwrap_or_default();
                let mut theirs = latest.get(p).cloned().unwrap_or_default();
                topics.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                theirs.sort_by_key(|h| std::cmp::Reverse((h.0, h.1)));
                Helping {
                    times,
                    topics: topics.into_iter().take(HELPED_TOPICS).map(|(t, _)| t).collect(),
                    latest: theirs.into_iter().map(|(at, _, topics)| Helped { at, topics }).collect(),
                }
            })
            .collect())
    }

    async fn open_public_profiles(&self, after: Option<Uuid>, limit: u32) -> StoreResult<Vec<Profile>> {
        let open = "SELECT * FROM profiles WHERE visibility = 'public' AND open_to_meet";
        let mut c = self.read().await?;
        let rows = match after {
            Some(after) => {
                let sql = format!("{open} AND user_id > $1 ORDER BY user_id LIMIT $2");
                c.fetch_all(&sql, args![after, limit]).await?
            }
            None => c.fetch_all(&format!("{open} ORDER BY user_id LIMIT $1"), args![limit]).await?,
        };
        rows.iter().map(rows::profile).collect()
    }
}

#[async_trait]
impl<T: Transaction> IntrosWork for SqlWork<T> {
    async fn suggest_intros(&mut self, intros: Vec<NewIntro>, since: i64, now: i64) -> StoreResult<Vec<Intro>> {
        let tx = &mut self.tx;
        if tx.dialect() == Dialect::Postgres {
            tx.execute("SELECT pg_advisory_xact_lock($1)", args![SUGGEST_LOCK]).await?;
        }
        let mut out = Vec::with_capacity(intros.len());
        for new in intros {
            let (a, b) = if new.a < new.b { (new.a, new.b) } else { (new.b, new.a) };
            let open = "SELECT id FROM intros WHERE person_a = $1 AND person_b = $2 AND met_at IS NULL \
                        AND (settled_at IS NULL OR settled_at >= $3) ORDER BY created_at DESC LIMIT 1";
            let id = match tx.fetch_optional(open, args![a, b, since]).await? {
                Some(row) => {
                    let id = row.uuid("id")?;
                    let sql = "UPDATE intros SET score = $1, reason = $2 WHERE id = $3";
                    tx.execute(sql, args![new.score, &new.reason, id]).await?;
                    id
                }
                None => {
                    let id = Uuid::now_v7();
                    let sql = "INSERT INTO intros (id, venue_id, person_a, person_b, score, reason, created_at) \
                               VALUES ($1, $2, $3, $4, $5, $6, $7)";
                    tx.execute(sql, args![id, new.venue, a, b, new.score, &new.reason, now]).await?;
                    id
                }
            };
            let intro = fetch(tx, id, "").await?;
            record(tx, &NewEvent::intro_suggested(&intro, now)).await?;
            out.push(intro);
        }
        Ok(out)
    }

    async fn step_intro(&mut self, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?;
        let (sql, value) = match steps::decide(&current, user, step)? {
            Change::Nothing => return Ok(current),
            Change::Accept(side) => {
                (format!("UPDATE intros SET {}_answer = 'accepted' WHERE id = $1", side.column()), None)
            }
            Change::Decline(side) => (
                format!(
                    "UPDATE intros SET {}_answer = 'declined', settled_at = COALESCE(settled_at, $2) WHERE id = $1",
                    side.column()
                ),
                Some(Value::from(now)),
            ),
            Change::Met => (
                "UPDATE intros SET met_at = COALESCE(met_at, $2), settled_at = COALESCE(settled_at, met_at, $2) \
                 WHERE id = $1"
                    .to_owned(),
                Some(Value::from(now)),
            ),
            Change::Useful(side, useful) => {
                (format!("UPDATE intros SET {}_useful = $2 WHERE id = $1", side.column()), Some(Value::from(useful)))
            }
        };
        let mut args = vec![Value::from(id)];
        args.extend(value);
        self.tx.execute(&sql, &args).await?;
        let intro = fetch(&mut self.tx, id, "").await?;
        record(&mut self.tx, &NewEvent::intro_step(&intro, step, now)).await?;
        Ok(intro)
    }
}
