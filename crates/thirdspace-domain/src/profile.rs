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
    #[schema(schema_with = text::schema::line::<1, 80>, example = "Anna de Vries")]
    pub display_name: String,
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_line::<140>, example = "Freelance bookkeeper for creative studios")]
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_lines::<2000>)]
    pub bio: Option<String>,
    /// Knowledge I offer.
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub offers: Vec<String>,
    /// What I am looking for, as tags.
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub seeking: Vec<String>,
    /// What I am looking for, in my own words.
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_lines::<500>)]
    pub seeking_text: Option<String>,
    #[serde(default)]
    #[schema(schema_with = tag::schema::list)]
    pub interests: Vec<String>,
    /// Field or industry.
    #[serde(default)]
    #[schema(schema_with = text::schema::optional_line::<80>, example = "finance")]
    pub field: Option<String>,
    /// Web addresses, http or https, at most 5.
    #[serde(default)]
    #[schema(schema_with = links_schema)]
    pub links: Vec<String>,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(default = "yes")]
    pub open_to_meet: bool,
    /// Who sees my record of social capital (what I gave and received, and on which topics):
    /// `public`, `venue` (people checked in where I am), or `hidden` (only me; the default).
    #[serde(default = "private")]
    pub record_visibility: Visibility,
}

fn yes() -> bool {
    true
}

fn private() -> Visibility {
    Visibility::Hidden
}

/// The most links one profile may hold.
pub const MAX_LINKS: usize = 5;

/// Up to [`MAX_LINKS`] web addresses.
fn links_schema() -> utoipa::openapi::Array {
    let link = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .max_length(Some(300))
        .pattern(Some(text::schema::padded(
            "[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z][A-Za-z0-9-]*(?:[.][A-Za-z][A-Za-z0-9-]*)*(?:/[A-Za-z0-9._~/-]*)?",
        )));
    utoipa::openapi::ArrayBuilder::new().items(link).max_items(Some(MAX_LINKS)).build()
}

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
    pub record_visibility: Visibility,
}

impl ProfileDraft {
    /// Checks every field, and names every one that breaks a rule.
    pub fn parse(input: ProfileInput) -> Result<Self, Invalids> {
        let mut invalid = Invalids::default();
        let display_name = invalid.or_default(display_name(&input.display_name));
        let headline = invalid.or_default(text::optional("headline", input.headline.as_deref(), 140, false));
        let bio = invalid.or_default(text::optional("bio", input.bio.as_deref(), 2000, true));
        let offers = invalid.or_default(tag::tidy_list("offers", &input.offers));
        let seeking = invalid.or_default(tag::tidy_list("seeking", &input.seeking));
        let seeking_text = invalid.or_default(text::optional("seeking_text", input.seeking_text.as_deref(), 500, true));
        let interests = invalid.or_default(tag::tidy_list("interests", &input.interests));
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
            record_visibility: input.record_visibility,
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
            record_visibility: Visibility::Hidden,
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
    fn visibilities_are_stored_under_the_names_the_api_shows() {
        for v in [Visibility::Public, Visibility::Venue, Visibility::Hidden] {
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
            assert_eq!(Visibility::from_str_opt(v.as_str()), Some(v));
        }
        assert_eq!(Visibility::from_str_opt("friends"), None);
    }

    #[test]
    fn a_profile_holds_five_links_of_up_to_300_characters() {
        let link = |len: usize| format!("https://example.org/{}", "a".repeat(len - 20));
        let mut i = input();
        i.links = vec![link(300); MAX_LINKS];
        assert_eq!(ProfileDraft::parse(i).unwrap().links.len(), MAX_LINKS);
        let mut i = input();
        i.links = vec![link(40); MAX_LINKS + 1];
        assert_eq!(ProfileDraft::parse(i).unwrap_err().first().unwrap().field, "links");
        let mut i = input();
        i.links = vec![link(301)];
        assert_eq!(ProfileDraft::parse(i).unwrap_err().first().unwrap().field, "links[0]");
        let mut i = input();
        i.links = vec!["ftp://example.org/anna".into()];
        assert_eq!(ProfileDraft::parse(i).unwrap_err().first().unwrap().field, "links[0]");
    }

    #[test]
    fn every_part_of_a_profile_is_checked_and_normalised() {
        let i: ProfileInput = serde_json::from_value(serde_json::json!({
            "display_name": " Anna ", "headline": " Bookkeeper ", "bio": "Line one\nline two",
            "offers": ["VAT", "vat"], "seeking": ["Design"], "seeking_text": "A designer",
            "interests": ["Jazz"], "field": "  Finance   Tech ", "visibility": "public", "open_to_meet": false
        }))
        .unwrap();
        let p = ProfileDraft::parse(i).unwrap();
        assert_eq!(p.display_name, "Anna");
        assert_eq!(p.headline.as_deref(), Some("Bookkeeper"));
        assert_eq!(p.bio.as_deref(), Some("Line one\nline two"));
        assert_eq!(
            (p.offers, p.seeking, p.interests),
            (vec!["VAT".to_owned()], vec!["Design".to_owned()], vec!["Jazz".to_owned()]),
            "tags keep their own casing, and a repeat in another casing is dropped"
        );
        assert_eq!((p.seeking_text.as_deref(), p.field.as_deref()), (Some("A designer"), Some("finance tech")));
        assert_eq!((p.visibility, p.open_to_meet), (Visibility::Public, false));
        let fresh = ProfileDraft::new_member("Bo".into());
        assert_eq!(
            (fresh.display_name.as_str(), fresh.visibility, fresh.open_to_meet),
            ("Bo", Visibility::Venue, true)
        );
        assert!(fresh.offers.is_empty() && fresh.links.is_empty() && fresh.headline.is_none());
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
