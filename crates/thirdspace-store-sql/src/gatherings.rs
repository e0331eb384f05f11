//! Gatherings, their dates and the answers for each date. Every write that touches a date's
//! places locks the date's row first, so capacity and the line hold across connections and
//! processes; the domain decides where an answer lands and how many places are offered.

use async_trait::async_trait;
use thirdspace_domain::gathering::{self, GatheringDraft, Kind, Occurrence, RsvpStatus};
use thirdspace_domain::venue::city_key;
use thirdspace_store::outbox::NewEvent;
use thirdspace_store::*;
use uuid::Uuid;

use crate::bookings::seats_for_gathering;
use crate::outbox::record;
use crate::rows::minute;
use crate::{args, json, Backend, Columns, Sql, SqlStore, SqlWork, Transaction};

const GATHERING_COLUMNS: &str = "g.id, g.organiser_id, g.venue_id, g.kind, g.title, g.description, g.tags, g.address, \
     g.city, g.time_zone, g.start_minute, g.end_minute, g.members_only, g.requires_approval, g.repeat, g.created_at";

/// A date's columns with how its places stand (`taken` and `waiting` are kept by every write that
/// changes an answer's status, in its transaction: see [`counted`]).
const DATE_COLUMNS: &str =
    "d.id AS date_id, d.gathering_id, d.date, d.starts_at, d.ends_at, d.capacity, d.cancelled_at, d.sequence, \
     d.space_id, d.attendance_confirmed_at, d.taken, d.waiting";

const RSVP_COLUMNS: &str =
    "id, date_id, user_id, status, position, offered_until, moved_up, created_at, updated_at, attended_at";

/// The line's order: places held first, then those in line, then those waiting for the
/// organiser, then the rest; each by place in line.
const LINE_ORDER: &str = "CASE status WHEN 'going' THEN 0 WHEN 'offered' THEN 0 WHEN 'waiting' THEN 1 \
     WHEN 'pending' THEN 2 ELSE 3 END, position, id";

fn gathering_row(r: &impl Columns) -> StoreResult<Gathering> {
    Ok(Gathering {
        id: r.uuid("id")?,
        organiser_id: r.uuid("organiser_id")?,
        venue_id: r.opt_uuid("venue_id")?,
        kind: r.parsed("kind", Kind::from_str_opt)?,
        title: r.text("title")?,
        description: r.opt_text("description")?,
        tags: r.json("tags")?,
        address: r.opt_text("address")?,
        city: r.text("city")?,
        time_zone: r.text("time_zone")?,
        start: minute(r, "start_minute")?,
        end: minute(r, "end_minute")?,
        members_only: r.bool("members_only")?,
        requires_approval: r.bool("requires_approval")?,
        repeat: r.opt_text("repeat")?,
        created_at: r.int("created_at")?,
    })
}

fn date_row(r: &impl Columns) -> StoreResult<GatheringDate> {
    Ok(GatheringDate {
        id: r.uuid("date_id")?,
        gathering_id: r.uuid("gathering_id")?,
        date: r.date("date")?,
        starts_at: r.int("starts_at")?,
        ends_at: r.int("ends_at")?,
        capacity: r.unsigned("capacity")?,
        cancelled_at: r.opt_int("cancelled_at")?,
        sequence: r.unsigned("sequence")?,
        space_id: r.opt_uuid("space_id")?,
        attendance_confirmed_at: r.opt_int("attendance_confirmed_at")?,
        taken: r.unsigned("taken")?,
        waiting: r.unsigned("waiting")?,
    })
}

fn rsvp_row(r: &impl Columns) -> StoreResult<Rsvp> {
    rsvp_columns(r, "")
}

/// An answer from columns named with `prefix` (when read beside the date's own `id`).
fn rsvp_columns(r: &impl Columns, prefix: &str) -> StoreResult<Rsvp> {
    let c = |name: &str| format!("{prefix}{name}");
    Ok(Rsvp {
        id: r.uuid(&c("id"))?,
        date_id: r.uuid(&c("date_id"))?,
        user_id: r.uuid(&c("user_id"))?,
        status: r.parsed(&c("status"), RsvpStatus::from_str_opt)?,
        position: r.int(&c("position"))?,
        offered_until: r.opt_int(&c("offered_until"))?,
        moved_up: r.opt_text(&c("moved_up"))?,
        created_at: r.int(&c("created_at"))?,
        updated_at: r.int(&c("updated_at"))?,
        attended_at: r.opt_int(&c("attended_at"))?,
    })
}

