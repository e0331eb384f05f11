//! Webhooks, signed the Standard Webhooks way: their secrets (`whsec_` and the key in base64),
//! the signature of each delivery, when a failed delivery is tried again, what an answer means,
//! when an endpoint's owner is told it keeps failing, and which addresses a delivery may never
//! reach (no server-side request forgery).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Invalid;

/// The prefix of every secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// The bytes of a new secret's key.
pub const KEY_BYTES: usize = 32;
/// The shortest and longest key a secret may hold.
const KEY_RANGE: std::ops::RangeInclusive<usize> = 24..=64;
/// The longest URL an endpoint may have.
pub const MAX_URL: usize = 2000;
/// How long one try may take, in seconds.
pub const TIMEOUT_SECONDS: u64 = 15;

/// A signing secret: its key, shown as `whsec_` and the key in standard base64.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// A new secret of the random `key` given.
    pub fn new(key: [u8; KEY_BYTES]) -> Self {
        Self(key.to_vec())
    }

    /// A secret as written (`whsec_…`), its key 24 to 64 bytes.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let wrong = || Invalid::new("secret", "must be whsec_ followed by 24 to 64 bytes in base64");
        let key = raw.strip_prefix(SECRET_PREFIX).ok_or_else(wrong)?;
        let key = STANDARD.decode(key).map_err(|_| wrong())?;
        if KEY_RANGE.contains(&key.len()) {
            Ok(Self(key))
        } else {
            Err(wrong())
        }
    }

    /// The secret as written, `whsec_…`.
    pub fn expose(&self) -> String {
        format!("{SECRET_PREFIX}{}", STANDARD.encode(&self.0))
    }

    /// `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` under this key.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
    }
}

/// The `webhook-signature` header: one signature per secret, separated by spaces, so a receiver
/// holding either the old or the new secret of a rotation accepts the delivery.
pub fn signature(secrets: &[Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().map(|s| s.sign(id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// How long to wait after each failed try, in seconds: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
/// 20 h, 24 h; about three days and three hours in all. After the last the delivery is given up.
pub const SCHEDULE: [i64; 9] = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];
/// The most a try is ever put off, whatever a receiver asks.
pub const LONGEST_WAIT: i64 = 86_400;
/// How far the jitter moves a wait either way, in percent.
pub const JITTER_PERCENT: i64 = 20;

/// When to try again a delivery whose `attempts`-th try failed at `now`: the schedule's wait,
/// moved by `jitter` (from −1 to 1, a random draw of the caller) by up to a fifth either way, never
/// sooner than the receiver's `Retry-After` (in seconds from now), never later than a day.
/// `None` once the schedule has run out: the delivery is given up.
pub fn retry_at(attempts: u32, now: i64, jitter: f64, retry_after: Option<i64>) -> Option<i64> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    let base = *SCHEDULE.get(index)?;
    let jitter = if jitter.is_finite() { jitter.clamp(-1.0, 1.0) } else { 0.0 };
    // Whole seconds: the jittered wait lies within a fifth of the base either way.
    let moved = (base as f64 * (JITTER_PERCENT as f64 / 100.0) * jitter).round() as i64;
    let wait = (base + moved).max(retry_after.unwrap_or(0)).clamp(1, LONGEST_WAIT);
    Some(now + wait)
}

/// A `Retry-After` header's wait in seconds from `now`: a number of seconds or an HTTP date.
/// `None` when it reads as neither; a date in the past is no wait.
pub fn parse_retry_after(value: &str, now: i64) -> Option<i64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(i64::try_from(seconds).unwrap_or(i64::MAX));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?.timestamp();
    Some((at - now).max(0))
}

/// What a try's answer means for the delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A 2xx: delivered.
    Delivered,
    /// 410 Gone: the receiver wants no more; the endpoint is disabled.
    Disable,
    /// Anything else (another status, a time-out, a refused connection): tried again later.
    Retry,
}

/// The verdict of a status code, or of no answer at all (`None`).
pub fn verdict(status: Option<u16>) -> Verdict {
    match status {
        Some(200..=299) => Verdict::Delivered,
        Some(410) => Verdict::Disable,
        _ => Verdict::Retry,
    }
}

/// How long an endpoint fails before its owner is told.
pub const TELL_AFTER: i64 = 86_400;

/// Whether to tell an endpoint's owner now that it keeps failing: it has failed since
/// `failing_since` without a success, they were not told since, and it failed for a day or a
/// delivery was just given up.
pub fn tell_owner(failing_since: Option<i64>, told: bool, gave_up: bool, now: i64) -> bool {
    match failing_since {
        Some(since) if !told => gave_up || now - since >= TELL_AFTER,
        _ => false,
    }
}

