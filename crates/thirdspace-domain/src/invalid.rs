use std::fmt;

/// A value from outside that breaks a rule: names the offending field and says why, in words a
/// person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for Invalid {}

/// Every rule a value from outside breaks, in the order of its fields, so that a form can show
/// them all at once instead of one per submit. Never empty once returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invalids(Vec<Invalid>);

impl Invalids {
    /// Notes one more broken rule.
    pub fn add(&mut self, invalid: Invalid) {
        self.0.push(invalid);
    }

    /// The value of `checked`, or a stand-in (its type's default) after noting why it is invalid:
    /// the checks after it still run, and [`Invalids::finish`] throws the stand-in away.
    pub fn or_default<T: Default>(&mut self, checked: Result<T, Invalid>) -> T {
        checked.unwrap_or_else(|invalid| {
            self.add(invalid);
            T::default()
        })
    }

    /// `value` when no rule was broken, otherwise every broken rule.
    pub fn finish<T>(self, value: T) -> Result<T, Invalids> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    /// The first broken rule: what an answer with room for one names.
    pub fn first(&self) -> Option<&Invalid> {
        self.0.first()
    }

    /// Every broken rule, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Invalid> {
        self.0.iter()
    }
}

impl Extend<Invalid> for Invalids {
    fn extend<I: IntoIterator<Item = Invalid>>(&mut self, more: I) {
        self.0.extend(more);
    }
}

impl IntoIterator for Invalids {
    type Item = Invalid;
    type IntoIter = std::vec::IntoIter<Invalid>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Invalid> for Invalids {
    fn from(invalid: Invalid) -> Self {
        Self(vec![invalid])
    }
}

impl fmt::Display for Invalids {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, invalid) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            invalid.fmt(f)?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalids {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_value_reads_as_its_field_and_reason() {
        assert_eq!(Invalid::new("name", "must not be empty").to_string(), "name: must not be empty");
    }

    #[test]
    fn every_broken_rule_is_kept_and_the_first_leads() {
        let mut invalids = Invalids::default();
        let name: String = invalids.or_default(Err(Invalid::new("name", "must not be empty")));
        let seats: u32 = invalids.or_default(Ok(4));
        invalids.add(Invalid::new("city", "must not be empty"));
        assert_eq!((name.as_str(), seats), ("", 4));
        let all = invalids.finish(()).unwrap_err();
        assert_eq!(all.first().map(|i| i.field.as_str()), Some("name"));
        assert_eq!(all.iter().count(), 2);
        assert_eq!(all.to_string(), "name: must not be empty; city: must not be empty");
    }

    #[test]
    fn nothing_broken_gives_the_value() {
        assert_eq!(Invalids::default().finish(7), Ok(7));
    }
}
