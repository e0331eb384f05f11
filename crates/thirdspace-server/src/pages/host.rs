//! Running a venue from the browser: open one in a guided form, edit its hours, closures, rules
//! and spaces, invite staff, and the day's view (expected, here, no-shows; check people in and
//! out; the screen and kiosk links).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::booking::BookingStatus;
use thirdspace_domain::hours::{self, ClockTime, OpeningPeriod, Weekday};
use thirdspace_domain::resident::{Resident, ResidentInput};
use thirdspace_domain::space::{SpaceDraft, SpaceInput, SpaceKind};
use thirdspace_domain::venue::{self, Coordinates, DayPass, VenueDraft, VenueInput, VenueKind};
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{Conflict, Page, PresenceConflict, ScreenKind, StaffRole, Told, User, Venue};
use uuid::Uuid;

use super::CsrfForm;
use super::{
    failed, failure, kind_label, message, render, status_of, to_login, today_at, Errors, FormData, Labels, Nav, Params,
    Visitor,
};
use crate::app::access::{self, venue_for_owner, venue_for_staff};
use crate::app::imports::{self, MemberStatus};
use crate::app::presence::{arrive, leave, Arrival};
use crate::app::venues::{self, invite as invite_staff};
use crate::app::AppError;
use crate::app::{bookings, screens};
use crate::error::ApiError;
use crate::AppState;

const KINDS: [VenueKind; 7] = [
    VenueKind::Cafe,
    VenueKind::Library,
    VenueKind::University,
    VenueKind::CorporateOffice,
    VenueKind::CoworkingCentre,
    VenueKind::Home,
    VenueKind::Other,
];

const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "mon", "Monday"),
    (Weekday::Tuesday, "tue", "Tuesday"),
    (Weekday::Wednesday, "wed", "Wednesday"),
    (Weekday::Thursday, "thu", "Thursday"),
    (Weekday::Friday, "fri", "Friday"),
    (Weekday::Saturday, "sat", "Saturday"),
    (Weekday::Sunday, "sun", "Sunday"),
];

/// The venue a host's form is about: its sender logged in (else to the log-in, and back to
/// `back`), the form theirs, and the venue theirs to run (`owner`: only its owner's); else the
/// page that says why.
async fn form_venue(
    state: &AppState,
    who: &Visitor,
    id: &str,
    csrf: &str,
    owner: bool,
    back: &str,
) -> Result<(User, Venue, StaffRole), Response> {
    let Some(user) = &who.user else { return Err(to_login(back)) };
    if let Some(page) = who.refuse_forged(csrf) {
        return Err(page);
    }
    let (venue, role) = staff_venue(state, user, id, owner).await?;
    Ok((user.clone(), venue, role))
}

/// A user's page needs a login; a venue's pages need its staff (or owner).
async fn staff_venue(state: &AppState, user: &User, raw: &str, owner: bool) -> Result<(Venue, StaffRole), Response> {
    let missing = || message(StatusCode::NOT_FOUND, "No such venue", "Check the link.");
    let Ok(id) = Uuid::parse_str(raw) else { return Err(missing()) };
    let found = if owner {
        venue_for_owner(state, id, user).await.map(|v| (v, StaffRole::Owner))
    } else {
        venue_for_staff(state, id, user).await
    };
    found.map_err(|e| match e {
        AppError::Forbidden(_) => message(
            StatusCode::FORBIDDEN,
            "Not yours to run",
            if owner { "Only the venue's owner may do that." } else { "Only the venue's staff may see this." },
        ),
        AppError::NotFound(_) => missing(),
        e => failed("", &e),
    })
}

struct KindOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "host.html")]
struct HostPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    venues: Vec<(Uuid, String, &'static str)>,
    invitations: Vec<thirdspace_store::Invitation>,
    /// Whether the member confirmed their address (needed to join as staff), and which it is.
    verified: bool,
    email: &'a str,
    /// A network admin, who may import venues.
    admin: bool,
}

async fn home(State(state): State<AppState>, who: Visitor) -> Response {
    let Some(user) = &who.user else { return to_login("/host") };
    let venues = match venues::run_by(&state, user).await {
        Ok(v) => v,
        Err(e) => return failed("", &e),
    };
    let invitations = match venues::my_invitations(&state, user).await {
        Ok(i) => i,
        Err(AppError::Invalid(_)) => Vec::new(),
        Err(e) => return failed("", &e),
    };
    let venues = venues
        .into_iter()
        .map(|(v, role)| (v.id, v.name, if role == StaffRole::Owner { "owner" } else { "staff" }))
        .collect();
    let page = HostPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        venues,
        invitations,
        verified: user.email_verified,
        email: &user.email,
        admin: user.is_admin,
    };
    render(StatusCode::OK, &page)
}

async fn accept_invitation(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login("/host") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return message(StatusCode::NOT_FOUND, "No such invitation", "It may have been for someone else.");
    };
    match venues::accept_invitation(&state, user, id).await {
        Ok((venue, _)) => Redirect::to(&format!("/host/venues/{venue}")).into_response(),
        Err(AppError::NotFound(_)) => {
            message(StatusCode::NOT_FOUND, "No such invitation", "It may have been for someone else.")
        }
        Err(e) => failed("Could not join", &e),
    }
}

/// The venue form as typed.
#[derive(Deserialize, Default)]
struct VenueForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    closures: String,
    #[serde(default)]
    amenities: String,
    #[serde(default)]
    house_rules: String,
    #[serde(default)]
    grace: String,
    #[serde(default)]
    requires_approval: Option<String>,
    #[serde(default)]
    welcomes_gatherings: Option<String>,
    #[serde(default)]
    day_pass_price: String,
    #[serde(default)]
    day_pass_currency: String,
    #[serde(default)]
    space_name: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    social_capital_seats: String,
    #[serde(default)]
    csrf: String,
    /// `mon_opens`, `mon_closes`, `mon_opens2`, `mon_closes2`, … for each day.
    #[serde(flatten)]
    hours: HashMap<String, String>,
}

struct DayRow {
    key: &'static str,
    label: &'static str,
    opens: String,
    closes: String,
    opens2: String,
    closes2: String,
}