async fn fetch_gathering<C: Sql>(c: &mut C, id: Uuid) -> StoreResult<Option<Gathering>> {
    let sql = format!("SELECT {GATHERING_COLUMNS} FROM gatherings g WHERE g.id = $1");
    c.fetch_optional(&sql, args![id]).await?.map(|r| gathering_row(&r)).transpose()
}

async fn fetch_date<C: Sql>(c: &mut C, id: Uuid) -> StoreResult<Option<(Gathering, GatheringDate)>> {
    let sql = format!(
        "SELECT {GATHERING_COLUMNS}, {DATE_COLUMNS} FROM gathering_dates d JOIN gatherings g ON g.id = d.gathering_id \
         WHERE d.id = $1"
    );
    match c.fetch_optional(&sql, args![id]).await? {
        Some(r) => Ok(Some((gathering_row(&r)?, date_row(&r)?))),
        None => Ok(None),
    }
}

async fn answers_of<C: Sql>(c: &mut C, date: Uuid) -> StoreResult<Vec<Rsvp>> {
    let sql = format!("SELECT {RSVP_COLUMNS} FROM gathering_rsvps WHERE date_id = $1 ORDER BY {LINE_ORDER}");
    c.fetch_all(&sql, args![date]).await?.iter().map(rsvp_row).collect()
}

async fn fetch_rsvp<C: Sql>(c: &mut C, date: Uuid, user: Uuid) -> StoreResult<Option<Rsvp>> {
    let sql = format!("SELECT {RSVP_COLUMNS} FROM gathering_rsvps WHERE date_id = $1 AND user_id = $2");
    c.fetch_optional(&sql, args![date, user]).await?.map(|r| rsvp_row(&r)).transpose()
}

/// Locks a date's row (every change of its places goes through here) and reads it.
async fn lock_date<C: Sql>(c: &mut C, id: Uuid) -> StoreResult<(Gathering, GatheringDate)> {
    let lock = format!("SELECT id FROM gathering_dates WHERE id = $1{}", c.dialect().lock());
    c.fetch_optional(&lock, args![id]).await?.ok_or(StoreError::NotFound("gathering date"))?;
    fetch_date(c, id).await?.ok_or(StoreError::NotFound("gathering date"))
}

/// Refuses a change to a date that was cancelled or has started.
fn open_date(date: &GatheringDate, now: i64) -> StoreResult<()> {
    gathering::may_answer(date.starts_at, date.cancelled_at.is_some(), now).map_err(|refusal| {
        match refusal {
            gathering::RsvpRefusal::Cancelled => GatheringConflict::DateCancelled,
            _ => GatheringConflict::Started,
        }
        .into()
    })
}

/// How an answer in `status` counts in its date's places: (taken, waiting).
fn counts(status: RsvpStatus) -> (i64, i64) {
    (i64::from(status.takes_place()), i64::from(status == RsvpStatus::Waiting))
}

/// What changing an answer from `from` (none for a new one) to `to` adds to its date's `taken`
/// and `waiting`.
fn counted(from: Option<RsvpStatus>, to: RsvpStatus) -> (i64, i64) {
    let ((old_taken, old_waiting), (taken, waiting)) = (from.map_or((0, 0), counts), counts(to));
    (taken - old_taken, waiting - old_waiting)
}

/// Sets an answer's status (and what goes with it), keeps its date's counts and records the
/// change.
async fn set_status<C: Sql>(
    c: &mut C,
    g: &Gathering,
    rsvp: &Rsvp,
    status: RsvpStatus,
    offered_until: Option<i64>,
    now: i64,
) -> StoreResult<Rsvp> {
    let sql = "UPDATE gathering_rsvps SET status = $1, offered_until = $2, updated_at = $3 WHERE id = $4";
    c.execute(sql, args![status.as_str(), offered_until, now, rsvp.id]).await?;
    let (taken, waiting) = counted(Some(rsvp.status), status);
    if (taken, waiting) != (0, 0) {
        let sql = "UPDATE gathering_dates SET taken = taken + $1, waiting = waiting + $2 WHERE id = $3";
        c.execute(sql, args![taken, waiting, rsvp.date_id]).await?;
    }
    let changed = Rsvp { status, offered_until, updated_at: now, ..rsvp.clone() };
    record(c, &NewEvent::rsvp(g, &changed, now)).await?;
    Ok(changed)
}

