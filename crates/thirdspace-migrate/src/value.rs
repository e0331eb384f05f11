//! One value of one column, read from either backend into the same form, and the digest that
//! makes a table's content comparable across backends.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::schema::Kind;

/// A column's value, the same whichever backend it was read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Uuid(uuid::Uuid),
    Text(String),
    Int(i64),
    Bool(bool),
    Real32(f32),
    Real64(f64),
    Json(serde_json::Value),
    Date(NaiveDate),
    Bytes(Vec<u8>),
}

impl Value {
    /// Reads a value of `kind` from the text form the stores write (UUIDs, JSON and dates on
    /// SQLite; dates and JSON read as text from PostgreSQL). Only the exact form is taken: a
    /// UUID in capitals or a date without its zeros would be rewritten by the move, and the
    /// stores compare them as they are.
    pub fn from_text(kind: Kind, text: String) -> Result<Self, String> {
        match kind {
            Kind::Uuid => match uuid::Uuid::parse_str(&text) {
                Ok(id) if id.hyphenated().to_string() == text => Ok(Value::Uuid(id)),
                _ => Err(format!("{text:?} is not a UUID as thirdspace writes them (lowercase, hyphenated)")),
            },
            Kind::Json => {
                let json = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
                whole_numbers(&json)?;
                Ok(Value::Json(json))
            }
            Kind::Date => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) if date.format("%Y-%m-%d").to_string() == text => Ok(Value::Date(date)),
                _ => Err(format!("{text:?} is not a date as YYYY-MM-DD")),
            },
            _ => Ok(Value::Text(text)),
        }
    }

    /// A floating-point value as it moves: NaN is refused (SQLite would store it as NULL), and
    /// −0 is 0 (SQLite stores it so).
    pub fn real(x: f64) -> Result<f64, String> {
        if x.is_nan() {
            return Err("is not a number (NaN)".to_owned());
        }
        Ok(if x == 0.0 { 0.0 } else { x })
    }

    /// The value as a row's key shows it in an error.
    pub fn shown(&self) -> String {
        match self {
            Value::Uuid(id) => id.to_string(),
            Value::Text(text) => text.clone(),
            Value::Int(n) => n.to_string(),
            other => format!("{other:?}"),
        }
    }

    /// Feeds this value's canonical bytes to `hasher`: a tag, then the value in a fixed layout
    /// (JSON with its object keys sorted, so that key order does not count).
    fn feed(&self, hasher: &mut Sha256) {
        match self {
            Value::Null => hasher.update([0]),
            Value::Uuid(id) => {
                hasher.update([1]);
                hasher.update(id.as_bytes());
            }
            Value::Text(text) => {
                hasher.update([2]);
                feed_bytes(hasher, text.as_bytes());
            }
            Value::Int(n) => {
                hasher.update([3]);
                hasher.update(n.to_le_bytes());
            }
            Value::Bool(b) => hasher.update([4, u8::from(*b)]),
            Value::Real32(x) => {
                hasher.update([5]);
                hasher.update(x.to_bits().to_le_bytes());
            }
            Value::Real64(x) => {
                hasher.update([6]);
                hasher.update(x.to_bits().to_le_bytes());
            }
            Value::Json(json) => {
                hasher.update([7]);
                let mut canonical = String::new();
                canonical_json(json, &mut canonical);
                feed_bytes(hasher, canonical.as_bytes());
            }
            Value::Date(date) => {
                hasher.update([8]);
                hasher.update(date.to_string().as_bytes());
            }
            Value::Bytes(bytes) => {
                hasher.update([9]);
                feed_bytes(hasher, bytes);
            }
        }
    }
}

/// Refuses JSON holding a number that is not a whole one: such a number (a fraction, or an integer
/// beyond 64 bits) would be rounded on the way, unseen by the checksum, and thirdspace writes none.
fn whole_numbers(json: &serde_json::Value) -> Result<(), String> {
    match json {
        serde_json::Value::Number(n) if n.is_f64() => {
            Err(format!("holds the number {n}, which could not move exactly (only whole numbers can)"))
        }
        serde_json::Value::Array(items) => items.iter().try_for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values().try_for_each(whole_numbers),
        _ => Ok(()),
    }
}