impl VenueForm {
    fn of(v: &Venue) -> Self {
        let mut hours = HashMap::new();
        for (day, key, _) in DAYS {
            for (i, p) in v.opening_hours.iter().filter(|p| p.day == day).take(2).enumerate() {
                let suffix = if i == 0 { "" } else { "2" };
                hours.insert(format!("{key}_opens{suffix}"), p.opens.to_string());
                hours.insert(format!("{key}_closes{suffix}"), p.closes.to_string());
            }
        }
        Self {
            name: v.name.clone(),
            kind: v.kind.as_str().to_owned(),
            address: v.address.clone(),
            city: v.city.clone(),
            country: v.country.clone(),
            time_zone: v.time_zone.clone(),
            latitude: v.coordinates.as_ref().map(|c| c.latitude.to_string()).unwrap_or_default(),
            longitude: v.coordinates.as_ref().map(|c| c.longitude.to_string()).unwrap_or_default(),
            closures: v.closures.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
            amenities: v.amenities.join(", "),
            house_rules: v.house_rules.clone().unwrap_or_default(),
            grace: v.no_show_grace_minutes.to_string(),
            requires_approval: v.requires_approval.then(|| "on".to_owned()),
            welcomes_gatherings: v.welcomes_gatherings.then(|| "on".to_owned()),
            day_pass_price: v
                .day_pass
                .as_ref()
                .map(|p| venue::decimal(u64::from(p.price_minor), &p.currency))
                .unwrap_or_default(),
            day_pass_currency: v.day_pass.as_ref().map(|p| p.currency.clone()).unwrap_or_default(),
            hours,
            ..Self::default()
        }
    }

    fn hour(&self, key: &str) -> String {
        self.hours.get(key).map(|s| s.trim().to_owned()).unwrap_or_default()
    }

    fn days(&self) -> Vec<DayRow> {
        DAYS.iter()
            .map(|(_, key, label)| DayRow {
                key,
                label,
                opens: self.hour(&format!("{key}_opens")),
                closes: self.hour(&format!("{key}_closes")),
                opens2: self.hour(&format!("{key}_opens2")),
                closes2: self.hour(&format!("{key}_closes2")),
            })
            .collect()
    }

    /// The form as the venue rules want it, with what is wrong in the form's own fields (a time
    /// or a date that does not read): those are left out, so the venue rules check the rest.
    fn input(&self) -> (VenueInput, Invalids) {
        let mut invalid = Invalids::default();
        let kind = VenueKind::from_str_opt(&self.kind).unwrap_or_else(|| {
            invalid.add(Invalid::new("kind", "choose a kind of place"));
            VenueKind::Other
        });
        let coordinates = match (self.latitude.trim(), self.longitude.trim()) {
            ("", "") => None,
            (lat, lon) => match (lat.parse::<f64>(), lon.parse::<f64>()) {
                (Ok(latitude), Ok(longitude)) => Some(Coordinates { latitude, longitude }),
                _ => {
                    invalid.add(Invalid::new("coordinates", "give both latitude and longitude as numbers, or neither"));
                    None
                }
            },
        };
        let mut opening_hours = Vec::new();
        let mut hours_read = true;
        for ((day, _, label), row) in DAYS.iter().zip(self.days()) {
            for (opens, closes) in [(&row.opens, &row.closes), (&row.opens2, &row.closes2)] {
                if opens.is_empty() && closes.is_empty() {
                    continue;
                }
                if opens.is_empty() || closes.is_empty() {
                    invalid.add(Invalid::new(
                        "opening_hours",
                        format!("{label}: give both the opening and the closing time"),
                    ));
                    hours_read = false;
                    continue;
                }
                let time = |raw: &str| {
                    ClockTime::parse("opening_hours", raw)
                        .map_err(|_| Invalid::new("opening_hours", format!("{label}: {raw} is not a time (hh:mm)")))
                };
                match (time(opens), time(closes)) {
                    (Ok(opens), Ok(closes)) => opening_hours.push(OpeningPeriod { day: *day, opens, closes }),
                    (opens, closes) => {
                        invalid.extend([opens.err(), closes.err()].into_iter().flatten());
                        hours_read = false;
                    }
                }
            }
        }
        if !hours_read {
            // Half a week's hours would be checked as if the rest were closed.
            opening_hours.clear();
        }
        let mut closures = Vec::new();
        for line in self.closures.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match NaiveDate::parse_from_str(line, "%Y-%m-%d") {
                Ok(date) => closures.push(date),
                Err(_) => invalid.add(Invalid::new("closures", format!("{line} is not a date (YYYY-MM-DD)"))),
            }
        }
        let no_show_grace_minutes = match self.grace.trim() {
            "" => None,
            raw => raw.parse::<u16>().map(Some).unwrap_or_else(|_| {
                invalid.add(Invalid::new("no_show_grace_minutes", "must be a number of minutes"));
                None
            }),
        };
        let day_pass = match (self.day_pass_price.trim(), self.day_pass_currency.trim()) {
            ("", "") => None,
            (price, currency) => match venue::parse_amount(price, currency) {
                Some(price_minor) => Some(DayPass { price_minor, currency: currency.to_owned() }),
                None => {
                    invalid.add(Invalid::new(
                        "day_pass.price_minor",
                        "give the price as a number like 25.00, with no more decimals than its currency has",
                    ));
                    None
                }
            },
        };
        let text = |raw: &str| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
        let input = VenueInput {
            name: self.name.clone(),
            kind,
            address: self.address.clone(),
            city: self.city.clone(),
            country: self.country.trim().to_uppercase(),
            coordinates,
            time_zone: self.time_zone.trim().to_owned(),
            opening_hours,
            closures,
            amenities: self.amenities.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            house_rules: text(&self.house_rules),
            no_show_grace_minutes,
            day_pass,
            requires_approval: self.requires_approval.is_some(),
            welcomes_gatherings: self.welcomes_gatherings.is_some(),
        };
        (input, invalid)
    }

    /// The venue the form describes, or every rule it breaks.
    fn venue(&self) -> Result<VenueDraft, Invalids> {
        let (input, mut invalid) = self.input();
        match VenueDraft::parse(input) {
            Ok(draft) => invalid.finish(draft),
            Err(more) => {
                invalid.extend(more);
                Err(invalid)
            }
        }
    }

    /// The first space of a new venue.
    fn space(&self) -> Result<SpaceDraft, Invalids> {
        space_draft(&self.space_name, "open_seating", &self.capacity, &self.social_capital_seats, "space_name")
    }
}