/// Offers the places of a locked date that nobody holds to the first in line, as the domain
/// counts them.
async fn offer_free<C: Sql>(c: &mut C, id: Uuid, now: i64) -> StoreResult<Vec<Rsvp>> {
    let (g, date) = fetch_date(c, id).await?.ok_or(StoreError::NotFound("gathering date"))?;
    let places = gathering::places_to_offer(date.capacity, date.taken);
    if places == 0 || date.cancelled_at.is_some() || date.starts_at <= now {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {RSVP_COLUMNS} FROM gathering_rsvps WHERE date_id = $1 AND status = 'waiting' \
         ORDER BY position, id LIMIT $2"
    );
    let next = c.fetch_all(&sql, args![id, i64::from(places)]).await?;
    let until = gathering::offer_deadline(now, date.starts_at);
    let mut offered = Vec::with_capacity(next.len());
    for r in next {
        offered.push(set_status(c, &g, &rsvp_row(&r)?, RsvpStatus::Offered, Some(until), now).await?);
    }
    Ok(offered)
}

#[async_trait]
impl<B: Backend> Gatherings for SqlStore<B> {
    async fn gathering(&self, id: Uuid) -> StoreResult<Option<Gathering>> {
        fetch_gathering(&mut self.read().await?, id).await
    }

    async fn gathering_dates(&self, gathering: Uuid) -> StoreResult<Vec<GatheringDate>> {
        let sql = format!(
            "SELECT {DATE_COLUMNS} FROM gathering_dates d WHERE d.gathering_id = $1 ORDER BY d.starts_at, d.id"
        );
        self.read().await?.fetch_all(&sql, args![gathering]).await?.iter().map(date_row).collect()
    }

    async fn gathering_date(&self, id: Uuid) -> StoreResult<Option<(Gathering, GatheringDate)>> {
        fetch_date(&mut self.read().await?, id).await
    }

    async fn check_ins_at(&self, date: Uuid) -> StoreResult<Vec<(Uuid, i64, Option<i64>)>> {
        let sql = "SELECT b.user_id, b.checked_in_at, b.checked_out_at FROM gathering_dates d \
                   JOIN gathering_rsvps r ON r.date_id = d.id AND r.status = 'going' \
                   JOIN bookings b ON b.venue_id = d.venue_id AND b.user_id = r.user_id AND b.date = d.date \
                   WHERE d.id = $1 AND b.checked_in_at IS NOT NULL ORDER BY b.checked_in_at, b.id";
        let rows = self.read().await?.fetch_all(sql, args![date]).await?;
        rows.iter().map(|r| Ok((r.uuid("user_id")?, r.int("checked_in_at")?, r.opt_int("checked_out_at")?))).collect()
    }

    async fn calendar_holder(&self, key_hash: &str) -> StoreResult<Option<Uuid>> {
        let sql = "SELECT user_id FROM calendar_keys WHERE key_hash = $1";
        self.read().await?.fetch_optional(sql, args![key_hash]).await?.map(|r| r.uuid("user_id")).transpose()
    }

