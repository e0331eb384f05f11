//! A coworker through the pages: find a seat, book it for social capital, add it to a calendar,
//! see and cancel bookings.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, venue_body, MONDAY};
use crate::screens::gathering_here;
use crate::web::Web;

#[tokio::test]
async fn a_coworker_finds_a_venue_books_for_social_capital_and_gets_a_calendar_file() {
    let Some(app) = spawn_app().await else { return };
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
                ("accept_house_rules", "on"),
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

#[tokio::test]
async fn a_profile_is_edited_with_plain_choices_and_errors_keep_what_was_typed() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let page = web.get("/me/profile").await;
    assert!(page.html.contains("People where I am") && page.html.contains("Open to meet"), "{}", page.html);
    let long = "x".repeat(300);
    let bad = web
        .submit(
            "/me/profile",
            "/me/profile",
            &[("display_name", "Ana"), ("headline", &long), ("offers", "JS, k8s"), ("visibility", "public")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"headline-error\""), "{}", bad.html);
    assert!(bad.html.contains("value=\"JS, k8s\""), "what was typed is kept");
    let saved = web
        .submit(
            "/me/profile",
            "/me/profile",
            &[
                ("display_name", "Ana"),
                ("headline", "Bookkeeper"),
                ("offers", "JS, k8s"),
                ("seeking", "ux"),
                ("visibility", "hidden"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let me = app.get("/api/v1/me/profile", Some(&ana)).await;
    assert_eq!(me.body["visibility"], "hidden");
    assert_eq!(me.body["open_to_meet"], false, "an unticked box means no");
    assert_eq!(me.body["offers"], serde_json::json!(["JS", "k8s"]), "tags as typed; the engine reads the aliases");
    let again = web.get("/me/profile").await;
    assert!(again.html.contains("value=\"JS, k8s\""), "{}", again.html);
    assert!(again.html.contains("data-preview-tags>JavaScript, Kubernetes</span>"), "{}", again.html);
    assert!(again.html.contains("Nobody sees this card"));
    let odd = web.submit("/me/profile", "/me/profile", &[("display_name", "Ana"), ("visibility", "everyone")]).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn today_a_coworker_checks_in_with_the_code_meets_someone_and_asks_the_room() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let code = app.code(&host, venue).await;
    let (ana, cas) = (app.member("Ana").await, app.member("Cas").await);
    for (who, offers, seeking) in [(&ana, ["python"], ["bookkeeping"]), (&cas, ["bookkeeping"], ["python"])] {
        let body = serde_json::json!({"display_name": if who.id == ana.id { "Ana" } else { "Cas" }, "offers": offers, "seeking": seeking, "visibility": "public"});
        app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    app.arrive(&host, &cas, venue).await;
    app.book(&ana, venue, MONDAY, "09:00", "17:00").await;
    let web = Web::new(&app);
    web.log_in(&ana).await;

    let today = web.get("/today").await;
    assert!(today.html.contains("Today's code at De Werkplaats"), "{}", today.html);
    let wrong = web.submit("/today", "/today/check-in", &[("venue", &venue.to_string()), ("code", "NOPE00")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("not today"), "{}", wrong.html);
    let ok =
        web.submit("/today", "/today/check-in", &[("venue", &venue.to_string()), ("code", &code.to_lowercase())]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html);

    let here = web.get("/today").await;
    assert!(here.html.contains("checked in at"), "{}", here.html);
    assert!(
        here.html.contains("Cas") && here.html.contains("Yes, introduce us"),
        "an intro with its reason: {}",
        here.html
    );
    assert!(here.html.contains("You offer Python, which Cas is looking for"), "written for its reader: {}", here.html);
    let intro = app.get("/api/v1/me/intros", Some(&ana)).await.body["items"][0]["id"].as_str().unwrap().to_owned();
    let accepted = web.submit("/today", &format!("/intros/{intro}/accept"), &[]).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    app.post(&format!("/api/v1/intros/{intro}/accept"), Some(&cas), serde_json::json!({})).await;
    assert!(web.get("/today").await.html.contains("go and say hello"));
    web.submit("/today", &format!("/intros/{intro}/met"), &[]).await;
    web.submit("/today", &format!("/intros/{intro}/useful"), &[]).await;
    let view = app.get("/api/v1/me/intros", Some(&ana)).await;
    assert_eq!(view.body["items"][0]["met"], true);
    assert_eq!(view.body["items"][0]["my_feedback"], true);
    let not_mine = Web::new(&app);
    not_mine.log_in(&host).await;
    let foreign = not_mine.submit("/me/bookings", &format!("/intros/{intro}/decline"), &[]).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "someone else's introduction is not found");

    let empty = web.submit("/today", "/today/ask", &[("text", "?"), ("tags", "vat")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.html.contains("id=\"text-error\"") && empty.html.contains("value=\"vat\""), "{}", empty.html);
    let asked = web
        .submit("/today", "/today/ask", &[("text", "Who can review my bookkeeping?"), ("tags", "bookkeeping")])
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let after = web.get("/today").await;
    assert!(
        after.html.contains(">Cas (here)</a></strong>: Offers bookkeeping, which the question is about"),
        "who might answer, and why: {}",
        after.html
    );
    let out = web.submit("/today", "/today/check-out", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!web.get("/today").await.html.contains("checked in at"));
}

#[tokio::test]
async fn a_nested_field_error_marks_its_form_field_and_is_listed_above_the_form() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let bad =
        web.submit("/me/profile", "/me/profile", &[("display_name", "Ana"), ("links", "javascript:alert(1)")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"links-error\""), "the links field is marked: {}", bad.html);
    assert!(bad.html.contains("<li>Links must be a web address"), "and listed above the form: {}", bad.html);
}

#[tokio::test]
async fn cancelled_bookings_are_past_and_today_shows_the_rooms_questions_both_ways() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (ana, bob) = (app.member("Ana").await, app.member("Bob").await);
    let later = app.book(&ana, venue, "2026-11-24", "10:00", "12:00").await;
    let id = later.body["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/bookings/{id}/cancel"), Some(&ana), serde_json::json!({})).await;
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let mine = web.get("/me/bookings").await;
    let past = mine.html.split("id=\"past\"").nth(1).unwrap();
    assert!(past.contains("Cancelled"), "a cancelled booking is no longer coming up: {}", mine.html);
    let page = web.get(&format!("/bookings/{id}")).await;
    assert!(!page.html.contains("Add to calendar") && !page.html.contains("Check in when you arrive"), "{}", page.html);

    app.arrive(&host, &ana, venue).await;
    app.arrive(&host, &bob, venue).await;
    app.post(
        &format!("/api/v1/venues/{venue}/questions"),
        Some(&bob),
        serde_json::json!({"text": "Who knows VAT rules?", "tags": ["vat"]}),
    )
    .await;
    let today = web.get("/today").await;
    assert!(
        today.html.contains("Asked here by others") && today.html.contains("Who knows VAT rules?"),
        "{}",
        today.html
    );
    assert!(
        today.html.contains("fill in your profile") || today.html.contains("Fill in your profile"),
        "an empty profile is pointed out"
    );
    web.submit("/today", "/today/ask", &[("text", "Who can review my slides?")]).await;
    let asked = web.get("/today").await;
    let question = asked.html.split("/today/questions/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let closed = web.submit("/today", &format!("/today/questions/{question}/answered"), &[]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert!(!web.get("/today").await.html.contains("Who can review my slides?"), "answered questions leave the list");
    let board = app.get(&format!("/api/v1/venues/{venue}/dashboard"), Some(&host)).await;
    assert_eq!(
        board.body["check_in_code"].as_str().unwrap(),
        app.code(&host, venue).await,
        "the screen shows the code too"
    );
}

#[tokio::test]
async fn today_offers_check_in_only_for_a_booking_that_can_be_checked_in_now_and_dates_the_others() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let ana = app.member("Ana").await;
    assert_eq!(app.book(&ana, venue, "2026-11-24", "09:00", "17:00").await.status, StatusCode::CREATED);
    app.clock.advance(8 * 3600 + 30 * 60);
    let code = app.code(&host, venue).await;
    let web = Web::new(&app);
    web.log_in(&ana).await;

    let today = web.get("/today").await;
    assert!(!today.html.contains("Today's code at"), "tomorrow's booking cannot be checked in: {}", today.html);
    assert!(today.html.contains("Tuesday 24 November, 09:00–17:00"), "it is shown with its day: {}", today.html);
    let tried = web.submit("/today", "/today/check-in", &[("venue", &venue.to_string()), ("code", &code)]).await;
    assert_eq!(tried.status, StatusCode::CONFLICT, "{}", tried.html);
    assert_eq!(app.count("bookings").await, 1, "a code typed on Today never makes a walk-in");
}

#[tokio::test]
async fn a_code_check_in_before_a_booking_of_later_today_says_when_instead_of_walking_in() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let code = app.code(&host, venue).await;
    let ana = app.member("Ana").await;
    assert_eq!(app.book(&ana, venue, MONDAY, "15:00", "17:00").await.status, StatusCode::CREATED);
    let web = Web::new(&app);
    web.log_in(&ana).await;

    let today = web.get("/today").await;
    assert!(today.html.contains("today 15:00–17:00, check in from 14:00"), "{}", today.html);
    let page = format!("/check-in/{venue}?code={code}");
    let shown = web.get(&page).await;
    assert!(shown.html.contains("Your booking here starts at 15:00: check in from 14:00."), "{}", shown.html);
    assert!(!shown.html.contains("for a walk-in"), "no walk-in is offered: {}", shown.html);
    let door = web.submit(&page, &format!("/check-in/{venue}"), &[("code", &code)]).await;
    assert_eq!(door.status, StatusCode::CONFLICT, "{}", door.html);
    let tried = web.submit("/today", "/today/check-in", &[("venue", &venue.to_string()), ("code", &code)]).await;
    assert_eq!(tried.status, StatusCode::CONFLICT, "{}", tried.html);
    assert_eq!(app.count("bookings").await, 1, "no walk-in beside the booking");

    app.clock.advance(5 * 3600);
    let on_time = web.submit(&page, &format!("/check-in/{venue}"), &[("code", &code)]).await;
    assert_eq!(on_time.status, StatusCode::SEE_OTHER, "{}", on_time.html);
    assert_eq!(app.count("bookings").await, 1, "checked in on the booking");
}

#[tokio::test]
async fn the_qr_page_checks_a_booking_in_as_a_booking_and_says_when_a_closed_venue_opens() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let code = app.code(&host, venue).await;
    let ana = app.member("Ana").await;
    assert_eq!(app.book(&ana, venue, MONDAY, "09:00", "17:00").await.status, StatusCode::CREATED);
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let door = web.get(&format!("/check-in/{venue}?code={code}")).await;
    assert!(door.html.contains("Check in as Ana for your booking, 09:00–17:00"), "{}", door.html);
    assert!(!door.html.contains("for a walk-in"), "no walk-in is offered to someone with a booking now");

    app.clock.advance(10 * 3600);
    let code = app.code(&host, venue).await;
    let closed = web.get(&format!("/check-in/{venue}?code={code}")).await;
    assert!(closed.html.contains("Closed now. It opens again on Tuesday 24 November at 08:00."), "{}", closed.html);
    assert!(!closed.html.contains("Check in as"), "nothing to tap at a closed venue");
}