fn feed_bytes(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// JSON written with every object's keys in order and no spaces.
fn canonical_json(json: &serde_json::Value, out: &mut String) {
    match json {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                canonical_json(&map[key], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// A table's row count and content checksum: SHA-256 over the sorted digests of its rows, so
/// that the order rows come back in does not count, while a row missing, added twice or changed
/// in any value does.
#[derive(Default)]
pub struct Tally {
    digests: Vec<[u8; 32]>,
}

impl Tally {
    pub fn add(&mut self, row: &[Value]) {
        let mut hasher = Sha256::new();
        for value in row {
            value.feed(&mut hasher);
        }
        self.digests.push(hasher.finalize().into());
    }

    pub fn rows(&self) -> u64 {
        self.digests.len() as u64
    }

    /// The checksum, in hexadecimal.
    pub fn checksum(mut self) -> String {
        self.digests.sort_unstable();
        let mut hasher = Sha256::new();
        for digest in &self.digests {
            hasher.update(digest);
        }
        hex::encode(hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(rows: &[Vec<Value>]) -> String {
        let mut tally = Tally::default();
        rows.iter().for_each(|row| tally.add(row));
        tally.checksum()
    }

    fn rows() -> Vec<Vec<Value>> {
        vec![
            vec![Value::Int(1), Value::Text("Zoë".into()), Value::Null],
            vec![Value::Int(2), Value::Text("Kees".into()), Value::Json(serde_json::json!({"a": 1, "b": [true]}))],
        ]
    }

    #[test]
    fn the_order_of_rows_and_of_json_keys_does_not_count() {
        let mut reversed = rows();
        reversed.reverse();
        reversed[0][2] = Value::Json(serde_json::from_str(r#"{ "b": [true], "a": 1 }"#).unwrap());
        assert_eq!(checksum(&rows()), checksum(&reversed));
    }

    #[test]
    fn a_changed_missing_or_doubled_row_changes_the_checksum() {
        let original = checksum(&rows());
        let mut changed = rows();
        changed[0][1] = Value::Text("Zoe".into());
        assert_ne!(original, checksum(&changed), "a changed value");
        assert_ne!(original, checksum(&rows()[..1]), "a missing row");
        let mut doubled = rows();
        doubled.push(rows()[0].clone());
        assert_ne!(original, checksum(&doubled), "a row twice");
        let mut moved = rows();
        moved[0][1] = Value::Null;
        moved[0][2] = Value::Text("Zoë".into());
        assert_ne!(original, checksum(&moved), "a value in another column");
    }

    #[test]
    fn values_of_different_kinds_never_collide() {
        let one = [Value::Int(1)];
        assert_ne!(checksum(&[one.to_vec()]), checksum(&[vec![Value::Bool(true)]]));
        assert_ne!(checksum(&[vec![Value::Text("1".into())]]), checksum(&[vec![Value::Json(serde_json::json!(1))]]));
        let split = vec![Value::Text("ab".into()), Value::Text("c".into())];
        let joined = vec![Value::Text("a".into()), Value::Text("bc".into())];
        assert_ne!(checksum(&[split]), checksum(&[joined]));
    }

    #[test]
    fn sqlite_text_forms_are_read_or_refused() {
        let id = uuid::Uuid::new_v4();
        assert_eq!(Value::from_text(Kind::Uuid, id.to_string()), Ok(Value::Uuid(id)));
        assert!(Value::from_text(Kind::Uuid, "not-a-uuid".into()).is_err());
        assert_eq!(
            Value::from_text(Kind::Date, "2026-11-23".into()),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()))
        );
        assert!(Value::from_text(Kind::Date, "23/11/2026".into()).is_err());
        assert!(Value::from_text(Kind::Json, "[1, 2".into()).is_err());
    }

    #[test]
    fn only_the_exact_forms_the_stores_write_are_taken() {
        let id = uuid::Uuid::new_v4();
        for other in
            [id.to_string().to_uppercase(), id.simple().to_string(), format!("{{{id}}}"), format!("urn:uuid:{id}")]
        {
            assert!(Value::from_text(Kind::Uuid, other.clone()).is_err(), "{other}");
        }
        for other in [" 2030-01-07", "2030-1-7", "2030-01-07 ", "+2030-01-07"] {
            assert!(Value::from_text(Kind::Date, other.to_owned()).is_err(), "{other}");
        }
    }

    #[test]
    fn json_with_numbers_that_would_be_rounded_is_refused() {
        assert!(Value::from_text(Kind::Json, r#"{"a": [1, -2, 18446744073709551615]}"#.into()).is_ok());
        for lossy in ["[0.1000000000000000000001]", "[12345678901234567890123]", r#"{"a": {"b": 1.5}}"#, "[1e3]"] {
            assert!(Value::from_text(Kind::Json, lossy.to_owned()).is_err(), "{lossy}");
        }
    }

    #[test]
    fn nan_is_refused_and_negative_zero_is_zero() {
        assert!(Value::real(f64::NAN).is_err());
        assert_eq!(Value::real(-0.0).map(f64::to_bits), Ok(0.0_f64.to_bits()));
        assert_eq!(Value::real(f64::INFINITY), Ok(f64::INFINITY));
    }
}