    async fn answered_by(
        &self,
        user: Uuid,
        (from, to): (i64, i64),
        limit: u32,
    ) -> StoreResult<Vec<(Gathering, GatheringDate, Rsvp)>> {
        let columns = RSVP_COLUMNS.split(", ").map(|c| format!("r.{c} AS r_{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {GATHERING_COLUMNS}, {DATE_COLUMNS}, {columns} FROM gathering_rsvps r \
             JOIN gathering_dates d ON d.id = r.date_id JOIN gatherings g ON g.id = d.gathering_id \
             WHERE r.user_id = $1 AND d.starts_at >= $2 AND d.starts_at < $3 ORDER BY d.starts_at, d.id LIMIT $4"
        );
        let rows = self.read().await?.fetch_all(&sql, args![user, from, to, i64::from(limit)]).await?;
        rows.iter().map(|r| Ok((gathering_row(r)?, date_row(r)?, rsvp_columns(r, "r_")?))).collect()
    }

    async fn gathering_message(&self, id: Uuid) -> StoreResult<Option<GatheringMessage>> {
        let sql = "SELECT id, date_id, author_id, subject, body, created_at FROM gathering_messages WHERE id = $1";
        let row = self.read().await?.fetch_optional(sql, args![id]).await?;
        row.map(|r| {
            Ok(GatheringMessage {
                id: r.uuid("id")?,
                date_id: r.uuid("date_id")?,
                author_id: r.uuid("author_id")?,
                subject: r.text("subject")?,
                body: r.text("body")?,
                created_at: r.int("created_at")?,
            })
        })
        .transpose()
    }

    async fn rsvps(&self, date: Uuid) -> StoreResult<Vec<Rsvp>> {
        answers_of(&mut self.read().await?, date).await
    }

    async fn rsvps_of(&self, gathering: Uuid, user: Uuid) -> StoreResult<Vec<Rsvp>> {
        let columns = RSVP_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns} FROM gathering_rsvps r JOIN gathering_dates d ON d.id = r.date_id \
             WHERE d.gathering_id = $1 AND r.user_id = $2 ORDER BY d.starts_at, d.id"
        );
        self.read().await?.fetch_all(&sql, args![gathering, user]).await?.iter().map(rsvp_row).collect()
    }

    async fn gathering_dates_in(
        &self,
        place: Where<'_>,
        (from, to): (i64, i64),
        limit: u32,
        with_cancelled: bool,
    ) -> StoreResult<Vec<(Gathering, GatheringDate)>> {
        let (clause, key) = match place {
            Where::Venue(venue) => ("d.venue_id = $1", venue.into()),
            Where::City(city) => ("d.city_key = $1", city.into()),
        };
        let sql = format!(
            "SELECT {GATHERING_COLUMNS}, {DATE_COLUMNS} FROM gathering_dates d JOIN gatherings g ON g.id = d.gathering_id \
             WHERE {clause} AND d.starts_at >= $2 AND d.starts_at < $3{} \
             ORDER BY d.starts_at, d.id LIMIT $4",
            if with_cancelled { "" } else { " AND d.cancelled_at IS NULL" }
        );
        let rows = self.read().await?.fetch_all(&sql, &[key, from.into(), to.into(), i64::from(limit).into()]).await?;
        rows.iter().map(|r| Ok((gathering_row(r)?, date_row(r)?))).collect()
    }
}

