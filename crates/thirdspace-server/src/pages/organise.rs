//! Organising a gathering in the browser: one form for every field the gathering rules take (at
//! a venue the member runs, or at an address), with a series made from a few plain choices or a
//! recurrence rule of one's own; every problem shown at once, next to its field.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::gathering::{AtVenue, GatheringDraft, GatheringInput, Kind};
use thirdspace_domain::hours::ClockTime;
use thirdspace_domain::{Invalid, Invalids};
use thirdspace_store::{User, Venue};
use uuid::Uuid;

use super::{failed, render, status_of, to_login, Errors, FormData, Labels, Nav, Visitor};
use crate::app::{access, gatherings, venues, AppError};
use crate::AppState;

/// How a series repeats, as the form offers it: the value sent, the rule it stands for, its label.
const REPEATS: [(&str, &str, &str); 5] = [
    ("daily", "FREQ=DAILY", "Every day"),
    ("weekly", "FREQ=WEEKLY", "Every week"),
    ("fortnightly", "FREQ=WEEKLY;INTERVAL=2", "Every two weeks"),
    ("monthly", "FREQ=MONTHLY", "Every month, on the same day"),
    ("rule", "", "By a rule of my own (below)"),
];

/// The form as typed.
#[derive(Deserialize, Default)]
struct OrganiseForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    venue_id: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    capacity: String,
    /// A ticked checkbox sends a value; an unticked one sends nothing.
    #[serde(default)]
    members_only: Option<String>,
    #[serde(default)]
    requires_approval: Option<String>,
    /// Once (empty), or one of [`REPEATS`].
    #[serde(default)]
    repeat: String,
    /// How many dates a plain series has.
    #[serde(default)]
    count: String,
    /// A recurrence rule of the organiser's own (RFC 5545).
    #[serde(default)]
    rule: String,
    /// Dates of the series left out, one a line.
    #[serde(default)]
    except: String,
    #[serde(default)]
    csrf: String,
}

/// The form's own reading of what was typed: a value for every field of the input, and what did
/// not read (date, times, places), whose rules the gathering rules then do not check again.
struct Read {
    input: GatheringInput,
    invalid: Invalids,
    unread: Vec<&'static str>,
}

impl OrganiseForm {
    /// Whether a series is made from a rule of the organiser's own.
    fn own_rule(&self) -> bool {
        self.repeat == "rule"
    }

    fn read(&self, today: NaiveDate) -> Read {
        let mut invalid = Invalids::default();
        let mut unread = Vec::new();
        let text = |raw: &str| Some(raw.trim().to_owned()).filter(|t| !t.is_empty());
        let kind = Kind::from_str_opt(&self.kind).unwrap_or_else(|| {
            invalid.add(Invalid::new("kind", "choose what kind of gathering it is"));
            Kind::CoworkingDay
        });
        let venue_id = match self.venue_id.trim() {
            "" => None,
            raw => Uuid::parse_str(raw).map(Some).unwrap_or_else(|_| {
                invalid.add(Invalid::new("venue_id", "choose one of your venues, or elsewhere"));
                None
            }),
        };
        // At a venue its own address, city and time zone hold; the fields for elsewhere are left.
        let elsewhere = |raw: &str| if venue_id.is_some() { None } else { text(raw) };
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
            invalid.add(Invalid::new("date", "pick a date (YYYY-MM-DD)"));
            unread.push("date");
            // Two days ahead is a future date in every time zone, so no rule of it misleads.
            today + chrono::Duration::days(2)
        });
        let mut time = |field: &'static str, raw: &str, fallback: ClockTime| {
            ClockTime::parse(field, raw.trim()).unwrap_or_else(|e| {
                invalid.add(e);
                unread.push(field);
                fallback
            })
        };
        let start = time("start", &self.start, ClockTime::MIDNIGHT);
        let end = time("end", &self.end, ClockTime::END_OF_DAY);
        let capacity = self.capacity.trim().parse::<u32>().unwrap_or_else(|_| {
            invalid.add(Invalid::new("capacity", "must be a number of places"));
            unread.push("capacity");
            1
        });
        let repeat = match self.repeat.as_str() {
            "" => None,
            "rule" => text(&self.rule).or_else(|| {
                invalid.add(Invalid::new("rule", "must not be empty: write a rule like FREQ=WEEKLY;COUNT=10"));
                unread.push("repeat");
                None
            }),
            chosen => match REPEATS.iter().find(|(value, _, _)| *value == chosen) {
                Some((_, rule, _)) => match self.count.trim().parse::<u32>() {
                    Ok(count) if count > 0 => Some(format!("{rule};COUNT={count}")),
                    _ => {
                        invalid.add(Invalid::new("count", "must be a number of dates, 1 or more"));
                        unread.push("repeat");
                        None
                    }
                },
                None => {
                    invalid.add(Invalid::new("repeat", "choose how it repeats"));
                    unread.push("repeat");
                    None
                }
            },
        };
        let mut except = Vec::new();
        for line in self.except.split([',', '\n']).map(str::trim).filter(|l| !l.is_empty()) {
            match NaiveDate::parse_from_str(line, "%Y-%m-%d") {
                Ok(day) => except.push(day),
                Err(_) => invalid.add(Invalid::new("except", format!("{line} is not a date (YYYY-MM-DD)"))),
            }
        }
        let input = GatheringInput {
            kind,
            title: self.title.clone(),
            description: text(&self.description),
            tags: self.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect(),
            venue_id,
            address: elsewhere(&self.address),
            city: elsewhere(&self.city),
            time_zone: elsewhere(&self.time_zone),
            date,
            start,
            end,
            capacity,
            members_only: self.members_only.is_some(),
            requires_approval: self.requires_approval.is_some(),
            repeat,
            except,
        };
        Read { input, invalid, unread }
    }
}