/// The venue form's fields in its order, with the labels it shows.
const VENUE_LABELS: Labels = &[
    ("name", "Name"),
    ("kind", "Kind of place"),
    ("address", "Street and number"),
    ("city", "City"),
    ("country", "Country code"),
    ("time_zone", "Time zone"),
    ("coordinates", "Latitude and longitude"),
    ("opening_hours", "Opening hours"),
    ("closures", "Closed on"),
    ("amenities", "Amenities"),
    ("house_rules", "House rules"),
    ("no_show_grace_minutes", "Release unclaimed seats after"),
    ("day_pass.price_minor", "Day pass price"),
    ("day_pass.currency", "Currency"),
    ("space_name", "Name of your first space"),
    ("capacity", "Seats"),
    ("social_capital_seats", "Of which for social capital"),
];

/// The space form's fields in its order, with the labels it shows.
const SPACE_LABELS: Labels =
    &[("name", "Name"), ("capacity", "Seats"), ("social_capital_seats", "For social capital"), ("kind", "Kind")];

/// A space from the form's text, naming the form's fields in errors: every one that is wrong.
fn space_draft(name: &str, kind: &str, capacity: &str, seats: &str, name_field: &str) -> Result<SpaceDraft, Invalids> {
    let mut invalid = Invalids::default();
    let kind = SpaceKind::from_str_opt(kind).unwrap_or_else(|| {
        invalid.add(Invalid::new("kind", "choose open seating or a meeting room"));
        SpaceKind::OpenSeating
    });
    let seats_of = |field: &str, raw: &str| {
        raw.trim().parse::<u32>().map_err(|_| Invalid::new(field, "must be a number of seats"))
    };
    let capacity = seats_of("capacity", capacity);
    let social_capital_seats = match seats.trim() {
        "" => Ok(0),
        raw => seats_of("social_capital_seats", raw),
    };
    let (capacity, social_capital_seats) = match (capacity, social_capital_seats) {
        (Ok(capacity), Ok(seats)) => (capacity, seats),
        (capacity, seats) => {
            // Only the name is left to check: numbers that do not read cannot be compared.
            invalid.extend([capacity.err(), seats.err()].into_iter().flatten());
            (1, 0)
        }
    };
    let parsed = SpaceDraft::parse(SpaceInput { name: name.to_owned(), kind, capacity, social_capital_seats });
    let named = |e: &Invalid| Invalid::new(if e.field == "name" { name_field } else { e.field.as_str() }, &e.message);
    match parsed {
        Ok(draft) => invalid.finish(draft),
        Err(more) => {
            invalid.extend(more.iter().map(named));
            Err(invalid)
        }
    }
}

struct VenueFormFields {
    name: String,
    address: String,
    city: String,
    country: String,
    time_zone: String,
    latitude: String,
    longitude: String,
    closures: String,
    amenities: String,
    house_rules: String,
    grace: String,
    requires_approval: Option<String>,
    welcomes_gatherings: Option<String>,
    day_pass_price: String,
    day_pass_currency: String,
    space_name: String,
    capacity: String,
    social_capital_seats: String,
}

#[derive(Template)]
#[template(path = "venue_form.html")]
struct VenueFormPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    title: String,
    action: String,
    button: &'static str,
    creating: bool,
    kinds: Vec<KindOption>,
    zones: &'static [&'static str],
    days: Vec<DayRow>,
    f: VenueFormFields,
    errors: Errors,
}

fn zones() -> &'static [&'static str] {
    static ZONES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ZONES.get_or_init(|| chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect())
}

fn venue_form_page<'a>(
    who: &'a Visitor,
    form: VenueForm,
    creating: bool,
    action: String,
    errors: Errors,
) -> VenueFormPage<'a> {
    let kinds = KINDS
        .iter()
        .map(|k| KindOption { value: k.as_str(), label: kind_label(*k), selected: form.kind == k.as_str() })
        .collect();
    let days = form.days();
    VenueFormPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        title: if creating { "Open a venue".to_owned() } else { format!("Edit {}", form.name) },
        action,
        button: if creating { "Open the venue" } else { "Save" },
        creating,
        kinds,
        zones: zones(),
        days,
        f: VenueFormFields {
            name: form.name,
            address: form.address,
            city: form.city,
            country: form.country,
            time_zone: form.time_zone,
            latitude: form.latitude,
            longitude: form.longitude,
            closures: form.closures,
            amenities: form.amenities,
            house_rules: form.house_rules,
            grace: form.grace,
            requires_approval: form.requires_approval,
            welcomes_gatherings: form.welcomes_gatherings,
            day_pass_price: form.day_pass_price,
            day_pass_currency: form.day_pass_currency,
            space_name: form.space_name,
            capacity: form.capacity,
            social_capital_seats: form.social_capital_seats,
        },
        errors,
    }
}

async fn new_venue_page(who: Visitor) -> Response {
    if who.user.is_none() {
        return to_login("/host/venues/new");
    }
    let mut hours = HashMap::new();
    for key in ["mon", "tue", "wed", "thu", "fri"] {
        hours.insert(format!("{key}_opens"), "09:00".to_owned());
        hours.insert(format!("{key}_closes"), "17:00".to_owned());
    }
    let form = VenueForm {
        kind: "cafe".to_owned(),
        country: "NL".to_owned(),
        time_zone: "Europe/Amsterdam".to_owned(),
        grace: "30".to_owned(),
        space_name: "Open seating".to_owned(),
        capacity: "10".to_owned(),
        social_capital_seats: "4".to_owned(),
        hours,
        ..VenueForm::default()
    };
    render(StatusCode::OK, &venue_form_page(&who, form, true, "/host/venues/new".to_owned(), Errors::default()))
}

