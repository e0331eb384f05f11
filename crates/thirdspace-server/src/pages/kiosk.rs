//! The kiosk at the entrance (a tablet, opened by a link with a kiosk token): find yourself by
//! name or e-mail, check in or out with one tap, and see who to meet right after checking in.
//!
//! It checks people in on the booking they hold for today; walking in without one goes through
//! the QR code and the person's own phone, so that no one can book a seat in someone else's name.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use thirdspace_domain::booking::BookingStatus;
use thirdspace_domain::email::Email;
use thirdspace_domain::profile::Visibility;
use thirdspace_store::{DayBooking, ScreenKind, Venue};
use uuid::Uuid;

use super::{
    door_words, failed, failure, message, render, status_of, today_at, venue_of, FormData, Nav, Params, Suggested,
};
use crate::app::accounts;
use crate::app::intros::suggestions_here;
use crate::app::presence::{arrive, leave, Arrival};
use crate::app::screens::screen_opens;
use crate::AppState;

/// How many people a search lists at most.
const FOUND: usize = 8;
/// How many introductions the kiosk shows after check-in.
const SUGGESTED: usize = 3;
/// Seconds before the kiosk goes back to its search, after check-in and after check-out.
const BACK_AFTER_CHECK_IN: u32 = 45;
const BACK_AFTER_CHECK_OUT: u32 = 8;

#[derive(Template)]
#[template(path = "kiosk.html")]
struct KioskPage<'a> {
    nav: Option<Nav>,
    venue: &'a str,
    venue_id: Uuid,
    token: &'a str,
    query: &'a str,
    searched: bool,
    people: Vec<Found>,
    notice: Option<String>,
    notice_is_error: bool,
}

#[derive(Template)]
#[template(path = "kiosk_done.html")]
struct KioskDone {
    nav: Option<Nav>,
    title: String,
    text: String,
    intros: Vec<Suggested>,
    back: String,
    back_after: u32,
}

/// Someone booked here today, as the kiosk lists them.
struct Found {
    user_id: Uuid,
    name: String,
    /// "booked 09:00–17:00" or "here until 17:00".
    when: String,
    here: bool,
}

#[derive(Deserialize)]
struct KioskQuery {
    token: Option<String>,
    q: Option<String>,
}

#[derive(Deserialize)]
struct KioskForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    action: String,
}

/// The venue of the path, when `token` opens its kiosk; else the page that says why not.
async fn kiosk_venue(state: &AppState, venue: &str, token: Option<&str>) -> Result<Venue, Response> {
    let venue = venue_of(state, venue).await?;
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(message(
            StatusCode::UNAUTHORIZED,
            "A kiosk token is needed",
            "Ask the venue's host for the kiosk's link.",
        ));
    };
    match screen_opens(state, venue.id, token, ScreenKind::Kiosk).await {
        Ok(()) => Ok(venue),
        Err(crate::app::AppError::Forbidden(_)) => Err(message(
            StatusCode::FORBIDDEN,
            "This kiosk's link no longer works",
            "The kiosk token is not valid for this venue, or it was revoked. Ask the host for a new link.",
        )),
        Err(e) => Err(failed("", &e)),
    }
}

/// Each person booked here today who has not left, once: on the booking they are checked in on
/// (they stay until they check out or the venue closes, even when it has ended), else their next
/// booking that has not ended.
fn expected(day: Vec<DayBooking>, now: i64) -> Vec<(DayBooking, bool)> {
    let mut people: Vec<(DayBooking, bool)> = Vec::new();
    for b in day {
        let here = b.booking.status == BookingStatus::CheckedIn;
        if !here && (b.booking.status != BookingStatus::Booked || b.booking.ends_at <= now) {
            continue;
        }
        match people.iter_mut().find(|(p, _)| p.booking.user_id == b.booking.user_id) {
            Some(seen) if here && !seen.1 => *seen = (b, true),
            Some(_) => {}
            None => people.push((b, here)),
        }
    }
    people
}

/// A name as it is searched: without accents or case, whatever the keyboard ("García", "garcia"
/// and a decomposed "García" are one; "Aydın" is found by "aydin").
fn folded(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase()
}

/// The people booked here today that `query` finds: by part of their name (not hidden people),
/// or by their whole e-mail address (anyone).
async fn search(state: &AppState, venue: &Venue, query: &str) -> Result<Vec<Found>, Response> {
    let day = today_at(state, venue).await.map_err(|e| failure("", &e))?;
    let people = expected(day, state.clock.now());
    let by_email = match Email::parse(query) {
        Ok(email) => match accounts::holder_of(state, &email).await {
            Ok(found) => found,
            Err(e) => return Err(failed("", &e)),
        },
        Err(_) => None,
    };
    let wanted = folded(query);
    Ok(people
        .into_iter()
        .filter(|(b, _)| match by_email {
            Some(id) => b.booking.user_id == id,
            None => b.visibility != Visibility::Hidden && folded(&b.display_name).contains(&wanted),
        })
        .take(FOUND)
        .map(|(b, here)| Found {
            user_id: b.booking.user_id,
            // The times of people not here yet stay private; they know their own.
            when: if here { format!("here, booked until {}", b.booking.end) } else { "booked for today".to_owned() },
            name: b.display_name,
            here,
        })
        .collect())
}

