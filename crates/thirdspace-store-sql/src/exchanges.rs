//! The social-capital ledger: exchanges and each person's record of them.

use async_trait::async_trait;
use thirdspace_domain::exchange::{self, Answer, Change, ExchangeDraft, Refusal, Source, Status};
use thirdspace_store::outbox::{EventType, NewEvent};
use thirdspace_store::*;
use uuid::Uuid;

use crate::outbox::record;
use crate::paging::paged;
use crate::{args, json, Backend, Columns, Sql, SqlStore, SqlWork, Transaction};

const COLUMNS: &str = "id, giver_id, receiver_id, proposer_id, venue_id, source, source_id, tags, text, status, \
     proposed_at, answered_at";

fn row(r: &impl Columns) -> StoreResult<Exchange> {
    Ok(Exchange {
        id: r.uuid("id")?,
        giver_id: r.uuid("giver_id")?,
        receiver_id: r.uuid("receiver_id")?,
        proposer_id: r.uuid("proposer_id")?,
        venue_id: r.opt_uuid("venue_id")?,
        source: r.parsed("source", Source::from_str_opt)?,
        source_id: r.opt_uuid("source_id")?,
        tags: r.json("tags")?,
        text: r.text("text")?,
        status: r.parsed("status", Status::from_str_opt)?,
        proposed_at: r.int("proposed_at")?,
        answered_at: r.opt_int("answered_at")?,
    })
}

/// An exchange by id; `lock` is empty or the dialect's locking clause.
async fn fetch<C: Sql>(c: &mut C, id: Uuid, lock: &str) -> StoreResult<Option<Exchange>> {
    let sql = format!("SELECT {COLUMNS} FROM exchanges WHERE id = $1{lock}");
    c.fetch_optional(&sql, args![id]).await?.map(|r| row(&r)).transpose()
}

/// Confirmed exchanges of `user`, counted by `group` (a column or expression named `key`), given
/// and received apart.
async fn tallies<C: Sql>(
    c: &mut C,
    user: Uuid,
    group: &str,
    from: &str,
    limit: u32,
) -> StoreResult<Vec<(C::Row, Tally)>> {
    let sql = format!(
        "SELECT {group} AS key, SUM(CASE WHEN e.giver_id = $1 THEN 1 ELSE 0 END) AS given, \
         SUM(CASE WHEN e.receiver_id = $1 THEN 1 ELSE 0 END) AS received FROM {from} \
         WHERE e.status = 'confirmed' AND (e.giver_id = $1 OR e.receiver_id = $1) \
         GROUP BY {group} ORDER BY COUNT(*) DESC, {group} LIMIT $2"
    );
    let rows = c.fetch_all(&sql, args![user, limit]).await?;
    rows.into_iter()
        .map(|r| {
            let tally = Tally { given: r.unsigned("given")?, received: r.unsigned("received")? };
            Ok((r, tally))
        })
        .collect()
}

#[async_trait]
impl<B: Backend> Exchanges for SqlStore<B> {
    async fn exchange(&self, id: Uuid) -> StoreResult<Option<Exchange>> {
        fetch(&mut self.read().await?, id, "").await
    }

    async fn exchanges_of(&self, user: Uuid, page: Page) -> StoreResult<Paged<Exchange>> {
        let from = "exchanges WHERE giver_id = $1 OR receiver_id = $1";
        paged(&mut self.read().await?, COLUMNS, from, "proposed_at DESC, id DESC", args![user], page, row).await
    }

    async fn venue_exchanges(&self, venue: Uuid, span: (i64, i64), page: Page) -> StoreResult<Paged<Exchange>> {
        let from = "exchanges WHERE venue_id = $1 AND proposed_at >= $2 AND proposed_at < $3";
        let args = args![venue, span.0, span.1];
        paged(&mut self.read().await?, COLUMNS, from, "proposed_at, id", args, page, row).await
    }

    async fn ledger_record(&self, user: Uuid) -> StoreResult<LedgerRecord> {
        let mut c = self.read().await?;
        let mut record = LedgerRecord::default();
        for (_, tally) in tallies(&mut c, user, "e.status", "exchanges e", 1).await? {
            record.total = tally;
        }
        let tagged = "exchanges e JOIN exchange_tags t ON t.exchange_id = e.id";
        for (r, tally) in tallies(&mut c, user, "t.tag", tagged, RECORD_TOPICS).await? {
            record.topics.push((r.text("key")?, tally));
        }
        let at_venues = "exchanges e JOIN venues v ON v.id = e.venue_id";
        for (r, tally) in tallies(&mut c, user, "e.venue_id", at_venues, 1000).await? {
            record.venues.push((r.uuid("key")?, tally));
        }
        // Days since the epoch, in plain integer arithmetic, which both dialects share.
        for (r, tally) in tallies(&mut c, user, "e.answered_at / 86400", "exchanges e", 100_000).await? {
            record.days.push((r.int("key")?, tally));
        }
        record.days.sort_by_key(|(day, _)| *day);
        Ok(record)
    }
}

#[async_trait]
impl<T: Transaction> ExchangesWork for SqlWork<T> {
    async fn propose_exchange(&mut self, draft: &ExchangeDraft, now: i64) -> StoreResult<Exchange> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO exchanges (id, giver_id, receiver_id, proposer_id, venue_id, source, source_id, tags, \
                   text, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        let args = args![
            id,
            draft.giver,
            draft.receiver,
            draft.proposer,
            draft.venue,
            draft.source.as_str(),
            draft.source_id,
            json(&draft.tags)?,
            &draft.text,
            now,
        ];
        if self.tx.insert(sql, args).await?.is_none() {
            return Err(ExchangeConflict::AlreadyRecorded.into());
        }
        for tag in &draft.tags {
            self.tx.execute("INSERT INTO exchange_tags (exchange_id, tag) VALUES ($1, $2)", args![id, tag]).await?;
        }
        let exchange = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("exchange"))?;
        record(&mut self.tx, &NewEvent::exchange(EventType::ExchangeProposed, &exchange, now)).await?;
        Ok(exchange)
    }

    async fn answer_exchange(&mut self, id: Uuid, user: Uuid, answer: Answer, now: i64) -> StoreResult<Exchange> {
        let lock = self.tx.dialect().lock();
        let current = fetch(&mut self.tx, id, lock).await?.ok_or(StoreError::NotFound("exchange"))?;
        let status = match exchange::answer(&current.proposal(), user, answer, now) {
            Ok(Change::Nothing) => return Ok(current),
            Ok(Change::Confirm) => Status::Confirmed,
            Ok(Change::Decline) => Status::Declined,
            Err(Refusal::NotFound) => return Err(StoreError::NotFound("exchange")),
            Err(Refusal::OwnProposal) => return Err(ExchangeConflict::OwnProposal.into()),
            Err(Refusal::Answered) => return Err(ExchangeConflict::Answered.into()),
            Err(Refusal::Lapsed) => return Err(ExchangeConflict::Lapsed.into()),
        };
        let sql = "UPDATE exchanges SET status = $1, answered_at = $2 WHERE id = $3";
        self.tx.execute(sql, args![status.as_str(), now, id]).await?;
        let exchange = fetch(&mut self.tx, id, "").await?.ok_or(StoreError::NotFound("exchange"))?;
        if status == Status::Confirmed {
            let tags = "UPDATE exchange_tags SET confirmed_at = $1 WHERE exchange_id = $2";
            self.tx.execute(tags, args![now, id]).await?;
            record(&mut self.tx, &NewEvent::exchange(EventType::ExchangeConfirmed, &exchange, now)).await?;
        }
        Ok(exchange)
    }
}