#[tokio::test]
async fn a_venue_page_opened_for_a_date_shows_that_day_s_people_and_free_seats() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (ana, bo) = (app.member("Ana").await, app.member("Bo").await);
    for (who, name) in [(&ana, "Ana"), (&bo, "Bo")] {
        let body = serde_json::json!({"display_name": name, "visibility": "public"});
        app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    app.book(&ana, venue, MONDAY, "09:00", "17:00").await;
    app.book(&bo, venue, "2026-11-25", "10:00", "12:00").await;
    let web = Web::new(&app);
    let page = web.get(&format!("/venues/{venue}?date=2026-11-25&start=09:00&end=17:00")).await;
    assert!(page.html.contains("Who is expected on Wednesday 25 November"), "{}", page.html);
    assert!(page.html.contains("Bo (10:00–12:00)") && !page.html.contains("Ana (09:00–17:00)"), "{}", page.html);
    assert!(
        page.html.contains("free for social capital, 09:00–17:00</strong> on Wednesday 25 November"),
        "{}",
        page.html
    );
    let today = web.get(&format!("/venues/{venue}")).await;
    assert!(today.html.contains("Who is expected today") && today.html.contains("Ana (09:00–17:00)"), "{}", today.html);
}

#[tokio::test]
async fn my_bookings_give_a_calendar_address_shown_once_that_a_new_one_or_stopping_ends() {
    let Some(app) = spawn_app().await else { return };
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 3).await;
    assert_eq!(app.book(&ann, venue, MONDAY, "13:00", "15:00").await.status, StatusCode::CREATED);
    let web = Web::new(&app);
    web.log_in(&ann).await;
    let forged = web.post("/me/calendar", &[("csrf", "forged")]).await;
    assert!(forged.status.is_client_error(), "a forged form is refused");
    assert_eq!(app.count("calendar_keys").await, 0);
    let made = web.submit("/me/bookings", "/me/calendar", &[]).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.html);
    let start = made.html.find("http://thirdspace.test/api/v1/calendars/").expect("the address, shown once");
    let url: String = made.html[start..].chars().take_while(|c| *c != '"').collect();
    let path = url.strip_prefix("http://thirdspace.test").unwrap().to_owned();
    let feed = app.get(&path, None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.body.as_str().unwrap_or_default().contains("Seat at De Werkplaats"), "{}", feed.body);
    let again = web.get("/me/bookings").await;
    assert!(!again.html.contains(&path), "never shown again");
    assert!(again.html.contains("<title>My bookings · thirdspace</title>"), "{}", again.html);
    assert_eq!(again.html.matches("Your calendar</h2>").count(), 1, "one calendar section, in the page");

    let stopped = web.submit("/me/bookings", "/me/calendar/stop", &[]).await;
    assert_eq!(stopped.location, "/me/bookings?calendar=stopped");
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND);
}

