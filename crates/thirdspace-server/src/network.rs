//! Everyone across the network who may be suggested or asked: the engine's [`Network`] index of
//! the people who show themselves publicly and are open to meet, read whole from the store when
//! the server starts and kept current from then on by the profiles' events (whichever instance
//! saved the profile) and at once by this instance's own saves. Network suggestions and question
//! routing take their candidates from it, then read those few profiles from the store as they
//! are now, so the index finds people and the store still says how they may be shown.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use thirdspace_domain::profile::Visibility;
use thirdspace_serendipity::network::Network;
use thirdspace_serendipity::person::terms_in_text;
use thirdspace_serendipity::vocabulary::{shipped, Term};
use thirdspace_store::{Profile, Store, StoreResult};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;
use tokio::sync::watch;
use uuid::Uuid;

use crate::matching::person;

/// Profiles read at once while the index is built.
const PAGE: u32 = 2_000;
/// How long a query waits for the index to be built before the server answers `503`.
pub const READY_WAIT: Duration = Duration::from_secs(2);
/// How soon a failed build or read is tried again.
const RETRY: Duration = Duration::from_secs(1);
/// How many times a changed profile's read is tried before the whole index is read again.
const TRIES: u32 = 5;

/// Whether a profile belongs in the index: shown publicly and open to meet.
pub fn listed(profile: &Profile) -> bool {
    profile.visibility == Visibility::Public && profile.open_to_meet
}

/// What the index keeps of a person: what they offer (with the tags their headline and bio
/// name, so a question reaches people who wrote about it) and what they look for.
fn entry(profile: &Profile) -> (u128, Vec<Term>, Vec<Term>) {
    let v = shipped();
    let p = person(v, profile, None);
    let mut offers = p.offers;
    let text = [profile.headline.as_deref(), profile.bio.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    for term in terms_in_text(v, &text.join(" ")) {
        if !offers.contains(&term) {
            offers.push(term);
        }
    }
    (p.id, offers, p.needs)
}

/// The network's people, indexed, and whether the index has been built.
pub struct NetworkPeople {
    index: RwLock<Network>,
    ready: watch::Sender<bool>,
}

impl Default for NetworkPeople {
    fn default() -> Self {
        Self { index: RwLock::default(), ready: watch::Sender::new(false) }
    }
}

impl NetworkPeople {
    fn write(&self) -> RwLockWriteGuard<'_, Network> {
        self.index.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The index, once it has been built (waiting up to [`READY_WAIT`]); `None` while it is not.
    pub async fn read(&self) -> Option<RwLockReadGuard<'_, Network>> {
        let mut ready = self.ready.subscribe();
        let built = tokio::time::timeout(READY_WAIT, ready.wait_for(|built| *built)).await;
        matches!(built, Ok(Ok(_))).then(|| self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Files `profile` as it is now: in the index when it is listed, out of it otherwise.
    pub fn put(&self, profile: &Profile) {
        if listed(profile) {
            let (id, offers, needs) = entry(profile);
            self.write().put(id, &offers, &needs);
        } else {
            self.write().remove(profile.user_id.as_u128());
        }
    }

    /// Files `person` as the store has them now (out of the index when they have no profile).
    async fn refresh(&self, store: &dyn Store, person: Uuid) -> StoreResult<()> {
        match store.profile(person).await? {
            Some(profile) => self.put(&profile),
            None => {
                self.write().remove(person.as_u128());
            }
        }
        Ok(())
    }

    /// [`Self::refresh`], tried up to [`TRIES`] times; `false` when every try failed.
    async fn refreshed(&self, store: &dyn Store, person: Uuid) -> bool {
        for _ in 0..TRIES {
            match self.refresh(store, person).await {
                Ok(()) => return true,
                Err(e) => tracing::warn!(error = %e, "reading a changed profile failed; trying again"),
            }
            tokio::time::sleep(RETRY).await;
        }
        false
    }

    /// How many people are in the index, and the bytes it holds.
    pub fn size(&self) -> (usize, usize) {
        let index = self.index.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        (index.len(), index.memory_bytes())
    }

    /// Builds the index from every listed profile, then keeps it current with the people whose
    /// profiles change (`people`, from the bus's `subscribe_people`, taken before the build so
    /// nothing saved meanwhile is missed), until the bus closes. Missed changes (a lagging
    /// receiver) rebuild it; the index built before keeps answering meanwhile.
    pub async fn follow(self: Arc<Self>, store: Arc<dyn Store>, mut people: Receiver<Uuid>) {
        loop {
            match build(store.as_ref()).await {
                Ok(built) => {
                    *self.write() = built;
                    self.ready.send_replace(true);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reading the network's profiles failed; trying again");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
            }
            loop {
                match people.recv().await {
                    Ok(person) => {
                        if !self.refreshed(store.as_ref(), person).await {
                            // The change is not in the index: read everything again.
                            break;
                        }
                    }
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                }
            }
        }
    }
}

/// An index of every listed profile in the store, read page by page.
async fn build(store: &dyn Store) -> StoreResult<Network> {
    let mut network = Network::new();
    let mut after = None;
    loop {
        let page = store.open_public_profiles(after, PAGE).await?;
        for profile in &page {
            let (id, offers, needs) = entry(profile);
            network.put(id, &offers, &needs);
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = Some(last.user_id),
            _ => return Ok(network),
        }
    }
}