#[async_trait]
impl<T: Transaction> GatheringsWork for SqlWork<T> {
    async fn create_gathering(&mut self, organiser: Uuid, d: &GatheringDraft, now: i64) -> StoreResult<Gathering> {
        let id = Uuid::now_v7();
        let sql = "INSERT INTO gatherings (id, organiser_id, venue_id, kind, title, description, tags, address, city, \
                   city_key, time_zone, start_minute, end_minute, members_only, requires_approval, repeat, created_at, \
                   updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)";
        let key = city_key(&d.city);
        let args = args![
            id,
            organiser,
            d.venue_id,
            d.kind.as_str(),
            &d.title,
            &d.description,
            json(&d.tags)?,
            &d.address,
            &d.city,
            &key,
            d.time_zone.name(),
            i64::from(d.start.minutes()),
            i64::from(d.end.minutes()),
            d.members_only,
            d.requires_approval,
            &d.repeat,
            now,
        ];
        self.tx.execute(sql, args).await?;
        let date = "INSERT INTO gathering_dates (id, gathering_id, venue_id, city_key, date, starts_at, ends_at, \
                    capacity, space_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        for o in &d.occurrences {
            let space = match d.venue_id {
                Some(venue) => {
                    let span = ((o.starts_at, o.ends_at), o.date);
                    let found = seats_for_gathering(&mut self.tx, venue, span, d.capacity, (None, now)).await?;
                    Some(found.ok_or(GatheringConflict::NoSeats)?)
                }
                None => None,
            };
            let args = args![
                Uuid::now_v7(),
                id,
                d.venue_id,
                &key,
                o.date,
                o.starts_at,
                o.ends_at,
                i64::from(d.capacity),
                space
            ];
            self.tx.execute(date, args).await?;
        }
        let made = fetch_gathering(&mut self.tx, id).await?.ok_or(StoreError::NotFound("gathering"))?;
        record(&mut self.tx, &NewEvent::gathering(&made, d.occurrences.len(), now)).await?;
        Ok(made)
    }

    async fn answer_gathering(&mut self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Rsvp> {
        let (g, d) = lock_date(&mut self.tx, date).await?;
        open_date(&d, now)?;
        let existing = fetch_rsvp(&mut self.tx, date, user).await?;
        if let Some(standing) = existing.as_ref().filter(|r| r.status.is_active()) {
            return Ok(standing.clone());
        }
        let status = gathering::answer(d.capacity, d.taken, g.requires_approval);
        // A withdrawn answer counted nowhere, like a new one.
        let (taken, waiting) = counted(None, status);
        let position = "UPDATE gathering_dates SET answers = answers + 1, taken = taken + $1, \
                        waiting = waiting + $2 WHERE id = $3 RETURNING answers";
        let row = self
            .tx
            .fetch_optional(position, args![taken, waiting, date])
            .await?
            .ok_or(StoreError::NotFound("gathering date"))?;
        let position = row.int("answers")?;
        let rsvp = match existing {
            Some(withdrawn) => {
                let sql =
                    "UPDATE gathering_rsvps SET status = $1, position = $2, offered_until = NULL, moved_up = NULL, \
                           updated_at = $3 WHERE id = $4";
                self.tx.execute(sql, args![status.as_str(), position, now, withdrawn.id]).await?;
                Rsvp { status, position, offered_until: None, moved_up: None, updated_at: now, ..withdrawn }
            }
            None => {
                let id = Uuid::now_v7();
                let sql =
                    "INSERT INTO gathering_rsvps (id, date_id, user_id, status, position, created_at, updated_at) \
                           VALUES ($1, $2, $3, $4, $5, $6, $6)";
                self.tx.execute(sql, args![id, date, user, status.as_str(), position, now]).await?;
                Rsvp {
                    id,
                    date_id: date,
                    user_id: user,
                    status,
                    position,
                    offered_until: None,
                    moved_up: None,
                    created_at: now,
                    updated_at: now,
                    attended_at: None,
                }
            }
        };
        record(&mut self.tx, &NewEvent::rsvp(&g, &rsvp, now)).await?;
        Ok(rsvp)
    }

    async fn leave_gathering(&mut self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Answered> {
        let (g, d) = lock_date(&mut self.tx, date).await?;
        open_date(&d, now)?;
        let current = fetch_rsvp(&mut self.tx, date, user)
            .await?
            .filter(|r| r.status.is_active())
            .ok_or(GatheringConflict::NotAnswered)?;
        let rsvp = set_status(&mut self.tx, &g, &current, RsvpStatus::Cancelled, None, now).await?;
        let offered =
            if current.status.takes_place() { offer_free(&mut self.tx, date, now).await? } else { Vec::new() };
        Ok(Answered { rsvp, offered })
    }

    async fn take_offer(&mut self, date: Uuid, user: Uuid, now: i64) -> StoreResult<Rsvp> {
        let (g, d) = lock_date(&mut self.tx, date).await?;
        open_date(&d, now)?;
        let offer = fetch_rsvp(&mut self.tx, date, user)
            .await?
            .filter(|r| r.status == RsvpStatus::Offered && r.offered_until.is_some_and(|until| until > now))
            .ok_or(GatheringConflict::NoOffer)?;
        set_status(&mut self.tx, &g, &offer, RsvpStatus::Going, None, now).await
    }

    async fn decide_rsvp(&mut self, date: Uuid, user: Uuid, approve: bool, now: i64) -> StoreResult<Answered> {
        let (g, d) = lock_date(&mut self.tx, date).await?;
        open_date(&d, now)?;
        let pending = fetch_rsvp(&mut self.tx, date, user)
            .await?
            .filter(|r| r.status == RsvpStatus::Pending)
            .ok_or(GatheringConflict::NotPending)?;
        let status = if approve { gathering::approved(d.capacity, d.taken) } else { RsvpStatus::Declined };
        let rsvp = set_status(&mut self.tx, &g, &pending, status, None, now).await?;
        Ok(Answered { rsvp, offered: Vec::new() })
    }

    async fn move_up(&mut self, date: Uuid, user: Uuid, reason: &str, now: i64) -> StoreResult<Answered> {
        let (_, d) = lock_date(&mut self.tx, date).await?;
        open_date(&d, now)?;
        let waiting = fetch_rsvp(&mut self.tx, date, user)
            .await?
            .filter(|r| r.status == RsvpStatus::Waiting)
            .ok_or(GatheringConflict::NotInLine)?;
        let sql = "UPDATE gathering_rsvps SET moved_up = $1, updated_at = $2, position = \
                   (SELECT MIN(w.position) - 1 FROM gathering_rsvps w WHERE w.date_id = $3 AND w.status = 'waiting') \
                   WHERE id = $4";
        self.tx.execute(sql, args![reason, now, date, waiting.id]).await?;
        let offered = offer_free(&mut self.tx, date, now).await?;
        let rsvp = fetch_rsvp(&mut self.tx, date, user).await?.ok_or(StoreError::NotFound("answer"))?;
        Ok(Answered { rsvp, offered })
    }

    async fn cancel_gathering_date(&mut self, date: Uuid, now: i64) -> StoreResult<GatheringDate> {
        let (g, d) = lock_date(&mut self.tx, date).await?;
        if d.cancelled_at.is_some() {
            return Ok(d);
        }
        open_date(&d, now)?;
        self.tx.execute("UPDATE gathering_dates SET cancelled_at = $1 WHERE id = $2", args![now, date]).await?;
        record(&mut self.tx, &NewEvent::date_cancelled(&g, date, now)).await?;
        Ok(GatheringDate { cancelled_at: Some(now), ..d })
    }

    async fn lapse_offers(&mut self, now: i64) -> StoreResult<Vec<Answered>> {
        let sql = "SELECT DISTINCT date_id FROM gathering_rsvps WHERE status = 'offered' AND offered_until <= $1";
        let dates: Vec<Uuid> =
            self.tx.fetch_all(sql, args![now]).await?.iter().map(|r| r.uuid("date_id")).collect::<StoreResult<_>>()?;
        let mut lapsed = Vec::new();
        for date in dates {
            let (g, _) = lock_date(&mut self.tx, date).await?;
            let sql = format!(
                "SELECT {RSVP_COLUMNS} FROM gathering_rsvps WHERE date_id = $1 AND status = 'offered' \
                 AND offered_until <= $2 ORDER BY position, id"
            );
            let passed = self.tx.fetch_all(&sql, args![date, now]).await?;
            let mut gone = Vec::with_capacity(passed.len());
            for r in passed {
                gone.push(set_status(&mut self.tx, &g, &rsvp_row(&r)?, RsvpStatus::Cancelled, None, now).await?);
            }
            let mut offered = offer_free(&mut self.tx, date, now).await?;
            for rsvp in gone {
                lapsed.push(Answered { rsvp, offered: std::mem::take(&mut offered) });
            }
        }
        Ok(lapsed)
    }

    async fn answers(&mut self, date: Uuid) -> StoreResult<Vec<Rsvp>> {
        answers_of(&mut self.tx, date).await
    }

    async fn change_gathering(&mut self, id: Uuid, change: &GatheringChange, now: i64) -> StoreResult<Changed> {
        let g = fetch_gathering(&mut self.tx, id).await?.ok_or(StoreError::NotFound("gathering"))?;
        let sql = "SELECT id FROM gathering_dates WHERE gathering_id = $1 AND cancelled_at IS NULL AND starts_at > $2 \
                   ORDER BY starts_at, id";
        let coming: Vec<Uuid> =
            self.tx.fetch_all(sql, args![id, now]).await?.iter().map(|r| r.uuid("id")).collect::<StoreResult<_>>()?;
        let mut offered = Vec::new();
        for &date in &coming {
            let (_, d) = lock_date(&mut self.tx, date).await?;
            if let Some(capacity) = change.capacity {
                gathering::may_resize(capacity, d.taken).map_err(|_| GatheringConflict::BelowGoing)?;
                let space = match g.venue_id {
                    Some(venue) if capacity != d.capacity => {
                        let span = ((d.starts_at, d.ends_at), d.date);
                        let found = seats_for_gathering(&mut self.tx, venue, span, capacity, (Some(date), now)).await?;
                        Some(found.ok_or(GatheringConflict::NoSeats)?)
                    }
                    _ => d.space_id,
                };
                let sql = "UPDATE gathering_dates SET capacity = $1, space_id = $2 WHERE id = $3";
                self.tx.execute(sql, args![i64::from(capacity), space, date]).await?;
                offered.extend(offer_free(&mut self.tx, date, now).await?);
            }
            self.tx.execute("UPDATE gathering_dates SET sequence = sequence + 1 WHERE id = $1", args![date]).await?;
        }
        let sql = "UPDATE gatherings SET title = $1, description = $2, tags = $3, updated_at = $4 WHERE id = $5";
        let title = change.title.as_ref().unwrap_or(&g.title);
        let description = change.description.as_ref().unwrap_or(&g.description);
        let tags = json(change.tags.as_ref().unwrap_or(&g.tags))?;
        self.tx.execute(sql, args![title, description, tags, now, id]).await?;
        let gathering = fetch_gathering(&mut self.tx, id).await?.ok_or(StoreError::NotFound("gathering"))?;
        record(&mut self.tx, &NewEvent::gathering_changed(&gathering, &coming, now)).await?;
        let mut dates = Vec::with_capacity(coming.len());
        for date in coming {
            dates.push(fetch_date(&mut self.tx, date).await?.ok_or(StoreError::NotFound("gathering date"))?.1);
        }
        Ok(Changed { gathering, dates, offered })
    }

    async fn set_calendar_key(&mut self, user: Uuid, key_hash: Option<&str>, now: i64) -> StoreResult<()> {
        self.tx.execute("DELETE FROM calendar_keys WHERE user_id = $1", args![user]).await?;
        if let Some(hash) = key_hash {
            let sql = "INSERT INTO calendar_keys (user_id, key_hash, created_at) VALUES ($1, $2, $3)";
            self.tx.execute(sql, args![user, hash, now]).await?;
        }
        Ok(())
    }

    async fn confirm_attendance(&mut self, date: Uuid, attended: &[Uuid], now: i64) -> StoreResult<GatheringDate> {
        let (_, d) = lock_date(&mut self.tx, date).await?;
        if d.attendance_confirmed_at.is_some() {
            return Err(GatheringConflict::AttendanceConfirmed.into());
        }
        if d.cancelled_at.is_some() {
            return Err(GatheringConflict::DateCancelled.into());
        }
        if d.starts_at > now {
            return Err(GatheringConflict::NotBegun.into());
        }
        let sql =
            "UPDATE gathering_rsvps SET attended_at = $1 WHERE date_id = $2 AND user_id = $3 AND status = 'going'";
        for &user in attended {
            self.tx.execute(sql, args![now, date, user]).await?;
        }
        self.tx
            .execute("UPDATE gathering_dates SET attendance_confirmed_at = $1 WHERE id = $2", args![now, date])
            .await?;
        Ok(fetch_date(&mut self.tx, date).await?.ok_or(StoreError::NotFound("gathering date"))?.1)
    }

    async fn reschedule_date(&mut self, date: Uuid, moved: &Occurrence, now: i64) -> StoreResult<GatheringDate> {
        let (g, d) = lock_date(&mut self.tx, date).await?;
        open_date(&d, now)?;
        let space = match g.venue_id {
            Some(venue) => {
                let span = ((moved.starts_at, moved.ends_at), moved.date);
                let found = seats_for_gathering(&mut self.tx, venue, span, d.capacity, (Some(date), now)).await?;
                Some(found.ok_or(GatheringConflict::NoSeats)?)
            }
            None => None,
        };
        let sql = "UPDATE gathering_dates SET date = $1, starts_at = $2, ends_at = $3, space_id = $4, \
                   sequence = sequence + 1 WHERE id = $5";
        self.tx.execute(sql, args![moved.date, moved.starts_at, moved.ends_at, space, date]).await?;
        record(&mut self.tx, &NewEvent::gathering_changed(&g, &[date], now)).await?;
        Ok(fetch_date(&mut self.tx, date).await?.ok_or(StoreError::NotFound("gathering date"))?.1)
    }

    async fn add_gathering_message(&mut self, m: &GatheringMessage) -> StoreResult<()> {
        let sql = "INSERT INTO gathering_messages (id, date_id, author_id, subject, body, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        self.tx.execute(sql, args![m.id, m.date_id, m.author_id, &m.subject, &m.body, m.created_at]).await?;
        Ok(())
    }
}
