//! Outcomes of coworking: what a member says came of it, with whom, and what led to it.

use thirdspace_domain::outcome::{OutcomeDraft, OutcomeInput};
use thirdspace_domain::Invalid;
use thirdspace_store::{Outcome, Page, Paged, User};
use uuid::Uuid;

use super::profiles;
use super::{access, AppResult};
use crate::AppState;

/// An outcome as one of its two people sees it.
pub struct OutcomeView {
    pub outcome: Outcome,
    /// The viewer recorded it (rather than being named in it).
    pub mine: bool,
    /// The viewer is named in it and has not confirmed their side yet.
    pub awaiting_me: bool,
    /// The other of its two people, when there is one and they allow the viewer to see them now.
    pub other_id: Option<Uuid>,
    pub other_name: Option<String>,
}

async fn view(state: &AppState, viewer: &User, outcome: Outcome) -> AppResult<OutcomeView> {
    let mine = outcome.owner_id == viewer.id;
    let other = if mine { outcome.with_id } else { Some(outcome.owner_id) };
    let shown = match other {
        Some(other) => profiles::shown(state, Some(viewer), other).await?,
        None => None,
    };
    Ok(OutcomeView {
        mine,
        awaiting_me: !mine && outcome.with_confirmed_at.is_none(),
        other_id: shown.as_ref().map(|p| p.user_id),
        other_name: shown.map(|p| p.display_name),
        outcome,
    })
}

/// Records what came of coworking for `actor`. The person it names must be someone `actor` may
/// see now; the exchanges and introductions that led to it must be `actor`'s own.
pub async fn record(state: &AppState, actor: &User, input: OutcomeInput) -> AppResult<OutcomeView> {
    let draft = OutcomeDraft::parse(actor.id, input)?;
    if let Some(with) = draft.with {
        if profiles::shown(state, Some(actor), with).await?.is_none() {
            return Err(Invalid::new("with", "name someone you can see: this person is unknown or hidden").into());
        }
    }
    if let Some(venue) = draft.venue {
        access::venue_named(state, venue, "venue_id").await?;
    }
    for id in &draft.exchanges {
        let yours =
            state.store.exchange(*id).await?.is_some_and(|e| e.giver_id == actor.id || e.receiver_id == actor.id);
        if !yours {
            return Err(Invalid::new("exchanges", "name only exchanges you gave or received").into());
        }
    }
    for id in &draft.intros {
        let yours = state.store.intro(*id).await?.is_some_and(|i| i.sides(actor.id).is_some());
        if !yours {
            return Err(Invalid::new("intros", "name only introductions you were part of").into());
        }
    }
    let outcome = state.store.record_outcome(&draft, state.clock.now()).await?;
    view(state, actor, outcome).await
}

/// The person an outcome names confirms their side.
pub async fn confirm(state: &AppState, actor: &User, id: Uuid) -> AppResult<OutcomeView> {
    let outcome = state.store.confirm_outcome(id, actor.id, state.clock.now()).await?;
    view(state, actor, outcome).await
}

/// The outcomes `actor` recorded or is named in, newest first.
pub async fn mine(state: &AppState, actor: &User, page: Page) -> AppResult<Paged<OutcomeView>> {
    let found = state.store.outcomes_of(actor.id, page).await?;
    let mut items = Vec::with_capacity(found.items.len());
    for outcome in found.items {
        items.push(view(state, actor, outcome).await?);
    }
    Ok(Paged { items, page: found.page, per_page: found.per_page, total: found.total })
}
