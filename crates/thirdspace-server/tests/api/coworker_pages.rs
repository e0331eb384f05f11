//! A coworker through the pages: find a seat, book it for social capital, add it to a calendar,
//! see and cancel bookings.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, MONDAY};
use crate::web::Web;

#[tokio::test]
async fn a_coworker_finds_a_venue_books_for_social_capital_and_gets_a_calendar_file() {
    let app = spawn_app().await;
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 2).await;
    let ana = app.member("Ana").await;
    let web = Web::new(&app);

    let home = web.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.html.contains("De Werkplaats"), "every venue is listed without a date");
    let search = web.get(&format!("/?city=utrecht&date={MONDAY}&start=10:00&end=12:00")).await;
    assert!(search.html.contains("2 seats free for social capital"), "{}", search.html);
    assert!(
        search.html.contains(&format!("/venues/{venue}?date={MONDAY}&#38;start=10:00&#38;end=12:00")),
        "{}",
        search.html
    );
    let nowhere = web.get(&format!("/?city=rotterdam&date={MONDAY}")).await;
    assert!(nowhere.html.contains("0 places"), "{}", nowhere.html);
    let bad = web.get("/?date=tomorrow").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("This is not a date"), "{}", bad.html);

    let page = web.get(&format!("/venues/{venue}")).await;
    assert!(page.html.contains("Log in to book"), "{}", page.html);
    web.log_in(&ana).await;
    let venue_page = format!("/venues/{venue}?date={MONDAY}&start=10:00&end=12:00");
    let page = web.get(&venue_page).await;
    assert!(page.html.contains("pledge to share what you know"), "the pledge in plain words");

    let empty_focus = web
        .submit(
            &venue_page,
            &format!("/venues/{venue}/book"),
            &[("date", MONDAY), ("start", "10:00"), ("end", "12:00"), ("focus", ""), ("pledge", "Python help")],
        )
        .await;
    assert_eq!(empty_focus.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty_focus.html.contains("id=\"focus-error\""), "the error sits next to its field: {}", empty_focus.html);
    assert!(empty_focus.html.contains("value=\"Python help\""), "what was typed is kept");
    assert_eq!(app.count("bookings").await, 0, "nothing written");

    let booked = web
        .submit(
            &venue_page,
            &format!("/venues/{venue}/book"),
            &[
                ("date", MONDAY),
                ("start", "10:00"),
                ("end", "12:00"),
                ("focus", "Grant, application; draft"),
                ("pledge", "Python help"),
            ],
        )
        .await;
    assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.html);
    let confirmation = web.get(&booked.location).await;
    assert!(
        confirmation.html.contains("Booked!") && confirmation.html.contains("Monday 23 November 2026, 10:00–12:00"),
        "{}",
        confirmation.html
    );

    let id = booked.location.trim_start_matches("/bookings/").split('?').next().unwrap().to_owned();
    let ics = web.get(&format!("/bookings/{id}/calendar.ics")).await;
    assert_eq!(ics.status, StatusCode::OK);
    let text = ics.html;
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.trim_end().ends_with("END:VCALENDAR"), "{text}");
    assert!(text.contains("VERSION:2.0") && text.contains("PRODID:"));
    assert!(
        text.contains("DTSTART:20261123T090000Z") && text.contains("DTEND:20261123T110000Z"),
        "UTC instants: {text}"
    );
    assert!(text.contains(&format!("UID:{id}@thirdspace")));
    assert!(text.contains("Grant\\, application\\; draft"), "text escaped as RFC 5545 says: {text}");
    assert!(text.lines().all(|l| l.len() <= 75), "lines folded at 75 octets");

    let mine = web.get("/me/bookings").await;
    assert!(mine.html.contains("De Werkplaats") && mine.html.contains("Booked"), "{}", mine.html);
    let cancelled = web.submit(&format!("/bookings/{id}"), &format!("/bookings/{id}/cancel"), &[]).await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    assert!(web.get(&cancelled.location).await.html.contains("Cancelled"));

    let bob = app.member("Bob").await;
    let other = Web::new(&app);
    other.log_in(&bob).await;
    assert_eq!(
        other.get(&format!("/bookings/{id}")).await.status,
        StatusCode::NOT_FOUND,
        "another's booking is not found"
    );
    assert_eq!(other.get(&format!("/bookings/{id}/calendar.ics")).await.status, StatusCode::NOT_FOUND);
}