async fn create_venue(State(state): State<AppState>, who: Visitor, FormData(form): FormData<VenueForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/host/venues/new") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    // Both are checked, and every problem of either shown, before anything is written.
    let (venue, space) = match (form.venue(), form.space()) {
        (Ok(venue), Ok(space)) => (venue, space),
        (venue, space) => {
            let mut invalid = Invalids::default();
            invalid.extend([venue.err(), space.err()].into_iter().flatten().flatten());
            let errors = Errors::of_invalid(&invalid).labelled(VENUE_LABELS);
            let page = venue_form_page(&who, form, true, "/host/venues/new".to_owned(), errors);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let created = match venues::open(&state, user, &venue, &[space]).await {
        Ok(v) => v,
        Err(e) => return failed("", &e),
    };
    Redirect::to(&format!("/host/venues/{}?opened=1", created.id)).into_response()
}

async fn edit_page(State(state): State<AppState>, who: Visitor, Path(id): Path<String>) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}/edit")) };
    let (venue, _) = match staff_venue(&state, user, &id, true).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let action = format!("/host/venues/{}/edit", venue.id);
    render(StatusCode::OK, &venue_form_page(&who, VenueForm::of(&venue), false, action, Errors::default()))
}

async fn edit(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<VenueForm>,
) -> Response {
    let (user, venue, _) =
        match form_venue(&state, &who, &id, &form.csrf, true, &format!("/host/venues/{id}/edit")).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let action = format!("/host/venues/{}/edit", venue.id);
    let draft = match form.venue() {
        Ok(d) => d,
        Err(invalid) => {
            let errors = Errors::of_invalid(&invalid).labelled(VENUE_LABELS);
            return render(StatusCode::UNPROCESSABLE_ENTITY, &venue_form_page(&who, form, false, action, errors));
        }
    };
    match venues::update(&state, &user, venue.id, &draft).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{}?saved=1", venue.id)).into_response(),
        Err(e) => failed("", &e),
    }
}

struct SpaceRow {
    id: Uuid,
    name: String,
    kind: &'static str,
    capacity: u32,
    social_capital_seats: u32,
}

#[derive(Template)]
#[template(path = "host_venue.html")]
struct ManagePage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    v: Venue,
    owner: bool,
    spaces: Vec<SpaceRow>,
    staff: Vec<String>,
    /// The venue's residents: entry id, the address or domain in words, and what else is known
    /// of them (name, tags, how their e-mail went).
    residents: Vec<(Uuid, String, String)>,
    /// Bookings waiting for approval: id, who, when, their focus and pledge.
    waiting: Vec<Waiting>,
    /// The query of the exports' links: the last 30 days, up to today at the venue.
    export_range: String,
    notice: Option<&'static str>,
    errors: Errors,
}

struct Waiting {
    id: Uuid,
    name: String,
    when: String,
    focus: String,
    pledge: String,
}

#[derive(Deserialize)]
struct ManageQuery {
    residents: Option<String>,
    decided: Option<String>,
    opened: Option<String>,
    saved: Option<String>,
    invited: Option<String>,
}

async fn manage_page(
    state: &AppState,
    who: &Visitor,
    venue: Venue,
    role: StaffRole,
    notice: Option<&'static str>,
    errors: Errors,
    status: StatusCode,
) -> Response {
    let spaces = match venues::spaces(state, venue.id, Page::new(1, Page::MAX_PER_PAGE)).await {
        Ok(s) => s.items,
        Err(e) => return failed("", &e),
    };
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{}", venue.id)) };
    let staff = match venues::staff(state, user, venue.id, Page::new(1, Page::MAX_PER_PAGE)).await {
        Ok(s) => s.items,
        Err(e) => return failed("", &e),
    };
    let waiting = match bookings::awaiting_approval(state, user, venue.id, Page::new(1, Page::MAX_PER_PAGE)).await {
        Ok(found) => found
            .items
            .into_iter()
            .map(|d| Waiting {
                id: d.booking.id,
                name: d.display_name,
                when: format!("{}, {}–{}", d.booking.date.format("%A %-d %B"), d.booking.start, d.booking.end),
                focus: d.booking.focus,
                pledge: d.booking.pledge,
            })
            .collect(),
        Err(e) => return failed("", &e),
    };
    let residents = match venues::residents(state, user, venue.id).await {
        Ok(found) => found
            .into_iter()
            .map(|r| {
                let words = match r.resident {
                    Resident::Email(email) => email.as_str().to_owned(),
                    Resident::Domain(domain) => format!("everyone at @{domain}"),
                };
                let told = r.told.map(|told| match told {
                    Told::Waiting => "e-mail not sent yet".to_owned(),
                    Told::Sent(_) => "told by e-mail".to_owned(),
                    Told::Failed(_) => "the e-mail could not be sent: tell them yourself".to_owned(),
                });
                let tags = (!r.tags.is_empty()).then(|| format!("tags: {}", r.tags.join(", ")));
                let about: Vec<String> = [r.name, tags, told].into_iter().flatten().collect();
                (r.id, words, about.join(" · "))
            })
            .collect(),
        Err(e) => return failed("", &e),
    };
    let today = match access::time_zone(&venue) {
        Ok(tz) => hours::local_now(tz, state.clock.now()).0,
        Err(e) => return failed("", &e),
    };
    let export_range = format!("from={}&to={}", today - chrono::Duration::days(29), today + chrono::Duration::days(1));
    let page = ManagePage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        residents,
        export_range,
        waiting,
        owner: role == StaffRole::Owner,
        spaces: spaces
            .into_iter()
            .map(|s| SpaceRow {
                id: s.id,
                name: s.name,
                kind: s.kind.as_str(),
                capacity: s.capacity,
                social_capital_seats: s.social_capital_seats,
            })
            .collect(),
        staff: staff
            .into_iter()
            .map(|s| format!("{} ({})", s.display_name, if s.role == StaffRole::Owner { "owner" } else { "staff" }))
            .collect(),
        v: venue,
        notice,
        errors,
    };
    render(status, &page)
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    approve: String,
    #[serde(default)]
    message: String,
}

