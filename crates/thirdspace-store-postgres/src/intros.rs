//! Introductions and what became of them.

use std::collections::{HashMap, HashSet};

use sqlx::{PgConnection, Row};
use thirdspace_store::outbox::NewEvent;
use thirdspace_store::steps::{self, Change};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::{paged, Arg};
use crate::rows;
use crate::{db, finish, PgStore};

/// The advisory lock that runs suggestion batches one at a time, so that two batches naming one
/// pair cannot both find it without an introduction and each add one.
const SUGGEST_LOCK: i64 = 0x7468_6972_6473_7031;

/// An introduction by id; `lock` is empty or a locking clause such as `FOR NO KEY UPDATE`.
async fn fetch(conn: &mut PgConnection, id: Uuid, lock: &str) -> StoreResult<Option<Intro>> {
    let sql = format!("SELECT * FROM intros WHERE id = $1 {lock}");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| rows::intro(&r)).transpose().map_err(db)
}

pub async fn suggest(store: &PgStore, intros: Vec<NewIntro>, since: i64, now: i64) -> StoreResult<Vec<Intro>> {
    let mut tx = store.write().await?;
    let outcome = async {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SUGGEST_LOCK).execute(&mut *tx).await.map_err(db)?;
        let mut out = Vec::with_capacity(intros.len());
        for new in intros {
            let (a, b) = if new.a < new.b { (new.a, new.b) } else { (new.b, new.a) };
            let open: Option<Uuid> = sqlx::query_scalar(
                "SELECT id FROM intros WHERE person_a = $1 AND person_b = $2 AND met_at IS NULL \
                 AND (settled_at IS NULL OR settled_at >= $3) ORDER BY created_at DESC LIMIT 1",
            )
            .bind(a)
            .bind(b)
            .bind(since)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db)?;
            let id = match open {
                Some(id) => {
                    sqlx::query("UPDATE intros SET score = $1, reason = $2 WHERE id = $3")
                        .bind(new.score)
                        .bind(&new.reason)
                        .bind(id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    id
                }
                None => {
                    let id = Uuid::now_v7();
                    sqlx::query(
                        "INSERT INTO intros (id, venue_id, person_a, person_b, score, reason, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(new.venue)
                    .bind(a)
                    .bind(b)
                    .bind(new.score)
                    .bind(&new.reason)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                    id
                }
            };
            let intro = fetch(&mut tx, id, "").await?.ok_or(StoreError::NotFound("introduction"))?;
            record(&mut tx, &NewEvent::intro_suggested(&intro, now)).await?;
            out.push(intro);
        }
        Ok(out)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn get(store: &PgStore, id: Uuid) -> StoreResult<Option<Intro>> {
    let mut conn = store.pool.acquire().await.map_err(db)?;
    fetch(&mut conn, id, "").await
}

/// What a step writes besides the introduction's id.
enum Value {
    Nothing,
    Instant(i64),
    Flag(bool),
}

pub async fn step(store: &PgStore, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro> {
    let mut tx = store.write().await?;
    let outcome = async {
        let current = fetch(&mut tx, id, "FOR NO KEY UPDATE").await?.ok_or(StoreError::NotFound("introduction"))?;
        let (sql, value) = match steps::decide(&current, user, step)? {
            Change::Nothing => return Ok(current),
            Change::Accept(side) => {
                (format!("UPDATE intros SET {}_answer = 'accepted' WHERE id = $1", side.column()), Value::Nothing)
            }
            Change::Decline(side) => (
                format!(
                    "UPDATE intros SET {}_answer = 'declined', settled_at = COALESCE(settled_at, $2) WHERE id = $1",
                    side.column()
                ),
                Value::Instant(now),
            ),
            Change::Met => (
                "UPDATE intros SET met_at = COALESCE(met_at, $2), settled_at = COALESCE(settled_at, met_at, $2) \
                 WHERE id = $1"
                    .to_owned(),
                Value::Instant(now),
            ),
            Change::Useful(side, useful) => {
                (format!("UPDATE intros SET {}_useful = $2 WHERE id = $1", side.column()), Value::Flag(useful))
            }
        };
        let query = sqlx::query(&sql).bind(id);
        let query = match value {
            Value::Nothing => query,
            Value::Instant(t) => query.bind(t),
            Value::Flag(f) => query.bind(f),
        };
        query.execute(&mut *tx).await.map_err(db)?;
        let intro = fetch(&mut tx, id, "").await?.ok_or(StoreError::NotFound("introduction"))?;
        record(&mut tx, &NewEvent::intro_step(&intro, step, now)).await?;
        Ok(intro)
    }
    .await;
    finish(tx, outcome).await
}

pub async fn at_venue(store: &PgStore, venue: Uuid, since: i64, limit: u32) -> StoreResult<Vec<Intro>> {
    let rows = sqlx::query(
        "SELECT * FROM intros WHERE venue_id = $1 AND created_at >= $2 ORDER BY created_at DESC, score DESC, id LIMIT $3",
    )
    .bind(venue)
    .bind(since)
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .map_err(db)?;
    rows.iter().map(rows::intro).collect::<Result<_, _>>().map_err(db)
}

pub async fn of(store: &PgStore, user: Uuid, page: Page) -> StoreResult<Paged<Intro>> {
    let args = [Arg::Id(user)];
    let from = "intros WHERE person_a = $1 OR person_b = $1";
    paged(&store.pool, "*", from, "created_at DESC, score DESC, id", &args, page, rows::intro).await
}

pub async fn settled(store: &PgStore, people: &[Uuid], since: i64) -> StoreResult<Vec<SettledPair>> {
    let wanted: HashSet<Uuid> = people.iter().copied().collect();
    let rows = sqlx::query("SELECT person_a, person_b, met_at, a_answer, b_answer FROM intros WHERE settled_at >= $1")
        .bind(since)
        .fetch_all(&store.pool)
        .await
        .map_err(db)?;
    let mut out = Vec::new();
    for row in &rows {
        let a: Uuid = row.try_get("person_a").map_err(db)?;
        let b: Uuid = row.try_get("person_b").map_err(db)?;
        if wanted.contains(&a) || wanted.contains(&b) {
            let met: Option<i64> = row.try_get("met_at").map_err(db)?;
            let declined = |column: &str| rows::intro_answer(row, column).map(|x| x == IntroAnswer::Declined);
            let mut declined_by = Vec::new();
            if declined("a_answer").map_err(db)? {
                declined_by.push(a);
            }
            if declined("b_answer").map_err(db)? {
                declined_by.push(b);
            }
            out.push(SettledPair { a, b, met: met.is_some(), declined_by });
        }
    }
    Ok(out)
}

pub async fn helped(store: &PgStore, people: &[Uuid]) -> StoreResult<Vec<u32>> {
    let rows = sqlx::query(
        "SELECT person_a AS helper, COUNT(*) AS n FROM intros WHERE met_at IS NOT NULL AND b_useful GROUP BY person_a \
         UNION ALL SELECT person_b AS helper, COUNT(*) AS n FROM intros WHERE met_at IS NOT NULL AND a_useful GROUP BY person_b",
    )
    .fetch_all(&store.pool)
    .await
    .map_err(db)?;
    let mut counts: HashMap<Uuid, u32> = HashMap::new();
    for row in &rows {
        let helper: Uuid = row.try_get("helper").map_err(db)?;
        let n: i64 = row.try_get("n").map_err(db)?;
        *counts.entry(helper).or_default() += u32::try_from(n).map_err(StoreError::backend)?;
    }
    Ok(people.iter().map(|p| counts.get(p).copied().unwrap_or(0)).collect())
}

pub async fn open_public_profiles(store: &PgStore, limit: u32) -> StoreResult<Vec<Profile>> {
    let rows = sqlx::query(
        "SELECT * FROM profiles WHERE visibility = 'public' AND open_to_meet ORDER BY updated_at DESC LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(&store.pool)
    .await
    .map_err(db)?;
    rows.iter().map(rows::profile).collect::<Result<_, _>>().map_err(db)
}
