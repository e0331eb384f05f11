//! Editing one's profile: what I offer and look for (with tag suggestions from the skill
//! vocabulary), who may see me and whether I am open to meet, with a preview of the screen card.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::profile::{ProfileInput, Visibility};
use thirdspace_serendipity::person::tag_labels;
use thirdspace_serendipity::vocabulary::shipped;
use thirdspace_store::Profile;

use super::{failed, render, status_of, to_login, Errors, FormData, Labels, Nav, Params, Visitor};
use crate::app::{profiles, AppError};
use crate::AppState;

/// The form as typed (lists as comma-separated text, links one per line).
#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub headline: String,
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub offers: String,
    #[serde(default)]
    pub seeking: String,
    #[serde(default)]
    pub seeking_text: String,
    #[serde(default)]
    pub interests: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub links: String,
    #[serde(default)]
    pub visibility: String,
    #[serde(default)]
    pub record_visibility: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    #[serde(default)]
    pub open_to_meet: Option<String>,
    #[serde(default)]
    csrf: String,
}

impl ProfileForm {
    fn of(p: &Profile) -> Self {
        Self {
            display_name: p.display_name.clone(),
            headline: p.headline.clone().unwrap_or_default(),
            bio: p.bio.clone().unwrap_or_default(),
            offers: p.offers.join(", "),
            seeking: p.seeking.join(", "),
            seeking_text: p.seeking_text.clone().unwrap_or_default(),
            interests: p.interests.join(", "),
            field: p.field.clone().unwrap_or_default(),
            links: p.links.join("\n"),
            visibility: p.visibility.as_str().to_owned(),
            record_visibility: p.record_visibility.as_str().to_owned(),
            open_to_meet: p.open_to_meet.then(|| "yes".to_owned()),
            csrf: String::new(),
        }
    }

    fn input(&self) -> Result<ProfileInput, AppError> {
        let list = |raw: &str| raw.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect();
        let text = |raw: &str| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
        // A choice the form did not send is the default; one it cannot send is refused.
        let choice = |raw: &str, default: Visibility, field: &str, message: &str| match raw {
            "" => Ok(default),
            raw => Visibility::from_str_opt(raw).ok_or_else(|| thirdspace_domain::Invalid::new(field, message)),
        };
        let visibility = choice(&self.visibility, Visibility::Venue, "visibility", "choose who may see you")?;
        let record_visibility =
            choice(&self.record_visibility, Visibility::Hidden, "record_visibility", "choose who may see your record")?;
        Ok(ProfileInput {
            display_name: self.display_name.clone(),
            headline: text(&self.headline),
            bio: text(&self.bio),
            offers: list(&self.offers),
            seeking: list(&self.seeking),
            seeking_text: text(&self.seeking_text),
            interests: list(&self.interests),
            field: text(&self.field),
            links: self.links.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
            visibility,
            open_to_meet: self.open_to_meet.is_some(),
            record_visibility,
        })
    }
}

/// The field view the template reads.
struct Fields {
    display_name: String,
    headline: String,
    bio: String,
    offers: String,
    seeking: String,
    seeking_text: String,
    interests: String,
    field: String,
    links: String,
    visibility: String,
    record_visibility: String,
    open_to_meet: bool,
}

impl From<ProfileForm> for Fields {
    fn from(f: ProfileForm) -> Self {
        Self {
            display_name: f.display_name,
            headline: f.headline,
            bio: f.bio,
            offers: f.offers,
            seeking: f.seeking,
            seeking_text: f.seeking_text,
            interests: f.interests,
            field: f.field,
            links: f.links,
            visibility: if f.visibility.is_empty() { "venue".to_owned() } else { f.visibility },
            record_visibility: if f.record_visibility.is_empty() { "hidden".to_owned() } else { f.record_visibility },
            open_to_meet: f.open_to_meet.is_some(),
        }
    }
}

/// The profile form's fields in its order, with the labels it shows.
const PROFILE_LABELS: Labels = &[
    ("display_name", "Your name"),
    ("headline", "Headline"),
    ("offers", "Knowledge I offer"),
    ("seeking", "What I am looking for"),
    ("seeking_text", "In my own words"),
    ("interests", "Interests"),
    ("field", "Field or industry"),
    ("bio", "About me"),
    ("links", "Links"),
    ("visibility", "Who may see me"),
];

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    f: Fields,
    welcome: bool,
    saved: bool,
    preview_note: &'static str,
    /// The tags as the screen shows them (see `routes::intros::labels`).
    shown_offers: String,
    shown_seeking: String,
    errors: Errors,
}

/// Comma-separated typed tags as the venue's screen shows them.
fn on_screen(typed: &str) -> String {
    let tags: Vec<&str> = typed.split(',').collect();
    tag_labels(shipped(), &tags).join(", ")
}

fn preview_note(visibility: &str) -> &'static str {
    match visibility {
        "public" => "Everyone can see this card: on screens, venue pages and suggestions.",
        "hidden" => "Nobody sees this card: screens only count you.",
        _ => "Only the screen where you are checked in, and the people there, see this card.",
    }
}

#[derive(Deserialize)]
struct Flags {
    welcome: Option<String>,
    saved: Option<String>,
}

async fn page(State(state): State<AppState>, who: Visitor, Params(q): Params<Flags>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/profile") };
    let profile = match profiles::mine(&state, user).await {
        Ok(p) => p,
        Err(e) => return failed("", &e),
    };
    let f = Fields::from(ProfileForm::of(&profile));
    let page = ProfilePage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        preview_note: preview_note(&f.visibility),
        shown_offers: on_screen(&f.offers),
        shown_seeking: on_screen(&f.seeking),
        f,
        welcome: q.welcome.is_some(),
        saved: q.saved.is_some(),
        errors: Errors::default(),
    };
    render(StatusCode::OK, &page)
}

async fn save(State(state): State<AppState>, who: Visitor, FormData(form): FormData<ProfileForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/me/profile") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let saved = match form.input() {
        Ok(input) => profiles::save(&state, user.id, input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Redirect::to("/me/profile?saved=1").into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let f = Fields::from(form);
            let page = ProfilePage {
                nav: Some(who.nav()),
                csrf: &who.csrf,
                preview_note: preview_note(&f.visibility),
                shown_offers: on_screen(&f.offers),
                shown_seeking: on_screen(&f.seeking),
                f,
                welcome: false,
                saved: false,
                errors: Errors::of_app(&e).labelled(PROFILE_LABELS),
            };
            render(status_of(&e), &page)
        }
        Err(e) => failed("", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/me/profile", get(page).post(save))
}