/// A host approves or declines a booking waiting for them, from the venue's page.
async fn decide(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, booking)): Path<(String, String)>,
    FormData(form): FormData<DecideForm>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}")) };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let (venue, role) = match staff_venue(&state, user, &id, false).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let Ok(booking) = Uuid::parse_str(&booking) else {
        return message(StatusCode::NOT_FOUND, "No such booking", "It may have been cancelled.");
    };
    let approve = form.approve == "yes";
    let note = Some(form.message.as_str()).filter(|m| !m.trim().is_empty());
    match bookings::decide(&state, user, booking, approve, note).await {
        Ok(_) => {
            let word = if approve { "approved" } else { "declined" };
            Redirect::to(&format!("/host/venues/{}?decided={word}#waiting", venue.id)).into_response()
        }
        Err(e) if status_of(&e).is_client_error() => {
            let errors = Errors::of_app(&e).labelled(&[("message", "Message to the visitor")]);
            manage_page(&state, &who, venue, role, None, errors, status_of(&e)).await
        }
        Err(e) => failed("", &e),
    }
}

async fn manage(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    Params(q): Params<ManageQuery>,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}")) };
    let (venue, role) = match staff_venue(&state, user, &id, false).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let notice = if q.opened.is_some() {
        Some("Your venue is open. Add more spaces, invite staff, and open today's view for the screen and kiosk links.")
    } else if q.saved.is_some() {
        Some("Saved.")
    } else if q.invited.is_some() {
        Some("Invitation sent: they see it under Host once they log in.")
    } else if q.residents.is_some() {
        Some("Residents saved: they check in with the day's code, no booking needed.")
    } else if q.decided.as_deref() == Some("approved") {
        Some("Approved: they see your answer under My bookings and can check in.")
    } else if q.decided.is_some() {
        Some("Declined: the seat is free again, and they see your message under My bookings.")
    } else {
        None
    };
    manage_page(&state, &who, venue, role, notice, Errors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
struct SpaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    social_capital_seats: String,
}

async fn add_space(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<SpaceForm>,
) -> Response {
    let (user, venue, role) = match form_venue(&state, &who, &id, &form.csrf, true, &format!("/host/venues/{id}")).await
    {
        Ok(found) => found,
        Err(page) => return page,
    };
    let draft = match space_draft(&form.name, &form.kind, &form.capacity, &form.social_capital_seats, "name") {
        Ok(d) => d,
        Err(invalid) => {
            let errors = Errors::of_invalid(&invalid).labelled(SPACE_LABELS);
            return manage_page(&state, &who, venue, role, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match venues::add_space(&state, &user, venue.id, &draft).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{}?saved=1", venue.id)).into_response(),
        Err(e) => failed("", &e),
    }
}

async fn edit_space(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, space)): Path<(String, String)>,
    FormData(form): FormData<SpaceForm>,
) -> Response {
    let (user, venue, role) = match form_venue(&state, &who, &id, &form.csrf, true, &format!("/host/venues/{id}")).await
    {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Ok(space) = Uuid::parse_str(&space) else {
        return message(StatusCode::NOT_FOUND, "No such space", "Go back and try again.");
    };
    let draft = match space_draft(&form.name, &form.kind, &form.capacity, &form.social_capital_seats, "name") {
        Ok(d) => d,
        Err(invalid) => {
            let errors = Errors::of_invalid(&invalid).labelled(SPACE_LABELS);
            return manage_page(&state, &who, venue, role, None, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match venues::edit_space(&state, &user, venue.id, space, &draft).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{}?saved=1", venue.id)).into_response(),
        Err(e) => failed("Could not save the space", &e),
    }
}

#[derive(Deserialize)]
struct ResidentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    resident_email: String,
    #[serde(default)]
    resident_domain: String,
}

/// Lists an address or a domain among the venue's residents.
async fn add_resident(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<ResidentForm>,
) -> Response {
    let (user, venue, role) =
        match form_venue(&state, &who, &id, &form.csrf, false, &format!("/host/venues/{id}")).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let input = ResidentInput { email: Some(form.resident_email), domain: Some(form.resident_domain) };
    match venues::add_resident(&state, &user, venue.id, input).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{}?residents=1#residents", venue.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let e = ApiError::from(e);
            let field = match e.field.as_deref() {
                Some("domain") => "resident_domain",
                _ => "resident_email",
            };
            let mut errors = Errors::default();
            errors.add(field, Errors::of(&e).get(e.field.as_deref().unwrap_or("form")).unwrap_or_default());
            let errors =
                errors.labelled(&[("resident_email", "Resident's e-mail"), ("resident_domain", "Or everyone at")]);
            manage_page(&state, &who, venue, role, None, errors, e.status).await
        }
        Err(e) => failed("", &e),
    }
}

/// Takes an entry off the venue's residents.
async fn remove_resident(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, entry)): Path<(String, String)>,
    FormData(form): FormData<CsrfOnly>,
) -> Response {
    let (user, venue, _) = match form_venue(&state, &who, &id, &form.csrf, false, &format!("/host/venues/{id}")).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Ok(entry) = Uuid::parse_str(&entry) else {
        return message(StatusCode::NOT_FOUND, "Not among the residents", "It may have been taken off already.");
    };
    match venues::remove_resident(&state, &user, venue.id, entry).await {
        Ok(()) | Err(AppError::NotFound(_)) => {
            Redirect::to(&format!("/host/venues/{}?residents=1#residents", venue.id)).into_response()
        }
        Err(e) => failed("", &e),
    }
}

/// The largest import form: a file of the largest size read, every byte of it escaped.
const IMPORT_FORM_BYTES: usize = 3 * thirdspace_domain::import::MAX_BYTES + 4096;

#[derive(Template)]
#[template(path = "import_members.html")]
struct ImportPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    venue_id: Uuid,
    venue_name: String,
    /// The file as pasted, kept.
    file: String,
    previewed: bool,
    faults: Vec<FaultRow>,
    members: Vec<MemberRow>,
    new_members: usize,
    errors: Errors,
}

