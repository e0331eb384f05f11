//! Everyone across the network who may be suggested or asked: the engine's [`Network`] index of
//! the people who show themselves publicly and are open to meet, read whole from the store when
//! the server starts and kept current from then on by the profiles' events (whichever instance
//! saved the profile, or confirmed help its person gave) and at once by this instance's own saves. Network suggestions and question
//! routing take their candidates from it, then read those few profiles from the store as they
//! are now, so the index finds people and the store still says how they may be shown.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use thirdspace_domain::profile::Visibility;
use thirdspace_serendipity::network::Network;
use thirdspace_serendipity::person::{terms, terms_in_text};
use thirdspace_serendipity::vocabulary::{shipped, Term};
use thirdspace_store::events::PeopleChange;
use thirdspace_store::{Profile, Store, StoreResult};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;
use tokio::sync::watch;
use uuid::Uuid;

use crate::app::intros::HELPING_SECONDS;
use crate::clock::Clock;
use crate::matching::person;

/// Profiles read at once while the index is built.
const PAGE: u32 = 2_000;
/// How long a query waits for the index to be built before going without it (network suggestions
/// answer `503 starting`; routing asks the people here alone).
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
/// name, so a question reaches people who wrote about it, and what they helped on lately, given
/// as `helped_on` only where they show their record to everyone) and what they look for.
fn entry(profile: &Profile, helped_on: &[String]) -> (u128, Vec<Term>, Vec<Term>) {
    let v = shipped();
    let p = person(v, profile, None);
    let mut offers = p.offers;
    let text = [profile.headline.as_deref(), profile.bio.as_deref()].into_iter().flatten().collect::<Vec<_>>();
    for term in terms_in_text(v, &text.join(" ")).into_iter().chain(terms(v, helped_on)) {
        if !offers.contains(&term) {
            offers.push(term);
        }
    }
    (p.id, offers, p.needs)
}

/// What each of `profiles` helped on since `since`, for those who show their record to everyone
/// (empty for the rest).
async fn helped_on(store: &dyn Store, profiles: &[Profile], since: i64) -> StoreResult<Vec<Vec<String>>> {
    let shown: Vec<Uuid> =
        profiles.iter().filter(|p| p.record_visibility == Visibility::Public).map(|p| p.user_id).collect();
    let mut helping = store.helping(&shown, since).await?.into_iter();
    Ok(profiles
        .iter()
        .map(|p| match p.record_visibility {
            Visibility::Public => helping.next().map(|h| h.topics).unwrap_or_default(),
            Visibility::Venue | Visibility::Hidden => Vec::new(),
        })
        .collect())
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

    /// Files `person` as the store has them at `now`: in the index when their profile is listed,
    /// out of it otherwise.
    pub async fn refresh(&self, store: &dyn Store, person: Uuid, now: i64) -> StoreResult<()> {
        match store.profile(person).await? {
            Some(profile) if listed(&profile) => {
                let helped = helped_on(store, std::slice::from_ref(&profile), now - HELPING_SECONDS).await?;
                let (id, offers, needs) = entry(&profile, helped.first().map(Vec::as_slice).unwrap_or_default());
                self.write().put(id, &offers, &needs);
            }
            _ => {
                self.write().remove(person.as_u128());
            }
        }
        Ok(())
    }

    /// Files again the person `change` is about.
    async fn apply(&self, store: &dyn Store, change: PeopleChange, now: i64) -> StoreResult<()> {
        let person = match change {
            PeopleChange::Profile(person) => person,
            PeopleChange::Exchange(id) => match store.exchange(id).await? {
                Some(exchange) => exchange.giver_id,
                None => return Ok(()),
            },
        };
        self.refresh(store, person, now).await
    }

    /// [`Self::apply`], tried up to [`TRIES`] times; `false` when every try failed.
    async fn applied(&self, store: &dyn Store, clock: &dyn Clock, change: PeopleChange) -> bool {
        for _ in 0..TRIES {
            match self.apply(store, change, clock.now()).await {
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
    pub async fn follow(
        self: Arc<Self>,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        mut people: Receiver<PeopleChange>,
    ) {
        loop {
            match build(store.as_ref(), clock.now()).await {
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
                    Ok(change) => {
                        if !self.applied(store.as_ref(), clock.as_ref(), change).await {
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

/// An index of every listed profile in the store at `now`, read page by page.
async fn build(store: &dyn Store, now: i64) -> StoreResult<Network> {
    let mut network = Network::new();
    let mut after = None;
    loop {
        let page = store.open_public_profiles(after, PAGE).await?;
        let helped = helped_on(store, &page, now - HELPING_SECONDS).await?;
        for (profile, helped) in page.iter().zip(&helped) {
            let (id, offers, needs) = entry(profile, helped);
            network.put(id, &offers, &needs);
        }
        match page.last() {
            Some(last) if page.len() == PAGE as usize => after = Some(last.user_id),
            _ => return Ok(network),
        }
    }
}
