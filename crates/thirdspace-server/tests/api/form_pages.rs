//! Every form through the pages names all its problems at once, each next to its field and in the
//! summary above the form under the form's own label for it: one submit shows what to fix.

use reqwest::StatusCode;

use crate::helpers::spawn_app;
use crate::web::{Page, Web};

/// The lines of the summary above the form.
fn summary(page: &Page) -> Vec<String> {
    let Some(start) = page.html.find("<p>Please correct:</p><ul>") else { return Vec::new() };
    let list = &page.html[start..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li>").skip(1).map(|item| item.trim_end_matches("</li>").to_owned()).collect()
}

/// Whether the field `id` is marked wrong, with its message next to it.
fn marked(page: &Page, id: &str) -> bool {
    page.html.contains(&format!("id=\"{id}-error\""))
}

#[tokio::test]
async fn the_venue_form_names_every_problem_at_once_next_to_its_field() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let web = Web::new(&app);
    web.log_in(&host).await;
    let fields = [
        ("name", ""),
        ("kind", "library"),
        ("address", "Neude 11"),
        ("city", " "),
        ("country", "Netherlands"),
        ("time_zone", "Utrecht"),
        ("mon_opens", "8 uur"),
        ("mon_closes", "18:00"),
        ("closures", "Christmas"),
        ("grace", "a while"),
        ("space_name", "Reading room"),
        ("capacity", "lots"),
        ("social_capital_seats", "3"),
    ];
    let refused = web.submit("/host/venues/new", "/host/venues/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["name", "city", "country", "time_zone", "opening_hours", "closures", "grace", "capacity"] {
        assert!(marked(&refused, id), "{id} is marked: {}", refused.html);
    }
    assert_eq!(
        summary(&refused),
        [
            "Name must not be empty.",
            "City must not be empty.",
            "Country code must be a two-letter country code like NL.",
            "Time zone must be an IANA time zone like Europe/Amsterdam.",
            "Opening hours: Monday: 8 uur is not a time (hh:mm).",
            "Closed on: Christmas is not a date (YYYY-MM-DD).",
            "Release unclaimed seats after must be a number of minutes.",
            "Seats must be a number of seats.",
        ],
        "in the order of the form, under its labels"
    );
    assert_eq!(app.count("venues").await, 0);
}

#[tokio::test]
async fn sign_up_names_every_problem_under_the_form_s_own_labels() {
    let Some(app) = spawn_app().await else { return };
    let web = Web::new(&app);
    let refused = web
        .submit("/signup", "/signup", &[("display_name", ""), ("email", "not-an-address"), ("password", "short")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["display_name", "email", "password"] {
        assert!(marked(&refused, id), "{id} is marked: {}", refused.html);
    }
    assert_eq!(
        summary(&refused),
        [
            "Your name must not be empty.",
            "E-mail address must be an e-mail address like name@example.org.",
            "Password must be at least 10 characters.",
        ]
    );
    assert!(!refused.html.contains("Display name"), "the form calls it “Your name”");
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn the_profile_form_names_every_problem_at_once() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let headline = "h".repeat(200);
    let refused = web
        .submit("/me/profile", "/me/profile", &[("display_name", " "), ("headline", &headline), ("links", "my site")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let lines = summary(&refused);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0], "Your name must not be empty.");
    assert!(lines[1].starts_with("Headline must be at most 140 characters"), "{lines:?}");
    assert!(lines[2].starts_with("Links must be a web address"), "{lines:?}");
    for id in ["display_name", "headline", "links"] {
        assert!(marked(&refused, id), "{id} is marked");
    }
}

#[tokio::test]
async fn the_booking_form_names_every_problem_at_once() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let (venue, _) = app.venue(&host, 10).await;
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let page = format!("/venues/{venue}");
    let fields = [("date", "tomorrow"), ("start", "9"), ("end", "17:00"), ("focus", ""), ("pledge", "")];
    let refused = web.submit(&page, &format!("{page}/book"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["date", "start", "focus", "pledge", "accept_house_rules"] {
        assert!(marked(&refused, id), "{id} is marked: {}", refused.html);
    }
    assert_eq!(
        summary(&refused),
        [
            "Date: Pick a date.",
            "From must be a time of day like 09:30.",
            "What&#39;s your focus today? This must not be empty.",
            "What will you share? This must not be empty.",
            "House rules: Please read and accept the venue&#39;s house rules to book here.",
        ]
    );
    assert_eq!(app.count("bookings").await, 0);
}

#[tokio::test]
async fn the_space_form_names_every_problem_at_once() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let (venue, _) = app.venue(&host, 10).await;
    let web = Web::new(&app);
    web.log_in(&host).await;
    let page = format!("/host/venues/{venue}");
    let fields = [("name", ""), ("kind", "open_seating"), ("capacity", "many"), ("social_capital_seats", "-1")];
    let refused = web.submit(&page, &format!("{page}/spaces"), &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        summary(&refused),
        [
            "Name must not be empty.",
            "Seats must be a number of seats.",
            "For social capital must be a number of seats.",
        ]
    );
}
