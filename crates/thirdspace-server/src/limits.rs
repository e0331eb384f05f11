//! Limits on what can be tried many times: failed log-ins and e-mails asked for. The counts are
//! kept by the store, so every instance on one database counts the same attempts.
//!
//! Failed log-ins are counted per address *and client*, so that a stranger guessing from elsewhere
//! cannot lock the owner out, and per address from all clients together, with a much higher
//! ceiling, so that guessing from many clients still stops (the owner can then log in with a link
//! by e-mail). E-mails are counted per address and per client, whether or not an account has the
//! address, so that a refusal tells nothing about who has an account.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use thirdspace_store::{Store, StoreResult};

/// Failed log-ins allowed for one address from one client in a window.
pub const MAX_FAILURES: u32 = 10;
/// Failed log-ins allowed for one address from all clients together in a window.
pub const MAX_FAILURES_PER_ADDRESS: u32 = 100;
/// The window of failed log-ins, in seconds.
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// E-mails with links (log-in, new password, confirmation) sent to one address in a window.
pub const MAX_MAILS_PER_ADDRESS: u32 = 5;
/// E-mails with links one client may ask for, to any addresses, in a window.
pub const MAX_MAILS_PER_CLIENT: u32 = 20;
/// The window of e-mails, in seconds.
pub const MAIL_WINDOW_SECONDS: i64 = 60 * 60;

/// Messages one member may send to other members (about board posts, to those going to a
/// gathering) in a window: each becomes an e-mail, so a flood of them is refused.
pub const MAX_MESSAGES_PER_MEMBER: u32 = 30;

/// The client a request comes from: the peer's IP address, an IPv6 address by its /64 network
/// (which one client commonly holds whole). Unknown when the server was not given the peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(Option<IpAddr>);

impl Client {
    /// The client at `addr`.
    pub fn at(addr: IpAddr) -> Self {
        Self(Some(match addr.to_canonical() {
            IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & !u128::from(u64::MAX)).into()),
            v4 => v4,
        }))
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(IpAddr::V4(v4)) => write!(f, "{v4}"),
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                write!(f, "{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            None => f.write_str("unknown"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        Ok(peer.map_or(Self(None), Self::at))
    }
}

/// Why password log-ins of an address are refused for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locked {
    /// Too many failures from this client: for `wait` seconds more, from here only.
    FromHere { wait: i64 },
    /// Too many failures from all clients: for `wait` seconds more, from everywhere.
    Everywhere { wait: i64 },
}

impl Locked {
    /// Seconds until password log-ins are taken again.
    pub fn wait(self) -> i64 {
        match self {
            Self::FromHere { wait } | Self::Everywhere { wait } => wait,
        }
    }
}

fn pair_key(email: &str, client: Client) -> String {
    format!("log-in {email} from {client}")
}

fn address_key(email: &str) -> String {
    format!("log-in {email}")
}

/// Seconds left of a window of `count` attempts since `since`, once `count` reached `max`.
fn over(counted: Option<(u32, i64)>, max: u32, window: i64, now: i64) -> Option<i64> {
    counted.filter(|&(count, since)| count >= max && now < since + window).map(|(_, since)| since + window - now)
}

/// Before `email` tries to log in from `client`: refused while locked, otherwise whether failures
/// from this client are counted (and so need clearing after a success).
pub async fn check(store: &dyn Store, email: &str, client: Client, now: i64) -> StoreResult<Result<bool, Locked>> {
    let here = store.attempts(&pair_key(email, client)).await?;
    if let Some(wait) = over(here, MAX_FAILURES, WINDOW_SECONDS, now) {
        return Ok(Err(Locked::FromHere { wait }));
    }
    let everywhere = store.attempts(&address_key(email)).await?;
    if let Some(wait) = over(everywhere, MAX_FAILURES_PER_ADDRESS, WINDOW_SECONDS, now) {
        return Ok(Err(Locked::Everywhere { wait }));
    }
    Ok(Ok(here.is_some()))
}

/// Counts a failed log-in of `email` from `client`.
pub async fn failed(store: &dyn Store, email: &str, client: Client, now: i64) -> StoreResult<()> {
    store.count_attempt(&pair_key(email, client), now, WINDOW_SECONDS).await?;
    store.count_attempt(&address_key(email), now, WINDOW_SECONDS).await.map(|_| ())
}

/// Forgets the failures of `email` from `client` after a successful log-in from there. The count
/// from all clients stays: a log-in by the owner does not give a guesser elsewhere more tries.
pub async fn succeeded(store: &dyn Store, email: &str, client: Client) -> StoreResult<()> {
    store.clear_attempts(&pair_key(email, client)).await
}

/// Counts an e-mail with a link asked for `to` by `client`: `Err(seconds to wait)` when the
/// client or the address had its share of the window, and the e-mail must not be sent. Counted
/// whether or not an account has the address.
pub async fn mail(store: &dyn Store, to: &str, client: Client, now: i64) -> StoreResult<Result<(), i64>> {
    // Each count just made is in a window still running.
    let (count, since) = store.count_attempt(&format!("mail from {client}"), now, MAIL_WINDOW_SECONDS).await?;
    if count > MAX_MAILS_PER_CLIENT {
        return Ok(Err(since + MAIL_WINDOW_SECONDS - now));
    }
    let (count, since) = store.count_attempt(&format!("mail to {to}"), now, MAIL_WINDOW_SECONDS).await?;
    if count > MAX_MAILS_PER_ADDRESS {
        return Ok(Err(since + MAIL_WINDOW_SECONDS - now));
    }
    Ok(Ok(()))
}

/// Counts a message `sender` writes to other members: `Err(seconds to wait)` once they sent
/// [`MAX_MESSAGES_PER_MEMBER`] in the window, and this one must not be sent.
pub async fn message(store: &dyn Store, sender: uuid::Uuid, now: i64) -> StoreResult<Result<(), i64>> {
    let (count, since) = store.count_attempt(&format!("messages from {sender}"), now, MAIL_WINDOW_SECONDS).await?;
    Ok(if count > MAX_MESSAGES_PER_MEMBER { Err(since + MAIL_WINDOW_SECONDS - now) } else { Ok(()) })
}

/// Forgets the windows that are over (the sweep calls it).
pub async fn forget_old(store: &dyn Store, now: i64) -> StoreResult<u64> {
    store.forget_attempts(now - WINDOW_SECONDS.max(MAIL_WINDOW_SECONDS)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_its_64_network_and_a_mapped_ipv4_one_its_ipv4_address() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let other: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(Client::at(one).to_string(), "2001:db8:1:2::/64");
        assert_eq!(Client::at(one), Client::at(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(Client::at(mapped).to_string(), "192.0.2.7");
    }
}
