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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_value_reads_as_its_field_and_reason() {
        assert_eq!(Invalid::new("name", "must not be empty").to_string(), "name: must not be empty");
    }
}