struct FaultRow {
    line: u64,
    column: String,
    message: String,
}

struct MemberRow {
    line: u64,
    name: String,
    email: String,
    tags: String,
    status: &'static str,
}

fn fault_rows(faults: &[thirdspace_domain::import::RowError]) -> Vec<FaultRow> {
    faults
        .iter()
        .map(|f| FaultRow {
            line: f.line,
            column: f.column.clone().unwrap_or_else(|| "the whole row".to_owned()),
            message: f.message.clone(),
        })
        .collect()
}

/// The form to paste a members' file into.
async fn import_page(State(state): State<AppState>, who: Visitor, Path(id): Path<String>) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}/import")) };
    let (venue, _) = match staff_venue(&state, user, &id, false).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let page = ImportPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        venue_id: venue.id,
        venue_name: venue.name,
        file: String::new(),
        previewed: false,
        faults: Vec::new(),
        members: Vec::new(),
        new_members: 0,
        errors: Errors::default(),
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    confirm: String,
}

/// Previews a pasted members' file, or imports it once confirmed: the same operation as the API's.
async fn import(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<ImportForm>,
) -> Response {
    let back = format!("/host/venues/{id}/import");
    let (user, venue, _) = match form_venue(&state, &who, &id, &form.csrf, false, &back).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let confirm = form.confirm == "yes";
    let mut page = ImportPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        venue_id: venue.id,
        venue_name: venue.name.clone(),
        file: form.file,
        previewed: true,
        faults: Vec::new(),
        members: Vec::new(),
        new_members: 0,
        errors: Errors::default(),
    };
    match imports::members(&state, &user, venue.id, page.file.as_bytes(), confirm).await {
        Ok(done) if done.written => {
            Redirect::to(&format!("/host/venues/{}?residents=1#residents", venue.id)).into_response()
        }
        Ok(preview) => {
            page.new_members = preview.new_members();
            page.faults = fault_rows(&preview.errors);
            page.members = preview
                .members
                .into_iter()
                .map(|m| MemberRow {
                    line: m.row.line,
                    name: m.row.name.unwrap_or_default(),
                    email: m.row.email.as_str().to_owned(),
                    tags: m.row.tags.join(", "),
                    status: match m.status {
                        MemberStatus::New => "Listed and told by e-mail",
                        MemberStatus::AlreadyMember => "Already a member: left as is",
                    },
                })
                .collect();
            if !page.faults.is_empty() {
                let n = page.faults.len();
                let words = if n == 1 { "1 error".to_owned() } else { format!("{n} errors") };
                page.errors.add(
                    "file",
                    format!("The file has {words}, listed below by line and column: correct them and preview again."),
                );
                page.errors = page.errors.labelled(&[("file", "Members as CSV")]);
            }
            render(StatusCode::OK, &page)
        }
        Err(AppError::Rows(faults)) => {
            page.faults = fault_rows(&faults);
            page.errors.add("file", "The file has errors, listed below by line and column: nothing was imported.");
            page.errors = page.errors.labelled(&[("file", "Members as CSV")]);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) if status_of(&e).is_client_error() => {
            page.errors.add("file", ApiError::from(e.clone()).message);
            page.errors = page.errors.labelled(&[("file", "Members as CSV")]);
            render(status_of(&e), &page)
        }
        Err(e) => failed("", &e),
    }
}

#[derive(Template)]
#[template(path = "import_venues.html")]
struct VenuesImportPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    /// The file as pasted, kept.
    file: String,
    previewed: bool,
    faults: Vec<FaultRow>,
    /// Each good row: its line, the venue's name and city.
    venues: Vec<(u64, String, String)>,
    errors: Errors,
}

/// The form to paste a venues' file into (the network's admins).
async fn venues_import_page(who: Visitor) -> Response {
    let Some(user) = &who.user else { return to_login("/host/import-venues") };
    if !user.is_admin {
        return message(StatusCode::FORBIDDEN, "Not yours to do", "Only the network's admins import venues.");
    }
    let page = VenuesImportPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        file: String::new(),
        previewed: false,
        faults: Vec::new(),
        venues: Vec::new(),
        errors: Errors::default(),
    };
    render(StatusCode::OK, &page)
}

/// Previews a pasted venues' file, or imports it once confirmed: the same operation as the API's.
async fn import_venues(State(state): State<AppState>, who: Visitor, FormData(form): FormData<ImportForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/host/import-venues") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let mut page = VenuesImportPage {
        nav: Some(who.nav()),
        csrf: &who.csrf,
        file: form.file,
        previewed: true,
        faults: Vec::new(),
        venues: Vec::new(),
        errors: Errors::default(),
    };
    match imports::venues(&state, user, page.file.as_bytes(), form.confirm == "yes").await {
        Ok(done) if done.written => Redirect::to("/host").into_response(),
        Ok(preview) => {
            page.faults = fault_rows(&preview.errors);
            page.venues = preview.venues.into_iter().map(|v| (v.line, v.draft.name, v.draft.city)).collect();
            if !page.faults.is_empty() {
                page.errors.add(
                    "file",
                    "The file has errors, listed below by line and column: correct them and preview again.",
                );
                page.errors = page.errors.labelled(&[("file", "Venues as CSV")]);
            }
            render(StatusCode::OK, &page)
        }
        Err(AppError::Rows(faults)) => {
            page.faults = fault_rows(&faults);
            page.errors.add("file", "The file has errors, listed below by line and column: nothing was imported.");
            page.errors = page.errors.labelled(&[("file", "Venues as CSV")]);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(AppError::Forbidden(_)) => {
            message(StatusCode::FORBIDDEN, "Not yours to do", "Only the network's admins import venues.")
        }
        Err(e) if status_of(&e).is_client_error() => {
            page.errors.add("file", ApiError::from(e.clone()).message);
            page.errors = page.errors.labelled(&[("file", "Venues as CSV")]);
            render(status_of(&e), &page)
        }
        Err(e) => failed("", &e),
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

async fn invite(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<InviteForm>,
) -> Response {
    let (user, venue, role) = match form_venue(&state, &who, &id, &form.csrf, true, &format!("/host/venues/{id}")).await
    {
        Ok(found) => found,
        Err(page) => return page,
    };
    match invite_staff(&state, &user, &venue, form.email.trim()).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{}?invited=1", venue.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let e = ApiError::from(e);
            let mut errors = Errors::default();
            errors.add("email", Errors::of(&e).get(e.field.as_deref().unwrap_or("form")).unwrap_or_default());
            manage_page(&state, &who, venue, role, None, errors, e.status).await
        }
        Err(e) => failed("", &e),
    }
}