async fn page(State(state): State<AppState>, Path(venue): Path<String>, Params(q): Params<KioskQuery>) -> Response {
    let venue = match kiosk_venue(&state, &venue, q.token.as_deref()).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let token = q.token.as_deref().unwrap_or_default();
    let query = q.q.as_deref().map(str::trim).unwrap_or_default();
    let mut page = KioskPage {
        nav: None,
        venue: &venue.name,
        venue_id: venue.id,
        token,
        query,
        searched: false,
        people: Vec::new(),
        notice: None,
        notice_is_error: false,
    };
    if query.chars().count() > 200 {
        page.notice = Some("That is too long to be a name: type part of your name or your e-mail address.".into());
        page.notice_is_error = true;
        page.query = "";
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if query.chars().count() == 1 {
        page.notice = Some("Type at least two letters of your name.".into());
        page.notice_is_error = true;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if !query.is_empty() {
        page.people = match search(&state, &venue, query).await {
            Ok(people) => people,
            Err(page) => return page,
        };
        page.searched = true;
    }
    render(StatusCode::OK, &page)
}

async fn act(
    State(state): State<AppState>,
    Path(venue): Path<String>,
    FormData(form): FormData<KioskForm>,
) -> Response {
    let venue = match kiosk_venue(&state, &venue, Some(&form.token)).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let token: String = form_urlencoded::byte_serialize(form.token.as_bytes()).collect();
    let back = format!("/venues/{}/kiosk?token={token}", venue.id);
    let day = match today_at(&state, &venue).await {
        Ok(day) => day,
        Err(e) => return failure("", &e),
    };
    // Only someone booked here today can be checked in or out from the kiosk.
    let person = Uuid::parse_str(form.user.trim())
        .ok()
        .and_then(|id| expected(day, state.clock.now()).into_iter().find(|(b, _)| b.booking.user_id == id));
    let Some((booking, _)) = person else {
        return message(StatusCode::NOT_FOUND, "Not found", "No one booked here today by that name. Search again.");
    };
    let (user, name) = (booking.booking.user_id, booking.display_name);
    let refused = |e: crate::app::AppError| {
        let text = door_words(&e);
        let page = KioskPage {
            nav: None,
            venue: &venue.name,
            venue_id: venue.id,
            token: &form.token,
            query: "",
            searched: false,
            people: Vec::new(),
            notice: Some(text),
            notice_is_error: true,
        };
        if status_of(&e).is_client_error() {
            render(status_of(&e), &page)
        } else {
            failed("", &e)
        }
    };
    match form.action.as_str() {
        "in" => {
            if let Err(e) = arrive(&state, &venue, user, Arrival::OnBooking { by_staff: None }).await {
                return refused(e);
            }
            let intros = match suggestions_here(&state, user, venue.id, SUGGESTED).await {
                Ok(intros) => intros.into_iter().map(Suggested::from).collect(),
                Err(e) => return failed("", &e),
            };
            let done = KioskDone {
                nav: None,
                title: format!("Welcome, {name}"),
                text: format!("You're checked in at {}.", venue.name),
                intros,
                back,
                back_after: BACK_AFTER_CHECK_IN,
            };
            render(StatusCode::OK, &done)
        }
        "out" => {
            if let Err(e) = leave(&state, venue.id, user).await {
                return refused(e);
            }
            let done = KioskDone {
                nav: None,
                title: format!("Goodbye, {name}"),
                text: "You're checked out. Thanks for sharing what you know!".to_owned(),
                intros: Vec::new(),
                back,
                back_after: BACK_AFTER_CHECK_OUT,
            };
            render(StatusCode::OK, &done)
        }
        _ => message(StatusCode::UNPROCESSABLE_ENTITY, "Unknown action", "Go back and tap Check in or Check out."),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/venues/{venue}/kiosk", get(page).post(act))
}

#[cfg(test)]
mod tests {
    use super::folded;

    #[test]
    fn names_are_found_without_their_accents() {
        assert!(folded("Diego García").contains(&folded("garcia")));
        assert!(folded("Aydın Yılmaz").contains(&folded("aydin")));
        assert!(folded("Garci\u{0301}a").contains(&folded("GARCÍA")));
        assert!(folded("Zoë").contains(&folded("zoe")));
    }
}
