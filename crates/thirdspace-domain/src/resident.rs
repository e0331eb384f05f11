//! A venue's residents: its own staff or members, named by e-mail address or by an e-mail domain.
//! They check in without a booking and without taking a seat kept for social capital.

use serde::Deserialize;

use crate::email::Email;
use crate::{Invalid, Invalids};

/// Who a venue lists as its residents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resident {
    /// One person, by their address.
    Email(Email),
    /// Everyone whose address is at this domain (lower-cased, without the `@`).
    Domain(String),
}

/// What a host sends to list residents: an address, or a domain (not both).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResidentInput {
    /// One person's e-mail address; they are told by e-mail.
    #[serde(default)]
    #[schema(max_length = 254, example = "jun@acme.example")]
    pub email: Option<String>,
    /// Everyone at an e-mail domain, like `acme.example` (free e-mail services are refused).
    #[serde(default)]
    #[schema(max_length = 253, example = "acme.example")]
    pub domain: Option<String>,
}

/// Domains of free e-mail services: listing one would make half the world residents.
const SHARED_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "ziggo.nl",
    "kpnmail.nl",
];

/// A domain as a venue lists it: trimmed, lower-cased, without a leading `@`; labels of letters,
/// digits and inner hyphens, at least two of them, at most 253 characters.
pub fn domain(raw: &str) -> Result<String, Invalid> {
    let value = raw.trim().trim_start_matches('@').to_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let labels: Vec<&str> = value.split('.').collect();
    if value.len() > 253 || labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) {
        return Err(Invalid::new("domain", "must be an e-mail domain like acme.example"));
    }
    if SHARED_DOMAINS.contains(&value.as_str()) {
        return Err(Invalid::new(
            "domain",
            "is a free e-mail service: list your people by their own addresses instead",
        ));
    }
    Ok(value)
}

impl ResidentInput {
    /// Checks that exactly one of the two is given, and that it reads.
    pub fn parse(self) -> Result<Resident, Invalids> {
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        match (blank(&self.email), blank(&self.domain)) {
            (false, true) => Ok(Resident::Email(Email::parse(self.email.as_deref().unwrap_or_default())?)),
            (true, false) => Ok(Resident::Domain(domain(self.domain.as_deref().unwrap_or_default())?)),
            (true, true) => Err(Invalid::new("email", "give an e-mail address or a domain").into()),
            (false, false) => Err(Invalid::new("domain", "give an e-mail address or a domain, not both").into()),
        }
    }
}

/// Whether the person with `email` is among `residents`: their own address is listed, or the
/// domain their address is at (exactly: `acme.example` does not list `mail.acme.example`).
pub fn is_resident(email: &Email, residents: &[Resident]) -> bool {
    let at = email.as_str().rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    residents.iter().any(|r| match r {
        Resident::Email(listed) => listed == email,
        Resident::Domain(domain) => domain == at,
    })
}

