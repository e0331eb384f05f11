//! E-mail addresses as account identifiers.

use std::fmt;

use crate::Invalid;

/// An e-mail address, trimmed and lower-cased, with the shape `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        let invalid = || Invalid::new("email", "must be an e-mail address like name@example.org");
        if value.is_empty() || value.chars().count() > 254 {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        let chars_ok =
            value.chars().all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | ',' | ';'));
        if local.is_empty() || local.len() > 64 || !domain_ok || !chars_ok {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse(" Anna@Example.ORG ").unwrap().as_str(), "anna@example.org");
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in
            ["", "anna", "anna@", "@example.org", "anna@example", "a b@example.org", "anna@@x.org", "anna@x..org"]
        {
            assert!(Email::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn an_address_may_be_254_characters_with_a_local_part_of_64() {
        let local = "l".repeat(64);
        let longest = format!("{local}@{}.org", "d".repeat(185));
        assert_eq!(longest.chars().count(), 254);
        assert!(Email::parse(&longest).is_ok());
        assert!(Email::parse(&format!("{local}@{}.org", "d".repeat(186))).is_err());
        assert!(Email::parse(&format!("{}@example.org", "l".repeat(65))).is_err());
    }

    #[test]
    fn every_part_of_the_address_shape_is_checked() {
        for bad in [
            "anna@.example.org",
            "anna@example.org.",
            "anna@x@y.org",
            "an<na@example.org",
            "anna@example.org>",
            "an,na@example.org",
            "an;na@example.org",
            "an\u{7}na@example.org",
            "an\u{3000}na@example.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let email = Email::parse("anna.de-vries+desk@mail.example.org").unwrap();
        assert_eq!(email.to_string(), "anna.de-vries+desk@mail.example.org");
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_a_parsed_address_parses_to_itself(raw in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()).unwrap(), email);
            }
        }
    }
}
