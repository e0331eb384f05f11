//! A host through the pages: open a venue with a space in one guided form, edit it, invite staff,
//! and run the day (see bookings arrive, check people in and out, screen and kiosk links).

use reqwest::StatusCode;

use crate::helpers::{spawn_app, MONDAY};
use crate::web::Web;

fn venue_fields<'a>(name: &'a str, capacity: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "library"),
        ("address", "Neude 11"),
        ("city", "Utrecht"),
        ("country", "nl"),
        ("time_zone", "Europe/Amsterdam"),
        ("mon_opens", "08:00"),
        ("mon_closes", "12:00"),
        ("mon_opens2", "13:00"),
        ("mon_closes2", "18:00"),
        ("tue_opens", "08:00"),
        ("tue_closes", "18:00"),
        ("closures", "2026-12-25\n2026-12-26"),
        ("amenities", "wifi, quiet zone"),
        ("house_rules", "No calls in the reading room"),
        ("grace", "20"),
        ("space_name", "Reading room"),
        ("capacity", capacity),
        ("social_capital_seats", "3"),
    ]
}

#[tokio::test]
async fn a_new_host_opens_a_venue_with_a_space_and_sees_a_booking_arrive() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let web = Web::new(&app);
    web.log_in(&host).await;
    assert!(web.get("/host").await.html.contains("You do not run a venue yet"));

    let mut bad = venue_fields("Bibliotheek Neude", "lots");
    bad.retain(|(k, _)| *k != "mon_closes2");
    let refused = web.submit("/host/venues/new", "/host/venues/new", &bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("give both the opening and the closing time"), "{}", refused.html);
    assert!(refused.html.contains("value=\"Bibliotheek Neude\""), "what was typed is kept");
    let seats = web.submit("/host/venues/new", "/host/venues/new", &venue_fields("Bibliotheek Neude", "lots")).await;
    assert_eq!(seats.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(seats.html.contains("id=\"capacity-error\""), "{}", seats.html);
    assert_eq!(app.count("venues").await, 0, "nothing written while the space is wrong");

    let opened = web.submit("/host/venues/new", "/host/venues/new", &venue_fields("Bibliotheek Neude", "20")).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.html);
    let manage = web.get(&opened.location).await;
    assert!(manage.html.contains("Your venue is open") && manage.html.contains("Reading room"), "{}", manage.html);
    let venue = opened.location.trim_start_matches("/host/venues/").split('?').next().unwrap().to_owned();
    let stored = app.get(&format!("/api/v1/venues/{venue}"), None).await.body;
    assert_eq!(stored["kind"], "library");
    assert_eq!(stored["country"], "NL");
    assert_eq!(stored["opening_hours"].as_array().unwrap().len(), 3, "two periods on Monday, one on Tuesday");
    assert_eq!(stored["closures"], serde_json::json!(["2026-12-25", "2026-12-26"]));
    assert_eq!(stored["no_show_grace_minutes"], 20);

    let edit = web.get(&format!("/host/venues/{venue}/edit")).await;
    assert!(edit.html.contains("value=\"13:00\"") && edit.html.contains("2026-12-25"), "the form shows what is stored");
    let mut renamed = venue_fields("Bibliotheek Neude Utrecht", "20");
    renamed.push(("wed_opens", "09:00"));
    renamed.push(("wed_closes", "24:00"));
    let saved =
        web.submit(&format!("/host/venues/{venue}/edit"), &format!("/host/venues/{venue}/edit"), &renamed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert_eq!(app.get(&format!("/api/v1/venues/{venue}"), None).await.body["name"], "Bibliotheek Neude Utrecht");

    // A coworker books; the host sees it arrive and checks them in.
    let ana = app.member("Ana").await;
    let booked = app.book(&ana, venue.parse().unwrap(), MONDAY, "09:00", "11:00").await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let today = web.get(&format!("/host/venues/{venue}/today")).await;
    assert!(today.html.contains("Ana") && today.html.contains("booked 09:00–11:00"), "{}", today.html);
    let checked = web
        .submit(
            &format!("/host/venues/{venue}/today"),
            &format!("/host/venues/{venue}/check-in"),
            &[("user", &ana.id.to_string())],
        )
        .await;
    assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", checked.html);
    assert!(web.get(&format!("/host/venues/{venue}/today")).await.html.contains("here, booked 09:00–11:00"));
    let again = web
        .submit(
            &format!("/host/venues/{venue}/today"),
            &format!("/host/venues/{venue}/check-out"),
            &[("user", &ana.id.to_string())],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);

    // Screen and kiosk links, shown once, revocable.
    let made = web
        .submit(
            &format!("/host/venues/{venue}/today"),
            &format!("/host/venues/{venue}/screens"),
            &[("kind", "kiosk"), ("name", "Door")],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "made, then shown on the day's page");
    assert_eq!(made.location, format!("/host/venues/{venue}/today"));
    let shown = web.get(&made.location).await;
    let start = shown.html.find("http://thirdspace.test/venues/").expect("the kiosk link");
    assert!(start < shown.html.find("Check-in code today").unwrap(), "the new link is at the top, not below the fold");
    let link = shown.html[start..]
        .split('"')
        .next()
        .unwrap()
        .trim_start_matches("http://thirdspace.test")
        .replace("&#38;", "&");
    assert!(link.contains("/kiosk?token="), "{link}");
    let again = web.get(&made.location).await;
    assert!(!again.html.contains("/kiosk?token="), "a link is shown once");
    let made_count = app.get(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(&host)).await.body["total"].clone();
    assert_eq!(made_count, 1, "showing the page again made no other link");
    assert_eq!(web.get(&link).await.status, StatusCode::OK, "the kiosk opens");
    let token_id = app.get(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(&host)).await.body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = web
        .submit(&format!("/host/venues/{venue}/today"), &format!("/host/venues/{venue}/screens/{token_id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(web.get(&link).await.status, StatusCode::FORBIDDEN, "a revoked link stops at once");
}

#[tokio::test]
async fn staff_are_invited_by_e_mail_and_only_owners_edit() {
    let Some(app) = spawn_app().await else { return };
    let owner = app.member("Olga").await;
    let (venue, _) = app.venue(&owner, 5).await;
    let sam = app.member("Sam").await;
    let web = Web::new(&app);
    web.log_in(&owner).await;
    let bad = web
        .submit(
            &format!("/host/venues/{venue}"),
            &format!("/host/venues/{venue}/staff"),
            &[("email", "not an address")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"email-error\""), "{}", bad.html);
    let invited = web
        .submit(&format!("/host/venues/{venue}"), &format!("/host/venues/{venue}/staff"), &[("email", &sam.email)])
        .await;
    assert_eq!(invited.status, StatusCode::SEE_OTHER);

    let staff = Web::new(&app);
    staff.log_in(&sam).await;
    assert_eq!(staff.get(&format!("/host/venues/{venue}/today")).await.status, StatusCode::FORBIDDEN, "not yet staff");
    let host_page = staff.get("/host").await;
    assert!(host_page.html.contains("You are invited to help run"), "{}", host_page.html);
    let id = host_page.html.split("/host/invitations/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let joined = staff.submit("/host", &format!("/host/invitations/{id}/accept"), &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.html);
    assert_eq!(joined.location, format!("/host/venues/{venue}"));
    assert_eq!(staff.get(&format!("/host/venues/{venue}/today")).await.status, StatusCode::OK, "staff run the day");
    assert_eq!(
        staff.get(&format!("/host/venues/{venue}/edit")).await.status,
        StatusCode::FORBIDDEN,
        "only owners edit"
    );

    let stranger = Web::new(&app);
    let eve = app.member("Eve").await;
    stranger.log_in(&eve).await;
    assert_eq!(stranger.get(&format!("/host/venues/{venue}")).await.status, StatusCode::FORBIDDEN);
    let csrf = stranger.get("/host").await.hidden_or_default("csrf");
    let forced = stranger
        .post(&format!("/host/venues/{venue}/check-in"), &[("csrf", &csrf), ("user", &eve.id.to_string())])
        .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN, "another venue's day is not theirs to run");
}

#[tokio::test]
async fn the_host_s_day_calls_a_walk_in_a_walk_in() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let (venue, _) = app.venue(&host, 5).await;
    let code = app.code(&host, venue).await;
    let walker = app.member("Wim").await;
    let walked = app
        .post(
            &format!("/api/v1/venues/{venue}/check-ins"),
            Some(&walker),
            serde_json::json!({"code": code, "focus": "Writing", "pledge": "Dutch grammar"}),
        )
        .await;
    assert_eq!(walked.status, StatusCode::OK, "{}", walked.body);
    let web = Web::new(&app);
    web.log_in(&host).await;
    let day = web.get(&format!("/host/venues/{venue}/today")).await;
    assert!(day.html.contains("here, walk-in 09:00–18:00"), "{}", day.html);
    assert!(!day.html.contains("booked 09:00–18:00"), "a walk-in was not booked");
}