/// The gathering rules a field that did not read leaves unchecked: they would judge the form's
/// stand-in, not what was typed.
fn judged_by(unread: &[&str], field: &str) -> bool {
    let field = field.split(['[', '.']).next().unwrap_or(field);
    let depends: &[&str] = match field {
        "date" => &["date"],
        "repeat" | "except" => &["date", "repeat"],
        "start" | "end" => &["date", "start", "end"],
        "capacity" => &["capacity"],
        _ => &[],
    };
    !depends.iter().any(|d| unread.contains(d))
}

/// The form's fields in its order, with the labels it shows.
const LABELS: Labels = &[
    ("kind", "Kind of gathering"),
    ("title", "Title"),
    ("description", "What to expect"),
    ("tags", "Tags"),
    ("venue_id", "Where"),
    ("address", "Address"),
    ("city", "City"),
    ("time_zone", "Time zone"),
    ("date", "Date"),
    ("start", "From"),
    ("end", "Until"),
    ("capacity", "Places"),
    ("repeat", "Repeats"),
    ("count", "How many dates"),
    ("rule", "Your own rule"),
    ("except", "Leave out"),
];

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "gathering_form.html")]
struct OrganisePage<'a> {
    nav: Option<Nav>,
    csrf: &'a str,
    f: OrganiseForm,
    kinds: Vec<Choice>,
    /// The venues the member runs; empty when they run none.
    venues: Vec<Choice>,
    repeats: Vec<Choice>,
    zones: &'static [&'static str],
    errors: Errors,
}

fn zones() -> &'static [&'static str] {
    static ZONES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ZONES.get_or_init(|| chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect())
}

fn form_page<'a>(who: &'a Visitor, f: OrganiseForm, runs: &[Venue], errors: Errors) -> OrganisePage<'a> {
    // A venue's own event needs a venue to be at.
    let kinds = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::VenueEvent || !runs.is_empty() || f.kind == k.as_str())
        .map(|k| Choice { value: k.as_str().to_owned(), label: k.label().to_owned(), selected: f.kind == k.as_str() })
        .collect();
    let venues = runs
        .iter()
        .map(|v| Choice {
            value: v.id.to_string(),
            label: format!("{}, {}", v.name, v.city),
            selected: f.venue_id == v.id.to_string(),
        })
        .collect();
    let repeats = REPEATS
        .iter()
        .map(|(value, _, label)| Choice {
            value: (*value).to_owned(),
            label: (*label).to_owned(),
            selected: f.repeat == *value,
        })
        .collect();
    OrganisePage { nav: Some(who.nav()), csrf: &who.csrf, f, kinds, venues, repeats, zones: zones(), errors }
}

/// The venues `user` runs, for the form's choice of where.
async fn run_by(state: &AppState, user: &User) -> Result<Vec<Venue>, Response> {
    match venues::run_by(state, user).await {
        Ok(found) => Ok(found.into_iter().map(|(v, _)| v).collect()),
        Err(e) => Err(failed("", &e)),
    }
}

/// The UTC date now: the form's dates are checked in the gathering's own time zone by its rules.
fn today(state: &AppState) -> NaiveDate {
    chrono::DateTime::from_timestamp(state.clock.now(), 0).unwrap_or_default().date_naive()
}

