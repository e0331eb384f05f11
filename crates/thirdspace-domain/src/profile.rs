//! Profiles: what a person shows of themselves, and to whom.

use serde::{Deserialize, Serialize};

use crate::{tag, text, Invalid, Invalids};

/// Who may see a person's name and profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone.
    Public,
    /// Only people checked in at the same venue at the same time.
    #[default]
    Venue,
    /// Nobody; the person is only counted.
    Hidden,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Venue => "venue",
            Self::Hidden => "hidden",
        }
    }

    pub fn from_str_opt(raw: &str) -> Option<Self> {
        [Self::Public, Self::Venue, Self::Hidden].into_iter().find(|v| v.as_str() == raw)
    }
}

/// Where the viewer stands relative to the person being viewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewer {
    /// The viewer is the person.
    pub is_self: bool,
    /// The viewer is checked in at the venue where the person is checked in, right now.
    pub shares_venue_now: bool,
}

/// Whether a viewer may see a person's name and profile.
pub fn may_see(visibility: Visibility, viewer: Viewer) -> bool {
    viewer.is_self
        || match visibility {
            Visibility::Public => true,
            Visibility::Venue => viewer.shares_venue_now,
            Visibility::Hidden => false,
        }
}

/// What a person submits as their profile.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    #[schema(example = "Anna de Vries")]
    pub display_name: String,
    #[serde(default)]
    #[schema(example = "Freelance bookkeeper for creative studios")]
    pub headline: Option<String>,
    #[serde(default)]
    pub bio: Option<String>,
    /// Knowledge I offer.
    #[serde(default)]
    pub offers: Vec<String>,
    /// What I am looking for, as tags.
    #[serde(default)]
    pub seeking: Vec<String>,
    /// What I am looking for, in my own words.
    #[serde(default)]
    pub seeking_text: Option<String>,
    #[serde(default)]
    pub interests: Vec<String>,
    /// Field or industry.
    #[serde(default)]
    #[schema(example = "finance")]
    pub field: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(default = "yes")]
    pub open_to_meet: bool,
}

fn yes() -> bool {
    true
}

/// The most links one profile may hold.
pub const MAX_LINKS: usize = 5;

/// A profile, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileDraft {
    pub display_name: String,
    pub headline: Option<String>,
    pub bio: Option<String>,
    pub offers: Vec<String>,
    pub seeking: Vec<String>,
    pub seeking_text: Option<String>,
    pub interests: Vec<String>,
    pub field: Option<String>,
    pub links: Vec<String>,
    pub visibility: Visibility,
    pub open_to_meet: bool,
}

impl ProfileDraft {
    /// Checks every field, and names every one that breaks a rule.
    pub fn parse(input: ProfileInput) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let display_name = invalid.or_default(display_name(&input.display_name));
        let headline = invalid.or_default(text::optional("headline", input.headline.as_deref(), 140, false));
        let bio = invalid.or_default(text::optional("bio", input.bio.as_deref(), 2000, true));
        let offers = invalid.or_default(tag::normalise_list("offers", &input.offers));
        let seeking = invalid.or_default(tag::normalise_list("seeking", &input.seeking));
        let seeking_text = invalid.or_default(text::optional("seeking_text", input.seeking_text.as_deref(), 500, true));
        let interests = invalid.or_default(tag::normalise_list("interests", &input.interests));
        let field = invalid.or_default(text::optional("field", input.field.as_deref(), 80, false));
        let mut links = Vec::new();
        if input.links.len() > MAX_LINKS {
            invalid.add(Invalid::new("links", format!("at most {MAX_LINKS} links")));
        } else {
            for (i, raw) in input.links.iter().enumerate() {
                match parse_link(&format!("links[{i}]"), raw) {
                    Ok(link) => links.push(link),
                    Err(e) => invalid.add(e),
                }
            }
        }
        invalid.finish(Self {
            display_name,
            headline,
            bio,
            offers,
            seeking,
            seeking_text,
            interests,
            field: field.and_then(|f| tag::normalise(&f)),
            links,
            visibility: input.visibility,
            open_to_meet: input.open_to_meet,
        })
    }

    /// The profile a new account starts with.
    pub fn new_member(display_name: String) -> Self {
        Self {
            display_name,
            headline: None,
            bio: None,
            offers: Vec::new(),
            seeking: Vec::new(),
            seeking_text: None,
            interests: Vec::new(),
            field: None,
            links: Vec::new(),
            visibility: Visibility::default(),
            open_to_meet: true,
        }
    }
}

/// Checks a display name: 1 to 80 characters, no control characters.
pub fn display_name(raw: &str) -> Result<String, Invalid> {
    text::bounded("display_name", raw, 1, 80, false)
}

fn parse_link(field: &str, raw: &str) -> Result<String, Invalid> {
    let trimmed = raw.trim();
    if trimmed.len() > 300 {
        return Err(Invalid::new(field, "must be at most 300 characters"));
    }
    let url = url::Url::parse(trimmed)
        .map_err(|_| Invalid::new(field, "must be a web address starting with https:// or http://"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Invalid::new(field, "must be a web address starting with https:// or http://"));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_broken_field_of_a_profile_is_named_at_once() {
        let input: ProfileInput = serde_json::from_value(serde_json::json!({
            "display_name": "", "headline": "h".repeat(200), "links": ["not a link", "https://example.org"]
        }))
        .unwrap();
        let fields: Vec<_> = ProfileDraft::parse(input).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["display_name", "headline", "links[0]"]);
    }

    fn input() -> ProfileInput {
        serde_json::from_value(serde_json::json!({"display_name": "Anna"})).unwrap()
    }

    #[test]
    fn a_new_profile_is_visible_at_the_venue_and_open_to_meet() {
        let p = ProfileDraft::parse(input()).unwrap();
        assert_eq!(p.visibility, Visibility::Venue);
        assert!(p.open_to_meet);
    }

    #[test]
    fn links_must_be_web_addresses() {
        let mut i = input();
        i.links = vec!["javascript:alert(1)".into()];
        assert_eq!(ProfileDraft::parse(i).unwrap_err().first().unwrap().field, "links[0]");
        let mut i = input();
        i.links = vec!["https://example.org/anna".into()];
        assert_eq!(ProfileDraft::parse(i).unwrap().links, vec!["https://example.org/anna"]);
    }

    #[test]
    fn visibility_decides_who_sees_a_person() {
        let stranger = Viewer { is_self: false, shares_venue_now: false };
        let neighbour = Viewer { is_self: false, shares_venue_now: true };
        let me = Viewer { is_self: true, shares_venue_now: false };
        assert!(may_see(Visibility::Public, stranger));
        assert!(!may_see(Visibility::Venue, stranger));
        assert!(may_see(Visibility::Venue, neighbour));
        assert!(!may_see(Visibility::Hidden, neighbour));
        assert!(may_see(Visibility::Hidden, me));
    }
}