/// An endpoint's URL: http or https, with a host, no user name or password, at most
/// [`MAX_URL`] characters.
pub fn parse_url(raw: &str) -> Result<url::Url, Invalid> {
    let field = "url";
    let raw = raw.trim();
    if raw.chars().count() > MAX_URL {
        return Err(Invalid::new(field, format!("must be at most {MAX_URL} characters")));
    }
    let url = url::Url::parse(raw)
        .map_err(|_| Invalid::new(field, "must be a web address like https://example.org/hooks"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Invalid::new(field, "must start with https:// or http://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Invalid::new(field, "must name a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Invalid::new(field, "must not hold a user name or password"));
    }
    if url.fragment().is_some() {
        return Err(Invalid::new(field, "must not end with a #fragment"));
    }
    Ok(url)
}

/// The event types an endpoint wants, from the names of `known`: none named means every type.
/// Each name once, in the order given.
pub fn parse_events(names: &[String], known: &[&'static str]) -> Result<Vec<&'static str>, Invalid> {
    let mut wanted: Vec<&'static str> = Vec::new();
    for name in names {
        let found = known
            .iter()
            .find(|k| **k == name.as_str())
            .ok_or_else(|| Invalid::new("events", format!("{name:.40} is not an event type")))?;
        if !wanted.contains(found) {
            wanted.push(found);
        }
    }
    Ok(wanted)
}

/// Whether an endpoint wants an event: of its venue (a network-wide endpoint, `venue` `None`, has
/// every event) and of a type it asked for (none asked, every type).
pub fn wants(venue: Option<uuid::Uuid>, events: &[String], event_venue: Option<uuid::Uuid>, event_type: &str) -> bool {
    let here = venue.is_none() || venue == event_venue;
    here && (events.is_empty() || events.iter().any(|e| e == event_type))
}

/// Whether a delivery may never connect to `ip`: loopback, private, shared (CGNAT), link-local
/// (the clouds' metadata services among them), unspecified, broadcast, multicast, documentation,
/// benchmarking and reserved addresses, IPv6's unique-local and link-local ones, and every IPv6
/// form that carries an IPv4 address (mapped, compatible, NAT64, 6to4) when that address is one.
pub fn forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", 0.0.0.0 among it
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254) // link-local, metadata services
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224 // multicast, reserved and broadcast
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| forbidden_v4(Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8));
    if s[..6] == [0, 0, 0, 0, 0, 0xffff] || s[..6] == [0, 0, 0, 0, 0, 0] {
        // IPv4-mapped, and IPv4-compatible (:: and ::1 among them).
        return embedded(s[6], s[7]);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || s[..6] == [0x64, 0xff9b, 1, 0, 0, 0] {
        // NAT64: reaches the IPv4 address it carries.
        return embedded(s[6], s[7]);
    }
    if s[0] == 0x2002 {
        // 6to4: the IPv4 address of its gateway.
        return embedded(s[1], s[2]);
    }
    // Outside global unicast (2000::/3): unique local fc00::/7 (fd00:ec2::254 among them),
    // link-local fe80::/10, site-local fec0::/10, multicast ff00::/8, discard-only 100::/64 and
    // every reserved range.
    (s[0] & 0xe000) != 0x2000
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] < 0x0200) // IETF protocol assignments (Teredo, benchmarking, ORCHID)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v4(s: &str) -> bool {
        forbidden(s.parse().unwrap())
    }

    #[test]
    fn a_secret_reads_back_as_written_and_odd_ones_are_refused() {
        let secret = Secret::new([7; KEY_BYTES]);
        let written = secret.expose();
        assert!(written.starts_with("whsec_"));
        assert_eq!(Secret::parse(&written), Ok(secret.clone()));
        assert!(Secret::parse(&written["whsec_".len()..]).is_err());
        assert!(Secret::parse("whsec_not base64!").is_err());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 23]))).is_err());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 24]))).is_ok());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 64]))).is_ok());
        assert!(Secret::parse(&format!("whsec_{}", STANDARD.encode([1u8; 65]))).is_err());
        assert_eq!(format!("{secret:?}"), "Secret(..)");
    }

    #[test]
    fn the_signature_is_the_standard_s_example() {
        // The example of the Standard Webhooks specification.
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn every_secret_signs_and_the_signatures_are_spaced() {
        let (a, b) = (Secret::new([1; KEY_BYTES]), Secret::new([2; KEY_BYTES]));
        let both = signature(&[a.clone(), b.clone()], "id", 5, b"{}");
        assert_eq!(both, format!("{} {}", a.sign("id", 5, b"{}"), b.sign("id", 5, b"{}")));
        assert_ne!(a.sign("id", 5, b"{}"), a.sign("id", 6, b"{}"));
        assert_ne!(a.sign("id", 5, b"{}"), a.sign("ie", 5, b"{}"));
        assert_ne!(a.sign("id", 5, b"{}"), a.sign("id", 5, b"[]"));
        assert_eq!(signature(&[], "id", 5, b"{}"), "");
    }

    #[test]
    fn the_schedule_runs_about_three_days_then_gives_up() {
        let total: i64 = SCHEDULE.iter().sum();
        assert!((3 * 86_400..4 * 86_400).contains(&total), "{total}");
        assert_eq!(retry_at(1, 1000, 0.0, None), Some(1005));
        assert_eq!(retry_at(2, 1000, 0.0, None), Some(1300));
        assert_eq!(retry_at(9, 0, 0.0, None), Some(86_400));
        assert_eq!(retry_at(10, 0, 0.0, None), None);
        assert_eq!(retry_at(0, 0, 0.0, None), None);
        assert_eq!(retry_at(2, 0, 1.0, None), Some(360));
        assert_eq!(retry_at(2, 0, -1.0, None), Some(240));
        assert_eq!(retry_at(2, 0, 7.0, None), Some(360));
        assert_eq!(retry_at(2, 0, f64::NAN, None), Some(300));
    }

    #[test]
    fn retry_after_puts_a_try_off_but_never_beyond_a_day() {
        assert_eq!(retry_at(1, 0, 0.0, Some(120)), Some(120));
        assert_eq!(retry_at(2, 0, 0.0, Some(120)), Some(300));
        assert_eq!(retry_at(1, 0, 0.0, Some(10 * 86_400)), Some(LONGEST_WAIT));
        assert_eq!(parse_retry_after("120", 0), Some(120));
        assert_eq!(parse_retry_after(" 0 ", 0), Some(0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_700), Some(77));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_800), Some(0));
        assert_eq!(parse_retry_after("soon", 0), None);
        assert_eq!(parse_retry_after("-5", 0), None);
    }

    #[test]
    fn a_2xx_delivers_a_410_disables_and_anything_else_retries() {
        assert_eq!(verdict(Some(200)), Verdict::Delivered);
        assert_eq!(verdict(Some(204)), Verdict::Delivered);
        assert_eq!(verdict(Some(299)), Verdict::Delivered);
        assert_eq!(verdict(Some(300)), Verdict::Retry);
        assert_eq!(verdict(Some(199)), Verdict::Retry);
        assert_eq!(verdict(Some(410)), Verdict::Disable);
        assert_eq!(verdict(Some(404)), Verdict::Retry);
        assert_eq!(verdict(Some(429)), Verdict::Retry);
        assert_eq!(verdict(Some(503)), Verdict::Retry);
        assert_eq!(verdict(None), Verdict::Retry);
    }

    #[test]
    fn the_owner_is_told_once_after_a_day_of_failures_or_a_delivery_given_up() {
        assert!(!tell_owner(None, false, true, 0));
        assert!(!tell_owner(Some(5_000), false, false, 5_000 + TELL_AFTER - 1));
        assert!(tell_owner(Some(5_000), false, false, 5_000 + TELL_AFTER));
        assert!(tell_owner(Some(0), false, true, 10));
        assert!(!tell_owner(Some(0), true, true, TELL_AFTER));
    }

    #[test]
    fn urls_are_web_addresses_without_credentials() {
        assert_eq!(parse_url(" https://example.org/hooks?x=1 ").unwrap().as_str(), "https://example.org/hooks?x=1");
        assert!(parse_url("http://127.0.0.1:9/").is_ok());
        for bad in [
            "ftp://example.org",
            "https://user:pw@example.org",
            "https://user@example.org",
            "example.org",
            "https://example.org/#x",
            "file:///etc/passwd",
            "https://",
        ] {
            assert_eq!(parse_url(bad).unwrap_err().field, "url", "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(MAX_URL));
        assert!(parse_url(&long).is_err());
        let just = format!("https://example.org/{}", "a".repeat(MAX_URL - 20));
        assert!(parse_url(&just).is_ok());
    }

    #[test]
    fn event_types_come_from_the_known_ones_each_once() {
        let known = ["booking.made", "booking.cancelled"];
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_events(&names(&[]), &known), Ok(vec![]));
        assert_eq!(
            parse_events(&names(&["booking.cancelled", "booking.made", "booking.cancelled"]), &known),
            Ok(vec!["booking.cancelled", "booking.made"])
        );
        assert_eq!(parse_events(&names(&["booking.deleted"]), &known).unwrap_err().field, "events");
    }

    #[test]
    fn an_endpoint_wants_its_venue_s_events_of_its_types() {
        let (here, there) = (Some(uuid::Uuid::from_u128(1)), Some(uuid::Uuid::from_u128(2)));
        let all: Vec<String> = vec![];
        let made = vec!["booking.made".to_owned()];
        assert!(wants(here, &all, here, "booking.made"));
        assert!(!wants(here, &all, there, "booking.made"));
        assert!(!wants(here, &all, None, "profile.changed"));
        assert!(wants(None, &all, None, "profile.changed"));
        assert!(wants(None, &made, there, "booking.made"));
        assert!(!wants(None, &made, there, "booking.cancelled"));
        assert!(!wants(here, &made, here, "booking.cancelled"));
    }

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for bad in [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "169.254.169.254",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "192.0.2.5",
            "198.51.100.1",
            "203.0.113.9",
            "198.18.0.1",
            "198.19.255.1",
            "192.0.0.8",
            "192.88.99.1",
            "::1",
            "::",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::c0a8:1",
            "2002:7f00:1::",
            "2001::1",
            "100::1",
            "4000::1",
        ] {
            assert!(forbidden(bad.parse().unwrap()), "{bad}");
        }
        for good in [
            "93.184.216.34",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "169.253.0.1",
            "192.167.1.1",
            "198.17.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "11.0.0.1",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "::ffff:93.184.216.34",
            "64:ff9b::808:808",
            "2002:808:808::",
            "2001:4860::1",
        ] {
            assert!(!forbidden(good.parse().unwrap()), "{good}");
        }
        assert!(v4("192.0.0.255") && !v4("192.0.1.1") && !v4("192.0.3.1") && !v4("198.51.101.1"));
        assert!(!v4("203.0.114.1") && !v4("192.88.98.1") && !v4("192.169.0.1") && !v4("169.255.0.1"));
    }

    fn mapped(ip: Ipv4Addr) -> IpAddr {
        IpAddr::V6(ip.to_ipv6_mapped())
    }

    proptest! {
        #[test]
        fn a_mapped_address_is_judged_as_its_ipv4(raw in any::<u32>()) {
            let ip = Ipv4Addr::from(raw);
            prop_assert_eq!(forbidden(mapped(ip)), forbidden(IpAddr::V4(ip)));
            prop_assert_eq!(forbidden(IpAddr::V6(ip.to_ipv6_compatible())), forbidden(IpAddr::V4(ip)));
        }

        #[test]
        fn private_ranges_are_forbidden_wherever_inside(host in any::<u32>()) {
            for (net, bits) in [(0x0a00_0000u32, 8), (0xac10_0000, 12), (0xc0a8_0000, 16), (0x7f00_0000, 8), (0xa9fe_0000, 16), (0x6440_0000, 10)] {
                let ip = Ipv4Addr::from(net | (host >> bits));
                prop_assert!(forbidden(IpAddr::V4(ip)), "{}", ip);
            }
            let ula = Ipv6Addr::from(0xfc00u128 << 112 | u128::from(host));
            prop_assert!(forbidden(IpAddr::V6(ula)));
        }

        #[test]
        fn a_retry_waits_within_a_fifth_of_its_step_and_never_less_than_asked(
            attempts in 1u32..=9, now in 0i64..4_000_000_000, jitter in -1.0f64..=1.0, after in proptest::option::of(0i64..200_000),
        ) {
            let base = SCHEDULE[attempts as usize - 1];
            let at = retry_at(attempts, now, jitter, after).unwrap();
            let wait = at - now;
            prop_assert!((1..=LONGEST_WAIT).contains(&wait));
            prop_assert!(wait >= after.unwrap_or(0).min(LONGEST_WAIT));
            if after.is_none_or(|a| a <= base * 4 / 5) {
                prop_assert!(wait * 5 >= base * 4 - 5 && wait * 5 <= base * 6 + 5, "{} {}", wait, base);
            }
        }

        #[test]
        fn the_schedule_never_goes_past_its_end(attempts in 10u32.., now in any::<i64>()) {
            prop_assert_eq!(retry_at(attempts, now, 0.0, None), None);
        }
    }
}