async fn new_page(State(state): State<AppState>, who: Visitor) -> Response {
    let Some(user) = &who.user else { return to_login("/gatherings/new") };
    let runs = match run_by(&state, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let form = OrganiseForm {
        kind: Kind::CoworkingDay.as_str().to_owned(),
        time_zone: "Europe/Amsterdam".to_owned(),
        date: (today(&state) + chrono::Duration::days(7)).to_string(),
        start: "09:30".to_owned(),
        end: "16:30".to_owned(),
        capacity: "8".to_owned(),
        count: "6".to_owned(),
        ..OrganiseForm::default()
    };
    render(StatusCode::OK, &form_page(&who, form, &runs, Errors::default()))
}

/// What the form is checked against: the venue it names, if the member may choose it.
async fn venue_named(state: &AppState, id: Option<Uuid>) -> Result<Option<Venue>, AppError> {
    match id {
        Some(id) => match access::venue(state, id).await {
            Ok(venue) => Ok(Some(venue)),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// Every problem of a form whose own fields did not all read: the gathering rules still check
/// the rest, so one submit shows all there is to fix.
async fn all_problems(state: &AppState, read: Read) -> Result<Invalids, AppError> {
    let Read { input, mut invalid, unread } = read;
    let venue = venue_named(state, input.venue_id).await?;
    let tz = venue.as_ref().map(access::time_zone).transpose()?;
    let at = venue.as_ref().zip(tz).map(|(v, time_zone)| AtVenue { time_zone, city: &v.city });
    if let Err(more) = GatheringDraft::parse(input, at, state.clock.now()) {
        invalid.extend(more.iter().filter(|e| judged_by(&unread, &e.field)).cloned());
    }
    Ok(invalid)
}

async fn organise(State(state): State<AppState>, who: Visitor, FormData(form): FormData<OrganiseForm>) -> Response {
    let Some(user) = &who.user else { return to_login("/gatherings/new") };
    if let Some(page) = who.refuse_forged(&form.csrf) {
        return page;
    }
    let runs = match run_by(&state, user).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let read = form.read(today(&state));
    let made = if read.invalid.first().is_none() {
        gatherings::organise(&state, user, read.input).await
    } else {
        match all_problems(&state, read).await {
            Ok(invalid) => Err(AppError::Invalid(invalid)),
            Err(e) => Err(e),
        }
    };
    match made {
        Ok(view) => Redirect::to(&format!("/gatherings/{}?done=organised", view.gathering.id)).into_response(),
        Err(e) if status_of(&e).is_client_error() => {
            let e = if form.own_rule() { own_rule_named(e) } else { e };
            let page = form_page(&who, form, &runs, Errors::of_app(&e).labelled(LABELS));
            render(status_of(&e), &page)
        }
        Err(e) => failed("", &e),
    }
}

/// The rules name a series' rule `repeat`; a rule of the organiser's own is typed in `rule`.
fn own_rule_named(e: AppError) -> AppError {
    let AppError::Invalid(invalids) = e else { return e };
    let mut renamed = Invalids::default();
    renamed.extend(invalids.into_iter().map(|i| if i.field == "repeat" { Invalid::new("rule", i.message) } else { i }));
    AppError::Invalid(renamed)
}

pub fn router() -> Router<AppState> {
    Router::new().route("/gatherings/new", get(new_page).post(organise))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_that_does_not_read_leaves_out_only_the_rules_that_need_it() {
        let unread = ["date"];
        assert!(!judged_by(&unread, "date") && !judged_by(&unread, "except[0]") && !judged_by(&unread, "start"));
        assert!(
            judged_by(&["repeat"], "date") && !judged_by(&["repeat"], "except"),
            "a date judged without its series"
        );
        assert!(judged_by(&unread, "title") && judged_by(&unread, "capacity"));
        assert!(!judged_by(&["capacity"], "capacity") && judged_by(&["capacity"], "date"));
        assert!(!judged_by(&["end"], "end") && !judged_by(&["end"], "start") && judged_by(&["end"], "repeat"));
    }

    #[test]
    fn a_plain_series_becomes_a_rule_that_ends() {
        let form = OrganiseForm {
            kind: "coworking_day".into(),
            date: "2026-12-02".into(),
            start: "09:30".into(),
            end: "16:00".into(),
            capacity: "6".into(),
            repeat: "fortnightly".into(),
            count: "5".into(),
            except: "2026-12-16, 2026-12-30".into(),
            ..OrganiseForm::default()
        };
        let read = form.read(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default());
        assert!(read.invalid.first().is_none());
        assert_eq!(read.input.repeat.as_deref(), Some("FREQ=WEEKLY;INTERVAL=2;COUNT=5"));
        assert_eq!(read.input.except.len(), 2);
        let none = OrganiseForm { repeat: "weekly".into(), count: "a few".into(), ..form };
        let read = none.read(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default());
        assert_eq!(read.invalid.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["count"]);
    }
}
