//! Outcomes of coworking and what led to them.

use async_trait::async_trait;
use thirdspace_domain::outcome::{Category, OutcomeDraft, Sharing};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::paged;
use crate::{args, Backend, Columns, Sql, SqlStore, SqlWork, Transaction};

const COLUMNS: &str = "id, owner_id, category, note, with_id, with_confirmed_at, venue_id, value_cents, currency, \
     hours, sharing, created_at";

/// An outcome's row, without its links.
fn row(r: &impl Columns) -> StoreResult<Outcome> {
    let value = r.opt_unsigned::<u64>("value_cents")?.zip(r.opt_text("currency")?);
    Ok(Outcome {
        id: r.uuid("id")?,
        owner_id: r.uuid("owner_id")?,
        category: r.parsed("category", Category::from_str_opt)?,
        note: r.opt_text("note")?,
        with_id: r.opt_uuid("with_id")?,
        with_confirmed_at: r.opt_int("with_confirmed_at")?,
        venue_id: r.opt_uuid("venue_id")?,
        value,
        hours: r.opt_unsigned("hours")?,
        sharing: r.parsed("sharing", Sharing::from_str_opt)?,
        exchanges: Vec::new(),
        intros: Vec::new(),
        created_at: r.int("created_at")?,
    })
}

/// Fills in what led to `outcome`.
async fn linked<C: Sql>(c: &mut C, mut outcome: Outcome) -> StoreResult<Outcome> {
    let sql = "SELECT kind, target_id FROM outcome_links WHERE outcome_id = $1 ORDER BY kind, target_id";
    for r in c.fetch_all(sql, args![outcome.id]).await? {
        let target = r.uuid("target_id")?;
        match r.text("kind")?.as_str() {
            "exchange" => outcome.exchanges.push(target),
            _ => outcome.intros.push(target),
        }
    }
    Ok(outcome)
}

/// An outcome by id, with its links; `lock` is empty or the dialect's locking clause.
async fn fetch<C: Sql>(c: &mut C, id: Uuid, lock: &str) -> StoreResult<Option<Outcome>> {
    let sql = format!("SELECT {COLUMNS} FROM outcomes WHERE id = $1{lock}");
    match c.fetch_optional(&sql, args![id]).await? {
        Some(r) => Ok(Some(linked(c, row(&r)?).await?)),
        None => Ok(None),
    }
}

#[async_trait]
impl<B: Backend> Outcomes for SqlStore<B> {
    async fn outcome(&self, id: Uuid) -> StoreResult<Option<Outcome>> {
        fetch(&mut self.read().await?, id, "").await
    }

    async fn outcomes_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Outcome>> {
        let mut c = self.read().await?;
        let from = "outcomes WHERE owner_id = $1 OR with_id = $1";
        let found = paged(&mut c, COLUMNS, from, "created_at DESC, id DESC", args![user], page, row).await?;
        let mut items = Vec::with_capacity(found.items.len());
        for outcome in found.items {
            items.push(linked(&mut c, outcome).await?);
        }
        Ok(Paged { items, ..found })
    }

    async fn venue_outcomes(&self, venue: Uuid, span: (i64, i64), page: Page) -> StoreResult<Paged<Outcome>> {
        let mut c = self.read().await?;
        let from = "outcomes WHERE venue_id = $1 AND created_at >= $2 AND created_at < $3";
        let found = paged(&mut c, COLUMNS, from, "created_at, id", args![venue, span.0, span.1], page, row).await?;
        let mut items = Vec::with_capacity(found.items.len());
        for outcome in found.items {
            items.push(linked(&mut c, outcome).await?);
        }
        Ok(Paged { items, ..found })
    }
}

#[async_trait]
impl<T: Transaction> OutcomesWork for SqlWork<T> {
    async fn record_outcome(&mut self, d: &OutcomeDraft, now: i64) -> StoreResult<Outcome> {
        let id = Uuid::now_v7();
        let sql =
            "INSERT INTO outcomes (id, owner_id, category, note, with_id, venue_id, value_cents, currency, hours, \
                   sharing, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
        let cents = d.value.as_ref().map(|(c, _)| i64::try_from(*c).unwrap_or(i64::MAX));
        let currency = d.value.as_ref().map(|(_, c)| c.clone());
        let hours = d.hours.map(i64::from);
        let args = args![
            id,
            d.owner,
            d.category.as_str(),
            &d.note,
            d.with,
            d.venue,
            cents,
            &currency,
            hours,
            d.sharing.as_str(),
            now,
        ];
        self.tx.execute(sql, args).await?;
        let link = "INSERT INTO outcome_links (outcome_id, kind, target_id) VALUES ($1, $2, $3)";
        for (kind, targets) in [("exchange", &d.exchanges), ("intro", &d.intros)] {
            for target in targets {
                self.tx.execute(link, args![id, kind, *target]).await?;
            }
        }
        let outcome = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("outcome"))?;
        record(&mut self.tx, &NewEvent::outcome(EventType::OutcomeRecorded, &outcome, now)).await?;
        Ok(outcome)
    }

    async fn confirm_outcome(&mut self, id: Uuid, user: Uuid, now: i64) -> StoreResult<Outcome> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?.ok_or(StoreError::NotFound("outcome"))?;
        if current.owner_id == user {
            return Err(OutcomeConflict::OwnOutcome.into());
        }
        if current.with_id != Some(user) {
            return Err(StoreError::NotFound("outcome"));
        }
        if current.with_confirmed_at.is_some() {
            return Ok(current);
        }
        self.tx.execute("UPDATE outcomes SET with_confirmed_at = $1 WHERE id = $2", args![now, id]).await?;
        let outcome = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("outcome"))?;
        record(&mut self.tx, &NewEvent::outcome(EventType::OutcomeConfirmed, &outcome, now)).await?;
        Ok(outcome)
    }
}
