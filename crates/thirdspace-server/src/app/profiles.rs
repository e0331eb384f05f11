//! Profiles, and who may see them.

use thirdspace_domain::email::Email;
use thirdspace_domain::profile::{may_see, ProfileDraft, ProfileInput, Viewer};
use thirdspace_domain::resident;
use thirdspace_store::{Profile, User};
use uuid::Uuid;

use super::{AppError, AppResult};
use crate::AppState;

/// How `viewer` stands to `person` right now.
pub async fn viewer_of(state: &AppState, viewer: Option<&User>, person: Uuid, now: i64) -> AppResult<Viewer> {
    let Some(viewer) = viewer else {
        return Ok(Viewer { is_self: false, shares_venue_now: false });
    };
    if viewer.id == person {
        return Ok(Viewer { is_self: true, shares_venue_now: true });
    }
    let theirs = state.store.checked_in_at(person, now).await?;
    let mine = match theirs {
        Some(_) => state.store.checked_in_at(viewer.id, now).await?,
        None => None,
    };
    Ok(Viewer { is_self: false, shares_venue_now: theirs.is_some() && theirs == mine })
}

/// The actor's own profile.
pub async fn mine(state: &AppState, actor: &User) -> AppResult<Profile> {
    state.store.profile(actor.id).await?.ok_or(AppError::NotFound("profile"))
}

/// Replaces `user`'s profile (its event tells the screens of the venue where they are).
pub async fn save(state: &AppState, user: Uuid, input: ProfileInput) -> AppResult<Profile> {
    put(state, user, &ProfileDraft::parse(input)?).await
}

/// Writes `user`'s profile: wherever they are, they show as it says from now on (their name,
/// too, on their account).
async fn put(state: &AppState, user: Uuid, draft: &ProfileDraft) -> AppResult<Profile> {
    let saved = state.store.put_profile(user, draft, state.clock.now()).await?;
    state.presence.all_changed();
    // The profile's own event files it again soon whatever happens here.
    if let Err(e) = state.network.refresh(state.store.as_ref(), user, state.clock.now()).await {
        tracing::warn!(error = %e, "filing a saved profile in the network's index failed");
    }
    super::accounts::account_changed(state, user);
    Ok(saved)
}

/// Adds the tags venues gave `user`'s address, when listing it among their residents, to their
/// profile's interests (after their own, while there is room): called once they proved they hold
/// the address, so nobody takes another person's tags by signing up with their address.
pub async fn take_given_tags(state: &AppState, user: &User) -> AppResult<()> {
    let given = state.store.resident_tags(&Email::parse(&user.email)?).await?;
    if given.is_empty() {
        return Ok(());
    }
    let Some(profile) = state.store.profile(user.id).await? else { return Ok(()) };
    let interests = resident::with_given_tags(&profile.interests, &given);
    if interests != profile.interests {
        put(state, user.id, &ProfileDraft { interests, ..profile.draft() }).await?;
    }
    Ok(())
}

/// A person's profile when their visibility allows `viewer` to see it now: the one rule every
/// view of another person (an asker, the other side of an exchange or outcome) goes by.
pub async fn shown(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<Option<Profile>> {
    let Some(profile) = state.store.profile(id).await? else { return Ok(None) };
    let relation = viewer_of(state, viewer, id, state.clock.now()).await?;
    Ok(may_see(profile.visibility, relation).then_some(profile))
}

/// A person's profile, when their visibility allows `viewer` to see it now; not found otherwise,
/// so a hidden person cannot be told from one who does not exist.
pub async fn person(state: &AppState, viewer: Option<&User>, id: Uuid) -> AppResult<Profile> {
    shown(state, viewer, id).await?.ok_or(AppError::NotFound("person"))
}
