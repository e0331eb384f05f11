//! The social-capital ledger: recording that one person helped another, the other side's
//! confirmation, and a person's record of what they gave and received.

use thirdspace_domain::booking::BookingStatus;
use thirdspace_domain::exchange::{self, Answer, ExchangeDraft, ExchangeInput, Role, Shown, Source};
use thirdspace_domain::profile::may_see;
use thirdspace_domain::Invalid;
use thirdspace_store::{Exchange, LedgerRecord, Page, Paged, Tally, User};
use uuid::Uuid;

use super::profiles::{self, viewer_of};
use super::{access, AppError, AppResult};
use crate::AppState;

/// An exchange as one of its two people sees it.
pub struct ExchangeView {
    pub exchange: Exchange,
    /// The viewer's part.
    pub role: Role,
    /// Where it stands for the viewer (a decline shows to the proposer as pending).
    pub status: Shown,
    /// The viewer is the one asked to confirm it, and still may.
    pub awaiting_me: bool,
    /// The other person, when they allow the viewer to see them now.
    pub with_id: Option<Uuid>,
    pub with_name: Option<String>,
}

/// An exchange as `viewer`, one of its two people, sees it now.
pub async fn view(state: &AppState, viewer: &User, exchange: Exchange) -> AppResult<ExchangeView> {
    let now = state.clock.now();
    let shown = profiles::shown(state, Some(viewer), exchange.other(viewer.id)).await?;
    let proposal = exchange.proposal();
    let status = exchange::shown(&proposal, viewer.id, now);
    Ok(ExchangeView {
        role: if exchange.giver_id == viewer.id { Role::Gave } else { Role::Received },
        awaiting_me: status == Shown::Pending && exchange.proposer_id != viewer.id,
        status,
        with_id: shown.as_ref().map(|p| p.user_id),
        with_name: shown.map(|p| p.display_name),
        exchange,
    })
}

/// Checks that what an exchange says it came from is so: an introduction its two people met in,
/// a question the receiver asked and marked answered, a visit on which the giver pledged. The
/// venue, when not given, is where it happened.
async fn checked_source(state: &AppState, draft: &mut ExchangeDraft) -> AppResult<()> {
    let Some(id) = draft.source_id else { return Ok(()) };
    let pair =
        |a: Uuid, b: Uuid| (a == draft.giver && b == draft.receiver) || (a == draft.receiver && b == draft.giver);
    let venue = match draft.source {
        Source::Introduction => match state.store.intro(id).await? {
            Some(intro) if intro.met_at.is_some() && pair(intro.person_a, intro.person_b) => intro.venue_id,
            _ => return Err(Invalid::new("source_id", "name an introduction you both marked as met").into()),
        },
        Source::Question => match state.store.question(id).await? {
            Some(q) if q.answered && q.asker_id == draft.receiver => Some(q.venue_id),
            _ => {
                return Err(Invalid::new(
                    "source_id",
                    "name a question its asker, who received the help, marked answered",
                )
                .into())
            }
        },
        Source::Pledge => match state.store.booking(id).await? {
            Some(b)
                if b.user_id == draft.giver
                    && matches!(b.status, BookingStatus::CheckedIn | BookingStatus::CheckedOut) =>
            {
                Some(b.venue_id)
            }
            _ => return Err(Invalid::new("source_id", "name a visit on which the giver pledged and came").into()),
        },
        Source::Free => None,
    };
    draft.venue = draft.venue.or(venue);
    Ok(())
}

/// Records that `actor` helped someone or was helped: the other person is asked to confirm it.
/// The other person must be someone `actor` may see now; where it came from must be so.
pub async fn propose(state: &AppState, actor: &User, input: ExchangeInput) -> AppResult<ExchangeView> {
    let mut draft = ExchangeDraft::parse(actor.id, input)?;
    let other = if draft.giver == actor.id { draft.receiver } else { draft.giver };
    if profiles::shown(state, Some(actor), other).await?.is_none() {
        return Err(Invalid::new("with", "choose someone you can see: this person is unknown or hidden").into());
    }
    if let Some(venue) = draft.venue {
        access::venue_named(state, venue, "venue_id").await?;
    }
    checked_source(state, &mut draft).await?;
    let exchange = state.store.propose_exchange(&draft, state.clock.now()).await?;
    view(state, actor, exchange).await
}

/// `actor` confirms or declines an exchange the other side proposed.
pub async fn answer(state: &AppState, actor: &User, id: Uuid, answer: Answer) -> AppResult<ExchangeView> {
    let exchange = state.store.answer_exchange(id, actor.id, answer, state.clock.now()).await?;
    view(state, actor, exchange).await
}

/// One of `actor`'s exchanges; anyone else's is not found.
pub async fn one(state: &AppState, actor: &User, id: Uuid) -> AppResult<ExchangeView> {
    match state.store.exchange(id).await? {
        Some(e) if e.giver_id == actor.id || e.receiver_id == actor.id => view(state, actor, e).await,
        _ => Err(AppError::NotFound("exchange")),
    }
}

/// `actor`'s exchanges, newest first.
pub async fn mine(state: &AppState, actor: &User, page: Page) -> AppResult<Paged<ExchangeView>> {
    let exchanges = state.store.exchanges_of(actor.id, page).await?;
    let mut items = Vec::with_capacity(exchanges.items.len());
    for exchange in exchanges.items {
        items.push(view(state, actor, exchange).await?);
    }
    Ok(Paged { items, page: exchanges.page, per_page: exchanges.per_page, total: exchanges.total })
}

/// A record's days (since the epoch, UTC) summed by month, `YYYY-MM`, oldest first.
pub fn months(days: &[(i64, Tally)]) -> Vec<(String, Tally)> {
    let mut months: Vec<(String, Tally)> = Vec::new();
    for (day, tally) in days {
        let Some(date) = chrono::DateTime::from_timestamp(day.saturating_mul(86_400), 0) else { continue };
        let month = date.format("%Y-%m").to_string();
        match months.last_mut() {
            Some((last, sum)) if *last == month => {
                sum.given += tally.given;
                sum.received += tally.received;
            }
            _ => months.push((month, tally.clone())),
        }
    }
    months
}

/// A person's record, when they allow `viewer` to see it now (their profile and their record
/// both); not found otherwise, so a hidden record cannot be told from a missing person.
pub async fn record_of(state: &AppState, viewer: Option<&User>, person: Uuid) -> AppResult<LedgerRecord> {
    let profile = state.store.profile(person).await?.ok_or(AppError::NotFound("person"))?;
    let relation = viewer_of(state, viewer, person, state.clock.now()).await?;
    if !may_see(profile.visibility, relation) || !may_see(profile.record_visibility, relation) {
        return Err(AppError::NotFound("person"));
    }
    Ok(state.store.ledger_record(person).await?)
}

/// `actor`'s own record: confirmed exchanges given and received.
pub async fn my_record(state: &AppState, actor: &User) -> AppResult<LedgerRecord> {
    Ok(state.store.ledger_record(actor.id).await?)
}

/// The exchanges `actor` may name as a pledge kept (given by them, neither declined nor lapsed),
/// newest first, among their latest hundred.
pub async fn pledge_choices(state: &AppState, actor: &User) -> AppResult<Vec<ExchangeView>> {
    let now = state.clock.now();
    let latest = mine(state, actor, Page::new(1, Page::MAX_PER_PAGE)).await?;
    Ok(latest.items.into_iter().filter(|v| exchange::keeps_pledge_of(&v.exchange.proposal(), actor.id, now)).collect())
}
