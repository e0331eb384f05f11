//! The venue's daily check-in code: what the QR code at the door carries.
//!
//! The code is derived from a secret the venue keeps and the local date, so it changes every day
//! without anything being stored, and cannot be guessed from yesterday's.

use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Letters and digits that cannot be mistaken for one another when read aloud or off a screen.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/// Characters in a code.
pub const CODE_LENGTH: usize = 6;

/// The check-in code of a venue for a local date.
pub fn daily_code(secret: &[u8], date: NaiveDate) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(date.format("%Y-%m-%d").to_string().as_bytes());
    let digest = mac.finalize().into_bytes();
    digest.iter().take(CODE_LENGTH).map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// Whether `entered` is the code of `date`; case and surrounding spaces do not matter.
pub fn code_matches(secret: &[u8], date: NaiveDate, entered: &str) -> bool {
    let expected = daily_code(secret, date);
    let entered = entered.trim().to_uppercase();
    entered.len() == expected.len() && entered.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_changes_every_day_and_differs_between_venues() {
        let d1 = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let d2 = d1.succ_opt().unwrap();
        assert_ne!(daily_code(b"venue-a", d1), daily_code(b"venue-a", d2));
        assert_ne!(daily_code(b"venue-a", d1), daily_code(b"venue-b", d1));
        assert_eq!(daily_code(b"venue-a", d1).len(), CODE_LENGTH);
    }

    #[test]
    fn codes_draw_on_the_whole_alphabet() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let codes: String = first.iter_days().take(60).map(|d| daily_code(b"venue", d)).collect();
        assert!(codes.bytes().all(|b| ALPHABET.contains(&b)), "{codes}");
        assert!(codes.chars().any(|c| c.is_ascii_uppercase()), "letters as well as digits: {codes}");
        assert!(codes.chars().any(|c| c.is_ascii_digit()), "digits as well as letters: {codes}");
    }

    #[test]
    fn only_the_whole_code_of_that_day_matches() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let code = daily_code(b"s", d);
        assert!(code_matches(b"s", d, &code));
        assert!(!code_matches(b"s", d.succ_opt().unwrap(), &code));
        assert!(!code_matches(b"s", d, &code[..CODE_LENGTH - 1]), "a prefix");
        assert!(!code_matches(b"s", d, &format!("{code}2")), "a longer code");
        let flip = |s: &str, positions: &[usize]| -> String {
            s.bytes()
                .enumerate()
                .map(|(i, b)| if positions.contains(&i) { (b ^ 1) as char } else { b as char })
                .collect()
        };
        assert!(!code_matches(b"s", d, &flip(&code, &[5])), "one character off");
        assert!(!code_matches(b"s", d, &flip(&code, &[0, 1])), "two characters off in the same way");
    }

    #[test]
    fn a_code_matches_whatever_its_case() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let code = daily_code(b"s", d);
        assert!(code_matches(b"s", d, &format!(" {} ", code.to_lowercase())));
        assert!(!code_matches(b"s", d, "AAAAAA") || code == "AAAAAA");
        assert!(!code_matches(b"s", d, ""));
    }
}