struct Row {
    user_id: Uuid,
    name: String,
    when: String,
}

struct TokenRow {
    id: Uuid,
    name: String,
    kind: &'static str,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "host_today.html")]
struct TodayPage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    v: Venue,
    code: String,
    here_count: usize,
    expected_count: usize,
    groups: Vec<(&'static str, Vec<Row>, &'static str, &'static str)>,
    tokens: Vec<TokenRow>,
    new_link: Option<String>,
    new_kind: &'static str,
    notice: Option<String>,
    notice_is_error: bool,
}

/// The day at `venue` for its staff, with what just happened.
async fn day(
    state: &AppState,
    who: &Visitor,
    venue: Venue,
    notice: Option<(String, bool)>,
    new_link: Option<(String, &'static str)>,
) -> Response {
    match build_day(state, who, venue, notice, new_link).await {
        Ok((status, page)) => render(status, &page),
        Err(e) => failure("", &e),
    }
}

async fn build_day<'a>(
    state: &AppState,
    who: &'a Visitor,
    venue: Venue,
    notice: Option<(String, bool)>,
    new_link: Option<(String, &'static str)>,
) -> Result<(StatusCode, TodayPage<'a>), ApiError> {
    let now = state.clock.now();
    let Some(user) = &who.user else { return Err(ApiError::unauthenticated()) };
    let code = venues::check_in_code(state, user, venue.id).await?.code;
    let grace = i64::from(venue.no_show_grace_minutes) * 60;
    let (mut here, mut expected, mut no_shows, mut left) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for b in today_at(state, &venue).await? {
        // A walk-in was never booked ahead: it says so, with its span.
        let span = if b.booking.walk_in {
            format!("walk-in {}–{}", b.booking.start, b.booking.end)
        } else {
            format!("booked {}–{}", b.booking.start, b.booking.end)
        };
        let row = |when: String| Row { user_id: b.booking.user_id, name: b.display_name.clone(), when };
        match b.booking.status {
            BookingStatus::CheckedIn => here.push(row(format!("here, {span}"))),
            BookingStatus::CheckedOut => left.push(row(format!("left, {span}"))),
            BookingStatus::Released => no_shows.push(row(format!("did not come, {span}"))),
            BookingStatus::Booked if now > b.booking.starts_at + grace => no_shows.push(row(format!("late, {span}"))),
            BookingStatus::Booked if b.booking.ends_at > now => expected.push(row(span)),
            _ => {}
        }
    }
    let tokens = state
        .store
        .screen_tokens(venue.id, Page::new(1, Page::MAX_PER_PAGE))
        .await?
        .items
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            kind: if t.kind == ScreenKind::Display { "dashboard" } else { "kiosk" },
            revoked: t.revoked_at.is_some(),
        })
        .collect();
    let status = match &notice {
        Some((_, true)) => StatusCode::CONFLICT,
        _ => StatusCode::OK,
    };
    let (here_count, expected_count) = (here.len(), expected.len());
    let groups = vec![
        ("Expected", expected, "check-in", "Check in"),
        ("Here now", here, "check-out", "Check out"),
        ("No-shows", no_shows, "check-in", "Check in"),
        ("Left", left, "check-in", ""),
    ];
    let (new_link, new_kind) = match new_link {
        Some((link, kind)) => (Some(link), kind),
        None => (None, ""),
    };
    let (notice, notice_is_error) = match notice {
        Some((text, is_error)) => (Some(text), is_error),
        None => (None, false),
    };
    Ok((
        status,
        TodayPage {
            nav: Some(who.nav()),
            csrf: &who.csrf,
            v: venue,
            code,
            here_count,
            expected_count,
            groups,
            tokens,
            new_link,
            new_kind,
            notice,
            notice_is_error,
        },
    ))
}

async fn today(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(user) = &who.user else { return to_login(&format!("/host/venues/{id}/today")) };
    let (venue, _) = match staff_venue(&state, user, &id, false).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    // A screen link just made is shown here once, then its cookie is cleared.
    let carried = crate::auth::cookie(&headers, NEW_SCREEN_COOKIE);
    let Some((path, token)) = carried.as_deref().and_then(new_screen_of) else {
        return day(&state, &who, venue, None, None).await;
    };
    let venue_id = venue.id;
    let words = if path == "kiosk" { "kiosk" } else { "dashboard screen" };
    let link = format!("{}/venues/{venue_id}/{path}?token={token}", state.config.public_url);
    let mut page = day(&state, &who, venue, None, Some((link, words))).await;
    let cleared = new_screen_cookie(venue_id, "", 0, state.config.secure_cookies);
    if let Ok(cleared) = header::HeaderValue::from_str(&cleared) {
        page.headers_mut().append(header::SET_COOKIE, cleared);
    }
    page.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    page
}

/// The cookie that carries a screen link from the form that made it to the day's page, once: a
/// refresh of that page then neither shows it again nor makes another.
const NEW_SCREEN_COOKIE: &str = "new_screen";

fn new_screen_cookie(venue: Uuid, value: &str, max_age: u32, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{NEW_SCREEN_COOKIE}={value}; Path=/host/venues/{venue}/today; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    )
}

/// The page (`screen` or `kiosk`) and token a `new_screen` cookie carries.
fn new_screen_of(value: &str) -> Option<(&'static str, &str)> {
    let (path, token) = value.split_once('.')?;
    let path = match path {
        "screen" => "screen",
        "kiosk" => "kiosk",
        _ => return None,
    };
    let url_safe = !token.is_empty() && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    url_safe.then_some((path, token))
}

#[derive(Deserialize)]
struct PersonForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
}

