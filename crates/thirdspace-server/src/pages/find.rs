//! The home page: find a seat by city or near me, date, time span, kind of place and amenity.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;
use thirdspace_domain::hours::{ClockTime, Span};
use thirdspace_domain::venue::{city_key, VenueKind};
use thirdspace_domain::Invalid;
use thirdspace_store::{Page, Venue};
use uuid::Uuid;

use super::{failed, kind_label, render, status_of, Errors, Nav, Params, Visitor};
use crate::app::venues::{self, free_on};
use crate::error::ApiError;
use crate::AppState;

/// How many venues the page lists at most.
const LISTED: usize = 50;

/// What was asked, as typed (shown again in the form).
#[derive(Deserialize, Default)]
pub struct FindQuery {
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub amenity: String,
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
}

pub struct KindOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

pub struct Found {
    id: Uuid,
    name: String,
    kind: &'static str,
    address: String,
    city: String,
    free: Option<u32>,
    /// "1.2 km".
    distance: Option<String>,
    /// The date and span searched for, carried to the venue's page.
    link_query: String,
}

#[derive(Template)]
#[template(path = "find.html")]
struct FindPage {
    nav: Option<Nav>,
    q: FindQuery,
    kinds: Vec<KindOption>,
    heading: String,
    results: Vec<Found>,
    errors: Errors,
}

const KINDS: [VenueKind; 7] = [
    VenueKind::Cafe,
    VenueKind::Library,
    VenueKind::University,
    VenueKind::CorporateOffice,
    VenueKind::CoworkingCentre,
    VenueKind::Home,
    VenueKind::Other,
];

/// Great-circle distance in kilometres.
fn km_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// The searched place, when the browser gave one.
fn here(q: &FindQuery) -> Option<(f64, f64)> {
    let lat: f64 = q.lat.trim().parse().ok()?;
    let lon: f64 = q.lon.trim().parse().ok()?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// The date and span asked for, checked.
fn when(q: &FindQuery) -> Result<(Option<NaiveDate>, Option<Span>), ApiError> {
    let date = match q.date.trim() {
        "" => None,
        raw => Some(
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| Invalid::new("date", "is not a date (YYYY-MM-DD)"))?,
        ),
    };
    let span = match (q.start.trim(), q.end.trim()) {
        ("", "") => None,
        (s, e) if !s.is_empty() && !e.is_empty() => {
            Some(Span::new(ClockTime::parse("start", s)?, ClockTime::parse("end", e)?)?)
        }
        ("", _) => return Err(Invalid::new("start", "give the start too, or neither").into()),
        _ => return Err(Invalid::new("end", "give the end too, or neither").into()),
    };
    if span.is_some() && date.is_none() {
        return Err(Invalid::new("date", "pick a date for the hours").into());
    }
    Ok((date, span))
}

async fn find(State(state): State<AppState>, who: Visitor, Params(q): Params<FindQuery>) -> Response {
    let kinds = KINDS
        .iter()
        .map(|k| KindOption { value: k.as_str(), label: kind_label(*k), selected: q.kind == k.as_str() })
        .collect();
    let mut page = FindPage {
        nav: Some(who.nav()),
        q: FindQuery::default(),
        kinds,
        heading: String::new(),
        results: Vec::new(),
        errors: Errors::default(),
    };
    let city = Some(city_key(&q.city)).filter(|c| !c.is_empty());
    let (date, span) = match when(&q) {
        Ok(asked) => asked,
        Err(e) => {
            page.errors = Errors::of(&e);
            page.heading = "Places".to_owned();
            page.q = q;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let listings: Vec<(Venue, Option<u32>)> = match date {
        Some(date) => match free_on(&state, city.as_deref(), date, span).await {
            Ok(found) => found.into_iter().map(|l| (l.venue, l.free_seats)).collect(),
            Err(e) if status_of(&e).is_client_error() => {
                page.errors = Errors::of_app(&e);
                page.heading = "Places".to_owned();
                page.q = q;
                return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            Err(e) => return failed("", &e),
        },
        None => match venues::search(&state, city.as_deref(), None, None, Page::new(1, Page::MAX_PER_PAGE)).await {
            Ok(found) => found.items.into_iter().map(|l| (l.venue, None)).collect(),
            Err(e) => return failed("", &e),
        },
    };
    let amenity = q.amenity.trim().to_lowercase();
    let origin = here(&q);
    let mut results: Vec<(Option<f64>, Found)> = listings
        .into_iter()
        .filter(|(v, _)| q.kind.is_empty() || v.kind.as_str() == q.kind)
        .filter(|(v, _)| amenity.is_empty() || v.amenities.iter().any(|a| a.to_lowercase().contains(&amenity)))
        .map(|(v, free)| {
            let km = origin.zip(v.coordinates.as_ref()).map(|(o, c)| km_between(o, (c.latitude, c.longitude)));
            let link_query = match date {
                Some(d) => {
                    let mut query = format!("?date={d}");
                    if let Some(s) = span {
                        query.push_str(&format!("&start={}&end={}", s.start, s.end));
                    }
                    query
                }
                None => String::new(),
            };
            let found = Found {
                id: v.id,
                name: v.name,
                kind: kind_label(v.kind),
                address: v.address,
                city: v.city,
                free,
                distance: km.map(|k| if k < 10.0 { format!("{k:.1} km") } else { format!("{k:.0} km") }),
                link_query,
            };
            (km, found)
        })
        .collect();
    if origin.is_some() {
        results.sort_by(|a, b| a.0.unwrap_or(f64::MAX).total_cmp(&b.0.unwrap_or(f64::MAX)));
    }
    results.truncate(LISTED);
    page.heading = match date {
        Some(d) => format!("{} with a seat free on {}", plural(results.len(), "place"), d.format("%A %-d %B")),
        None => plural(results.len(), "place"),
    };
    page.results = results.into_iter().map(|(_, f)| f).collect();
    page.q = q;
    render(StatusCode::OK, &page)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(find))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle_kilometres() {
        let utrecht = (52.0907, 5.1214);
        let amsterdam = (52.3676, 4.9041);
        let d = km_between(utrecht, amsterdam);
        assert!((33.0..36.0).contains(&d), "{d}");
        assert!(km_between(utrecht, utrecht) < 1e-9);
    }

    #[test]
    fn hours_need_a_date_and_both_ends() {
        let q = |date: &str, start: &str, end: &str| FindQuery {
            date: date.into(),
            start: start.into(),
            end: end.into(),
            ..FindQuery::default()
        };
        assert!(when(&q("2026-11-23", "09:00", "12:00")).is_ok());
        assert_eq!(when(&q("", "09:00", "12:00")).unwrap_err().field.as_deref(), Some("date"));
        assert_eq!(when(&q("2026-11-23", "09:00", "")).unwrap_err().field.as_deref(), Some("end"));
        assert_eq!(when(&q("23-11-2026", "", "")).unwrap_err().field.as_deref(), Some("date"));
    }
}
