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
    /// Reads a value of `kind` from the text form SQLite keeps it in (UUIDs, JSON and dates).
    pub fn from_text(kind: Kind, text: String) -> Result<Self, String> {
        match kind {
            Kind::Uuid => {
                uuid::Uuid::parse_str(&text).map(Value::Uuid).map_err(|e| format!("{text:?} is no UUID: {e}"))
            }
            Kind::Json => serde_json::from_str(&text).map(Value::Json).map_err(|e| format!("not JSON: {e}")),
            Kind::Date => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map(Value::Date)
                .map_err(|e| format!("{text:?} is no date: {e}")),
            _ => Ok(Value::Text(text)),
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
}