/// Checks a member in (on their booking) or out, as the venue's staff.
async fn staff_check(state: AppState, who: Visitor, id: String, form: PersonForm, checking_in: bool) -> Response {
    let (user, venue, _) =
        match form_venue(&state, &who, &id, &form.csrf, false, &format!("/host/venues/{id}/today")).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let Ok(member) = Uuid::parse_str(form.user.trim()) else {
        return message(StatusCode::NOT_FOUND, "No such person", "Go back and try again.");
    };
    let done = if checking_in {
        arrive(&state, &venue, member, Arrival::OnBooking { by_staff: Some(user.id) }).await.map(|_| ())
    } else {
        leave(&state, venue.id, member).await.map(|_| ())
    };
    match done {
        Ok(_) => Redirect::to(&format!("/host/venues/{}/today", venue.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let text = match e {
                AppError::Conflict(Conflict::Presence(PresenceConflict::NoBookingNow)) => {
                    "They hold no booking for now. Someone walking in checks in with the QR code or at the kiosk."
                        .to_owned()
                }
                AppError::Conflict(Conflict::Presence(PresenceConflict::NotCheckedIn)) => {
                    "They are not checked in here.".to_owned()
                }
                AppError::Conflict(Conflict::Presence(PresenceConflict::TooEarly)) => {
                    "Their booking starts later: they can check in from an hour before.".to_owned()
                }
                e => {
                    let e = ApiError::from(e);
                    Errors::of(&e).get(e.field.as_deref().unwrap_or("form")).unwrap_or_default().to_owned()
                }
            };
            day(&state, &who, venue, Some((text, true)), None).await
        }
        Err(e) => failed("", &e),
    }
}

async fn check_in(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<PersonForm>,
) -> Response {
    staff_check(state, who, id, form, true).await
}

async fn check_out(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<PersonForm>,
) -> Response {
    staff_check(state, who, id, form, false).await
}

#[derive(Deserialize)]
struct ScreenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
}

async fn new_screen(
    State(state): State<AppState>,
    who: Visitor,
    Path(id): Path<String>,
    FormData(form): FormData<ScreenForm>,
) -> Response {
    let (user, venue, _) =
        match form_venue(&state, &who, &id, &form.csrf, false, &format!("/host/venues/{id}/today")).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let (kind, path) = match form.kind.as_str() {
        "kiosk" => (ScreenKind::Kiosk, "kiosk"),
        _ => (ScreenKind::Display, "screen"),
    };
    let name = match thirdspace_domain::text::bounded("name", form.name.trim(), 0, 80, false) {
        Ok(n) if !n.is_empty() => n,
        Ok(_) => {
            if kind == ScreenKind::Kiosk {
                "Kiosk".to_owned()
            } else {
                "Screen".to_owned()
            }
        }
        Err(e) => {
            let e = ApiError::from(e);
            let text = Errors::of(&e).get("name").unwrap_or_default().to_owned();
            return day(&state, &who, venue, Some((text, true)), None).await;
        }
    };
    let token = match screens::issue(&state, &user, venue.id, kind, &name).await {
        Ok(issued) => issued.token,
        Err(e) => return failed("", &e),
    };
    let cookie = new_screen_cookie(venue.id, &format!("{path}.{token}"), 300, state.config.secure_cookies);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&format!("/host/venues/{}/today", venue.id))).into_response()
}

async fn revoke_screen(
    State(state): State<AppState>,
    who: Visitor,
    Path((id, token)): Path<(String, String)>,
    FormData(form): FormData<CsrfForm>,
) -> Response {
    let (user, venue, _) =
        match form_venue(&state, &who, &id, &form.csrf, false, &format!("/host/venues/{id}/today")).await {
            Ok(found) => found,
            Err(page) => return page,
        };
    let Ok(token) = Uuid::parse_str(&token) else {
        return message(StatusCode::NOT_FOUND, "No such screen", "Go back and try again.");
    };
    match screens::revoke(&state, &user, venue.id, token).await {
        Ok(_) => Redirect::to(&format!("/host/venues/{}/today", venue.id)).into_response(),
        Err(e) => failed("Could not revoke", &e),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/host", get(home))
        .route("/host/invitations/{id}/accept", post(accept_invitation))
        .route("/host/venues/new", get(new_venue_page).post(create_venue))
        .route("/host/venues/{id}", get(manage))
        .route("/host/venues/{id}/edit", get(edit_page).post(edit))
        .route("/host/venues/{id}/spaces", post(add_space))
        .route("/host/venues/{id}/spaces/{space}", post(edit_space))
        .route("/host/venues/{id}/staff", post(invite))
        .route("/host/venues/{id}/residents", post(add_resident))
        .route("/host/venues/{id}/residents/{entry}/remove", post(remove_resident))
        .route(
            "/host/venues/{id}/import",
            get(import_page).post(import).layer(axum::extract::DefaultBodyLimit::max(IMPORT_FORM_BYTES)),
        )
        .route(
            "/host/import-venues",
            get(venues_import_page).post(import_venues).layer(axum::extract::DefaultBodyLimit::max(IMPORT_FORM_BYTES)),
        )
        .route("/host/venues/{id}/today", get(today))
        .route("/host/venues/{id}/bookings/{booking}/decide", post(decide))
        .route("/host/venues/{id}/check-in", post(check_in))
        .route("/host/venues/{id}/check-out", post(check_out))
        .route("/host/venues/{id}/screens", post(new_screen))
        .route("/host/venues/{id}/screens/{token}/revoke", post(revoke_screen))
}

#[cfg(test)]
mod tests {
    use super::new_screen_of;

    #[test]
    fn a_new_screen_cookie_carries_only_a_page_of_ours_and_a_url_safe_token() {
        assert_eq!(new_screen_of("kiosk.AbC-_9"), Some(("kiosk", "AbC-_9")));
        assert_eq!(new_screen_of("screen.x"), Some(("screen", "x")));
        for forged in ["admin.x", "kiosk.", "kiosk", "screen.a\"><script>", "screen.a&b=c", "kiosk.a.b"] {
            assert_eq!(new_screen_of(forged), None, "{forged}");
        }
    }
}
