//! Introductions and what became of them.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use thirdspace_store::outbox::NewEvent;
use thirdspace_store::steps::{self, Change};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::{paged, Arg};
use crate::rows;
use crate::{db, SqliteStore};

fn intro(row: &SqliteRow) -> Result<Intro, sqlx::Error> {
    let answer = |column: &str| -> Result<IntroAnswer, sqlx::Error> {
        let raw: String = row.try_get(column)?;
        IntroAnswer::from_str_opt(&raw)
            .ok_or_else(|| sqlx::Error::ColumnDecode { index: column.to_owned(), source: "unknown answer".into() })
    };
    let venue: Option<String> = row.try_get("venue_id")?;
    Ok(Intro {
        id: rows::uuid(row, "id")?,
        venue_id: venue.and_then(|v| Uuid::parse_str(&v).ok()),
        person_a: rows::uuid(row, "person_a")?,
        person_b: rows::uuid(row, "person_b")?,
        score: row.try_get::<f64, _>("score")? as f32,
        reason: row.try_get("reason")?,
        a_answer: answer("a_answer")?,
        b_answer: answer("b_answer")?,
        met_at: row.try_get("met_at")?,
        a_useful: row.try_get("a_useful")?,
        b_useful: row.try_get("b_useful")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn fetch(conn: &mut SqliteConnection, id: Uuid) -> StoreResult<Option<Intro>> {
    let row =
        sqlx::query("SELECT * FROM intros WHERE id = ?").bind(id.to_string()).fetch_optional(conn).await.map_err(db)?;
    row.map(|r| intro(&r)).transpose().map_err(db)
}

fn ordered(a: Uuid, b: Uuid) -> (String, String) {
    let (a, b) = (a.to_string(), b.to_string());
    if a < b {
        (a, b)
    } else {
        (b, a)
    }
}

pub async fn suggest(store: &SqliteStore, intros: Vec<NewIntro>, since: i64, now: i64) -> StoreResult<Vec<Intro>> {
    let mut tx = store.write().await?;
    let mut out = Vec::with_capacity(intros.len());
    for new in intros {
        let (a, b) = ordered(new.a, new.b);
        let open: Option<String> = sqlx::query_scalar(
            "SELECT id FROM intros WHERE person_a = ? AND person_b = ? AND met_at IS NULL \
             AND (settled_at IS NULL OR settled_at >= ?) ORDER BY created_at DESC LIMIT 1",
        )
        .bind(&a)
        .bind(&b)
        .bind(since)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let id = match open.and_then(|id| Uuid::parse_str(&id).ok()) {
            Some(id) => {
                sqlx::query("UPDATE intros SET score = ?, reason = ? WHERE id = ?")
                    .bind(f64::from(new.score))
                    .bind(&new.reason)
                    .bind(id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                id
            }
            None => {
                let id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO intros (id, venue_id, person_a, person_b, score, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                )
                .bind(id.to_string())
                .bind(new.venue.map(|v| v.to_string()))
                .bind(&a)
                .bind(&b)
                .bind(f64::from(new.score))
                .bind(&new.reason)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                id
            }
        };
        let intro = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("introduction"))?;
        record(&mut tx, &NewEvent::intro_suggested(&intro, now)).await?;
        out.push(intro);
    }
    store.commit(tx).await?;
    Ok(out)
}

pub async fn get(store: &SqliteStore, id: Uuid) -> StoreResult<Option<Intro>> {
    let mut conn = store.reader.acquire().await.map_err(db)?;
    fetch(&mut conn, id).await
}

pub async fn step(store: &SqliteStore, id: Uuid, user: Uuid, step: IntroStep, now: i64) -> StoreResult<Intro> {
    let mut tx = store.write().await?;
    let current = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("introduction"))?;
    let (sql, value): (String, Option<i64>) = match steps::decide(&current, user, step)? {
        Change::Nothing => return Ok(current),
        Change::Accept(side) => (format!("UPDATE intros SET {}_answer = 'accepted' WHERE id = ?", side.column()), None),
        Change::Decline(side) => (
            format!(
                "UPDATE intros SET {}_answer = 'declined', settled_at = COALESCE(settled_at, ?) WHERE id = ?",
                side.column()
            ),
            Some(now),
        ),
        Change::Met => (
            "UPDATE intros SET met_at = COALESCE(met_at, ?), settled_at = COALESCE(settled_at, met_at, ?) WHERE id = ?"
                .to_owned(),
            Some(now),
        ),
        Change::Useful(side, useful) => {
            (format!("UPDATE intros SET {}_useful = ? WHERE id = ?", side.column()), Some(i64::from(useful)))
        }
    };
    let mut query = sqlx::query(&sql);
    if let Some(value) = value {
        query = query.bind(value);
        if step == IntroStep::Met {
            query = query.bind(value);
        }
    }
    query.bind(id.to_string()).execute(&mut *tx).await.map_err(db)?;
    let intro = fetch(&mut tx, id).await?.ok_or(StoreError::NotFound("introduction"))?;
    record(&mut tx, &NewEvent::intro_step(&intro, step, now)).await?;
    store.commit(tx).await?;
    Ok(intro)
}

pub async fn at_venue(store: &SqliteStore, venue: Uuid, since: i64, limit: u32) -> StoreResult<Vec<Intro>> {
    let rows = sqlx::query(
        "SELECT * FROM intros WHERE venue_id = ? AND created_at >= ? ORDER BY created_at DESC, score DESC, id LIMIT ?",
    )
    .bind(venue.to_string())
    .bind(since)
    .bind(i64::from(limit))
    .fetch_all(&store.reader)
    .await
    .map_err(db)?;
    rows.iter().map(intro).collect::<Result<_, _>>().map_err(db)
}

pub async fn of(store: &SqliteStore, user: Uuid, page: Page) -> StoreResult<Paged<Intro>> {
    let args = [Arg::Text(user.to_string()), Arg::Text(user.to_string())];
    let from = "intros WHERE person_a = ? OR person_b = ?";
    paged(&store.reader, "*", from, "created_at DESC, score DESC, id", &args, page, intro).await
}

pub async fn settled(store: &SqliteStore, people: &[Uuid], since: i64) -> StoreResult<Vec<SettledPair>> {
    let wanted: std::collections::HashSet<Uuid> = people.iter().copied().collect();
    let rows = sqlx::query("SELECT person_a, person_b, met_at, a_answer, b_answer FROM intros WHERE settled_at >= ?")
        .bind(since)
        .fetch_all(&store.reader)
        .await
        .map_err(db)?;
    let mut out = Vec::new();
    for row in &rows {
        let (a, b) = (rows::uuid(row, "person_a").map_err(db)?, rows::uuid(row, "person_b").map_err(db)?);
        if wanted.contains(&a) || wanted.contains(&b) {
            let met: Option<i64> = row.try_get("met_at").map_err(db)?;
            let declined = |column: &str| row.try_get::<String, _>(column).map(|s| s == "declined");
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

pub async fn helped(store: &SqliteStore, people: &[Uuid]) -> StoreResult<Vec<u32>> {
    let rows = sqlx::query(
        "SELECT person_a AS helper, COUNT(*) AS n FROM intros WHERE met_at IS NOT NULL AND b_useful = 1 GROUP BY person_a \
         UNION ALL SELECT person_b AS helper, COUNT(*) AS n FROM intros WHERE met_at IS NOT NULL AND a_useful = 1 GROUP BY person_b",
    )
    .fetch_all(&store.reader)
    .await
    .map_err(db)?;
    let mut counts: std::collections::HashMap<Uuid, u32> = std::collections::HashMap::new();
    for row in &rows {
        let helper = rows::uuid(row, "helper").map_err(db)?;
        let n: i64 = row.try_get("n").map_err(db)?;
        *counts.entry(helper).or_default() += n as u32;
    }
    Ok(people.iter().map(|p| counts.get(p).copied().unwrap_or(0)).collect())
}

pub async fn open_public_profiles(store: &SqliteStore, limit: u32) -> StoreResult<Vec<Profile>> {
    let rows = sqlx::query(
        "SELECT * FROM profiles WHERE visibility = 'public' AND open_to_meet = 1 ORDER BY updated_at DESC LIMIT ?",
    )
    .bind(i64::from(limit))
    .fetch_all(&store.reader)
    .await
    .map_err(db)?;
    rows.iter().map(rows::profile).collect::<Result<_, _>>().map_err(db)
}