/// A profile's interests once the tags hosts gave a person's address are added: the person's own
/// first, as they are, then each given tag they lack, in the order given, while there is room
/// (at most [`crate::tag::MAX_TAGS`]). Adding the same tags again changes nothing.
pub fn with_given_tags(own: &[String], given: &[String]) -> Vec<String> {
    let mut tags = own.to_vec();
    for tag in given {
        if tags.len() >= crate::tag::MAX_TAGS {
            break;
        }
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap()
    }

    #[test]
    fn a_resident_is_an_address_or_a_domain_never_both_or_neither() {
        let input = |email: Option<&str>, domain: Option<&str>| ResidentInput {
            email: email.map(str::to_owned),
            domain: domain.map(str::to_owned),
        };
        assert_eq!(
            input(Some(" Jun@Acme.example "), None).parse().unwrap(),
            Resident::Email(email("jun@acme.example"))
        );
        assert_eq!(input(None, Some("@ACME.example ")).parse().unwrap(), Resident::Domain("acme.example".into()));
        assert_eq!(input(Some(""), Some("acme.example")).parse().unwrap(), Resident::Domain("acme.example".into()));
        let field = |i: ResidentInput| i.parse().unwrap_err().first().unwrap().field.clone();
        assert_eq!(field(input(None, None)), "email");
        assert_eq!(field(input(Some(" "), Some(""))), "email");
        assert_eq!(field(input(Some("jun@acme.example"), Some("acme.example"))), "domain");
        assert_eq!(field(input(Some("not an address"), None)), "email");
    }

    #[test]
    fn a_domain_has_two_labels_of_letters_digits_and_inner_hyphens() {
        for good in ["acme.example", "uni-utrecht.nl", "a.b.c.example", "x1.io"] {
            assert_eq!(domain(good).unwrap(), good);
        }
        let long_label = format!("{}.example", "a".repeat(64));
        let too_long = format!("{}example", "abcdefghi.".repeat(25));
        for bad in [
            "",
            "example",
            "acme..example",
            ".acme.example",
            "acme.example.",
            "-acme.example",
            "acme-.example",
            "ac me.example",
            "acme_corp.example",
            "jun@acme.example",
            long_label.as_str(),
            too_long.as_str(),
        ] {
            assert!(domain(bad).is_err(), "{bad}");
        }
        assert!(domain(&format!("{}.example", "a".repeat(63))).is_ok(), "a label of 63 is fine");
        let longest = format!("{0}.{0}.{0}.{1}", "a".repeat(63), "b".repeat(61));
        assert_eq!(longest.len(), 253);
        assert!(domain(&longest).is_ok(), "253 characters is the most");
        assert!(domain(&format!("{longest}b")).is_err(), "254 is one too many");
    }

    #[test]
    fn free_e_mail_services_cannot_be_listed_whole() {
        assert!(domain("Gmail.com").is_err());
        assert!(domain("mail.gmail.com").is_ok(), "only the service's own domain is refused");
    }

    fn tags(raw: &[&str]) -> Vec<String> {
        raw.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn given_tags_follow_the_person_s_own_without_repeats() {
        let own = tags(&["ux", "coffee"]);
        assert_eq!(with_given_tags(&own, &tags(&["research", "ux", "research"])), tags(&["ux", "coffee", "research"]));
        assert_eq!(with_given_tags(&own, &[]), own);
        assert_eq!(with_given_tags(&[], &tags(&["a"])), tags(&["a"]));
    }

    #[test]
    fn given_tags_stop_at_a_profile_s_most() {
        let own: Vec<String> = (0..crate::tag::MAX_TAGS - 1).map(|i| format!("t{i}")).collect();
        let given = tags(&["new-a", "new-b"]);
        let all = with_given_tags(&own, &given);
        assert_eq!(all.len(), crate::tag::MAX_TAGS);
        assert_eq!(all.last().map(String::as_str), Some("new-a"), "the first given fills the last place");
        let full: Vec<String> = (0..crate::tag::MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert_eq!(with_given_tags(&full, &given), full, "a full profile takes none");
    }

    proptest::proptest! {
        #[test]
        fn given_tags_keep_the_own_keep_room_and_settle(
            own in proptest::collection::vec("[a-d]{1,2}", 0..35),
            given in proptest::collection::vec("[a-d]{1,2}", 0..35),
        ) {
            let once = with_given_tags(&own, &given);
            proptest::prop_assert_eq!(&once[..own.len()], &own[..]);
            proptest::prop_assert!(once.len() <= own.len().max(crate::tag::MAX_TAGS));
            for tag in &once[own.len()..] {
                proptest::prop_assert!(given.contains(tag) && !own.contains(tag));
            }
            if once.len() < crate::tag::MAX_TAGS {
                for tag in &given {
                    proptest::prop_assert!(once.contains(tag), "{} left out with room to spare", tag);
                }
            }
            proptest::prop_assert_eq!(with_given_tags(&once, &given), once);
        }
    }

    #[test]
    fn a_person_is_a_resident_by_their_address_or_exactly_their_domain() {
        let listed = [Resident::Email(email("jun@elsewhere.example")), Resident::Domain("acme.example".into())];
        assert!(is_resident(&email("jun@elsewhere.example"), &listed));
        assert!(is_resident(&email("ana@acme.example"), &listed));
        assert!(!is_resident(&email("bo@elsewhere.example"), &listed));
        assert!(!is_resident(&email("ana@mail.acme.example"), &listed), "a subdomain is not the domain");
        assert!(!is_resident(&email("ana@notacme.example"), &listed));
        assert!(!is_resident(&email("ana@acme.example"), &[]));
    }
}