/// The section of `html` from `from` up to `to`, or to the end.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from} in {html}"));
    let rest = &html[start..];
    rest.find(to).map_or(rest, |end| &rest[..end])
}

#[tokio::test]
async fn today_lists_my_gatherings_this_week_as_they_stand_and_what_else_is_on_near_me() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let (venue, _) = app.venue(&host, 10).await;
    let made = app.post("/api/v1/venues", Some(&host), venue_body("Zaal Noord", "Amsterdam")).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let amsterdam: uuid::Uuid = made.body["id"].as_str().unwrap().parse().unwrap();
    app.space(&host, amsterdam, 10).await;
    let (mia, ann, zoe) = (app.member("Mia").await, app.member("Ann").await, app.member("Zoë").await);
    let at = |venue: uuid::Uuid, extra: serde_json::Value| {
        let (app, host) = (&app, &host);
        async move { gathering_here(app, host, venue, extra).await }
    };
    // This week at the Utrecht venue: a session, a full talk, a workshop whose place comes free,
    // Friday drinks called off, a writing sprint and an open day for members; in Amsterdam a
    // meetup; and next month another session.
    let session = at(venue, json!({"date": "2026-11-25"})).await;
    let talk = at(
        venue,
        json!({"title": "Pricing talk", "date": "2026-11-24", "start": "16:00", "end": "17:00", "capacity": 1}),
    )
    .await;
    let workshop = at(
        venue,
        json!({"title": "Grant workshop", "date": "2026-11-26", "start": "10:00", "end": "12:00", "capacity": 1}),
    )
    .await;
    let drinks = at(
        venue,
        json!({"title": "Friday drinks", "kind": "venue_event", "date": "2026-11-27", "start": "16:00", "end": "17:30"}),
    )
    .await;
    at(venue, json!({"title": "Writing sprint", "kind": "coworking_day", "date": "2026-11-25", "start": "09:00", "end": "12:00"}))
        .await;
    at(
        venue,
        json!({"title": "Open day", "kind": "venue_event", "date": "2026-11-28", "start": "10:00", "end": "15:00", "members_only": true}),
    )
    .await;
    at(amsterdam, json!({"title": "Amsterdam meetup", "kind": "group_meetup", "date": "2026-11-25"})).await;
    let december = at(venue, json!({"title": "December session", "date": "2026-12-09"})).await;
    // A coworking day at Zoë's home: its address is for the people going, on its own page.
    let home = json!({"kind": "coworking_day", "title": "Coworken bij Zoë", "address": "Kanaalstraat 3", "city": "Utrecht",
        "time_zone": "Europe/Amsterdam", "date": "2026-11-24", "start": "09:30", "end": "16:00", "capacity": 4});
    let home = app.post("/api/v1/gatherings", Some(&zoe), home).await;
    assert_eq!(home.status, StatusCode::CREATED, "{}", home.body);
    let home = home.body["dates"][0]["id"].as_str().unwrap().to_owned();

    let rsvp = |who: &crate::helpers::Member, date: &str, method: Method| {
        let (app, who, path) = (&app, who.clone(), format!("/api/v1/gathering-dates/{date}/rsvp"));
        async move { app.call(method, &path, Some(&who), None).await }
    };
    for date in [&session, &drinks, &december, &home] {
        assert_eq!(rsvp(&mia, date, Method::POST).await.body["status"], "going");
    }
    for date in [&talk, &workshop] {
        assert_eq!(rsvp(&ann, date, Method::POST).await.body["status"], "going");
        assert_eq!(rsvp(&mia, date, Method::POST).await.body["status"], "waiting");
    }
    assert_eq!(rsvp(&ann, &workshop, Method::DELETE).await.status, StatusCode::OK, "Ann lets her place go to Mia");
    let cancelled =
        app.call(Method::POST, &format!("/api/v1/gathering-dates/{drinks}/cancel"), Some(&host), None).await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);

    let web = Web::new(&app);
    web.log_in(&mia).await;
    let page = web.get("/today").await;
    assert_eq!(page.status, StatusCode::OK);
    let mine = between(&page.html, "<h2 id=\"gatherings\">", "</section>");
    let order: Vec<usize> = ["Coworken bij Zoë", "Pricing talk", "VAT in an hour", "Grant workshop", "Friday drinks"]
        .iter()
        .map(|title| mine.find(title).unwrap_or_else(|| panic!("{title} in {mine}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "soonest first: {mine}");
    let item = |title: &str| between(mine, title, "</li>").to_owned();
    assert!(item("Coworken bij Zoë").contains("Tuesday 24 November 2026, 09:30–16:00 CET"), "{mine}");
    assert!(item("Coworken bij Zoë").contains("You&#39;re going."), "{mine}");
    assert!(item("Pricing talk").contains("You&#39;re in line"), "{mine}");
    let offered = item("Grant workshop");
    assert!(offered.contains("A place came free for you: take it before") && offered.contains("CET"), "{offered}");
    assert!(offered.contains("Take the place"), "{offered}");
    assert!(
        item("VAT in an hour").contains("Knowledge session") && item("VAT in an hour").contains("You&#39;re going.")
    );
    assert!(item("Friday drinks").contains("Cancelled by its organiser."), "{mine}");
    assert!(!page.html.contains("December session"), "beyond the week");
    assert!(!page.html.contains("Kanaalstraat 3"), "a home's address stays on the gathering's own page");
    assert!(!page.html.contains("This week near you"), "no venue to be near yet");
    assert!(page.html.contains("href=\"/gatherings\">Find gatherings</a>"), "{mine}");

    // A booking at the Utrecht venue makes Utrecht near: what is on there that she did not answer.
    assert_eq!(app.book(&mia, venue, "2026-11-25", "09:00", "17:00").await.status, StatusCode::CREATED);
    let page = web.get("/today").await;
    let near = between(&page.html, "This week near you, in Utrecht", "</section>");
    assert!(near.contains("Writing sprint") && near.contains("Coworking day"), "{near}");
    assert!(near.contains("Open day") && near.contains("Members only"), "members see members' gatherings: {near}");
    for left_out in ["VAT in an hour", "Pricing talk", "Amsterdam meetup", "Friday drinks", "Kanaalstraat"] {
        assert!(!near.contains(left_out), "{left_out}: {near}");
    }
    assert!(near.contains("href=\"/gatherings?city=Utrecht\">All gatherings in Utrecht</a>"), "{near}");

    // Checked in at the Amsterdam venue, Amsterdam is near.
    assert_eq!(app.arrive(&host, &mia, amsterdam).await.status, StatusCode::OK);
    let page = web.get("/today").await;
    let near = between(&page.html, "This week near you, in Amsterdam", "</section>");
    assert!(near.contains("Amsterdam meetup") && !near.contains("Writing sprint"), "{near}");
    assert!(near.contains("href=\"/gatherings?city=Amsterdam\""), "{near}");
}
