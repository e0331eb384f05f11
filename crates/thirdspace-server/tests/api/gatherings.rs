//! Gatherings over HTTP: organised with every error named, listed without addresses, answered
//! to a date or a series, a freed place offered by e-mail and taken, the organiser's line.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, MONDAY_9AM};

/// A coworking day at a home in Utrecht on Wednesday 25 November 2026 (the test clock stands
/// on Monday the 23rd), with `capacity` places; `extra` changes fields.
fn home_day(capacity: u32, extra: serde_json::Value) -> serde_json::Value {
    let mut body = json!({
        "kind": "coworking_day", "title": "Coworken bij Zoë", "address": "Kanaalstraat 3", "city": "Utrecht",
        "time_zone": "Europe/Amsterdam", "date": "2026-11-25", "start": "09:30", "end": "16:00", "capacity": capacity,
        "tags": ["Writing"]
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[tokio::test]
async fn a_gathering_fills_lines_up_and_offers_a_freed_place_by_e_mail() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo) = (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await);
    let made = app.post("/api/v1/gatherings", Some(&zoe), home_day(1, json!({}))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["address"], "Kanaalstraat 3", "the organiser sees where");
    assert_eq!(made.body["tags"], json!(["writing"]));
    let id = made.body["id"].as_str().unwrap().to_owned();
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(made.body["dates"][0]["starts_at"], "2026-11-25T08:30:00Z", "09:30 in Amsterdam");

    let seen = app.get(&format!("/api/v1/gatherings/{id}"), Some(&ann)).await;
    assert_eq!((seen.status, seen.body["address"].clone()), (StatusCode::OK, json!(null)), "not going: no address");
    let rsvp = format!("/api/v1/gathering-dates/{date}/rsvp");
    let going = app.call(Method::POST, &rsvp, Some(&ann), None).await;
    assert_eq!((going.status, going.body["status"].clone()), (StatusCode::OK, json!("going")));
    let seen = app.get(&format!("/api/v1/gatherings/{id}"), Some(&ann)).await;
    assert_eq!(seen.body["address"], "Kanaalstraat 3", "going: the address");
    assert_eq!(seen.body["my_answers"][0]["status"], "going");
    assert_eq!(app.call(Method::POST, &rsvp, Some(&bo), None).await.body["status"], "waiting");
    assert_eq!(app.call(Method::POST, &rsvp, None, None).await.status, StatusCode::UNAUTHORIZED);

    // Ann withdraws: Bo is offered her place by e-mail and takes it.
    let left = app.call(Method::DELETE, &rsvp, Some(&ann), None).await;
    assert_eq!((left.status, left.body["status"].clone()), (StatusCode::OK, json!("cancelled")));
    let mail = app.smtp.first_with(&bo.email, "A place came free").await;
    assert!(mail.data.contains("A place came free") && mail.data.contains(&id), "{}", mail.data);
    let took = app.call(Method::POST, &format!("{rsvp}/take"), Some(&bo), None).await;
    assert_eq!((took.status, took.body["status"].clone()), (StatusCode::OK, json!("going")));
    let again = app.call(Method::POST, &format!("{rsvp}/take"), Some(&bo), None).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "no_offer"));
    let gone = app.call(Method::DELETE, &rsvp, Some(&ann), None).await;
    assert_eq!((gone.status, gone.code()), (StatusCode::CONFLICT, "no_answer"));

    // The organiser's line; nobody else's.
    let line = app.get(&format!("/api/v1/gathering-dates/{date}/line"), Some(&zoe)).await;
    assert_eq!(line.status, StatusCode::OK);
    let statuses: Vec<&str> = line.body.as_array().unwrap().iter().map(|p| p["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["going", "cancelled"]);
    assert_eq!(
        app.get(&format!("/api/v1/gathering-dates/{date}/line"), Some(&ann)).await.status,
        StatusCode::FORBIDDEN
    );

    // Once it has started, nobody answers any more.
    app.clock.set(chrono::DateTime::parse_from_rfc3339("2026-11-25T08:30:00Z").unwrap().timestamp());
    let late = app.call(Method::POST, &rsvp, Some(&ann), None).await;
    assert_eq!((late.status, late.code()), (StatusCode::CONFLICT, "gathering_started"));
}

#[tokio::test]
async fn bad_gatherings_are_refused_with_every_field_named_and_nothing_written() {
    let Some(app) = spawn_app().await else { return };
    let zoe = app.member("Zoë").await;
    let before = app.count("gatherings").await;
    let broken = home_day(0, json!({"title": "", "date": "2026-11-20", "end": "09:00", "time_zone": "Mars/Base"}));
    let refused = app.post("/api/v1/gatherings", Some(&zoe), broken).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    for rule in [
        json!({"repeat": "FREQ=WEEKLY"}),
        json!({"repeat": "FREQ=DAILY;COUNT=5000"}),
        json!({"repeat": "FREQ=MINUTELY;COUNT=5"}),
        json!({"date": "2031-01-01"}),
        json!({"capacity": 10001}),
        json!({"kind": "venue_event"}),
    ] {
        let reply = app.post("/api/v1/gatherings", Some(&zoe), home_day(3, rule.clone())).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{rule}: {}", reply.body);
    }
    let unknown = app.post("/api/v1/gatherings", Some(&zoe), home_day(3, json!({"colour": "red"}))).await;
    assert!(unknown.status.is_client_error());
    assert_eq!(app.count("gatherings").await, before, "nothing written");

    // At a venue only its staff organise; a member gets 403 and nothing is written.
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let at_venue = json!({"kind": "venue_event", "title": "Open day", "venue_id": venue, "date": "2026-11-26",
        "start": "10:00", "end": "12:00", "capacity": 5});
    assert_eq!(app.post("/api/v1/gatherings", Some(&zoe), at_venue.clone()).await.status, StatusCode::FORBIDDEN);
    let made = app.post("/api/v1/gatherings", Some(&host), at_venue).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let listed = app.get(&format!("/api/v1/venues/{venue}/gatherings"), None).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    let wrong = app.post("/api/v1/gatherings", Some(&zoe), home_day(3, json!({"venue_id": uuid::Uuid::nil()}))).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("gatherings").await, before + 1);
}

#[tokio::test]
async fn a_series_is_listed_by_city_and_answered_whole_and_members_only_stays_with_members() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann) = (app.member("Zoë").await, app.member("Ann").await);
    let series = home_day(5, json!({"repeat": "FREQ=WEEKLY;COUNT=4", "except": ["2026-12-02"]}));
    let made = app.post("/api/v1/gatherings", Some(&zoe), series).await;
    assert_eq!(made.body["dates"].as_array().unwrap().len(), 3, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_owned();
    let secret = home_day(5, json!({"title": "Members' lunch", "members_only": true, "date": "2026-11-24"}));
    assert_eq!(app.post("/api/v1/gatherings", Some(&zoe), secret).await.status, StatusCode::CREATED);

    let listed = app.get("/api/v1/gatherings?city=%20utrecht&from=2026-11-23&days=31", Some(&ann)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let titles: Vec<&str> = listed.body.as_array().unwrap().iter().map(|d| d["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Members' lunch", "Coworken bij Zoë", "Coworken bij Zoë", "Coworken bij Zoë"]);
    assert!(!listed.body.to_string().contains("Kanaalstraat"), "no address in a listing");
    let anonymous = app.get("/api/v1/gatherings?city=Utrecht&from=2026-11-23&days=31", None).await;
    assert_eq!(anonymous.body.as_array().unwrap().len(), 3, "members only, for members only");
    let lunch = listed.body[0]["gathering_id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/v1/gatherings/{lunch}"), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/gatherings?city=Utrecht&days=63", None).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/api/v1/gatherings?city=", None).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    let whole = app.call(Method::POST, &format!("/api/v1/gatherings/{id}/rsvp"), Some(&ann), None).await;
    assert_eq!(whole.status, StatusCode::OK, "{}", whole.body);
    let answers: Vec<&str> = whole.body.as_array().unwrap().iter().map(|a| a["status"].as_str().unwrap()).collect();
    assert_eq!(answers, ["going", "going", "going"]);
    let seen = app.get(&format!("/api/v1/gatherings/{id}"), Some(&ann)).await;
    assert_eq!(seen.body["dates"][0]["places_left"], 4);
}

#[tokio::test]
async fn a_city_s_and_a_venue_s_calendar_feeds_read_back_with_local_times_right_across_daylight_saving() {
    use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
    let Some(app) = spawn_app().await else { return };
    let zoe = app.member("Zoë").await;
    // Wednesdays at 09:30 in Amsterdam, before and after the clocks go forward on 28 March 2027.
    let spring = home_day(5, json!({"date": "2027-03-17", "repeat": "FREQ=WEEKLY;COUNT=3"}));
    let made = app.post("/api/v1/gatherings", Some(&zoe), spring).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let secret = home_day(5, json!({"title": "Members' lunch", "members_only": true}));
    assert_eq!(app.post("/api/v1/gatherings", Some(&zoe), secret).await.status, StatusCode::CREATED);

    let reply = app.get("/api/v1/gatherings.ics?city=Utrecht", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.headers["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let text = reply.body.as_str().unwrap_or_default().to_owned();
    let calendar: icalendar::Calendar = text.parse().expect("a calendar a parser reads");
    assert!(calendar.property_value("REFRESH-INTERVAL").is_some(), "{text}");
    let mut starts = Vec::new();
    let mut uids = Vec::new();
    for component in &calendar.components {
        if let CalendarComponent::Event(event) = component {
            assert_eq!(event.get_summary(), Some("Coworken bij Zoë"), "members only stays out of a public feed");
            uids.push(event.get_uid().unwrap_or_default().to_owned());
            let Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) = event.get_start() else {
                panic!("a start in UTC: {text}")
            };
            starts.push(at.with_timezone(&chrono_tz::Europe::Amsterdam).format("%Y-%m-%d %H:%M").to_string());
        }
    }
    assert_eq!(starts, ["2027-03-17 09:30", "2027-03-24 09:30", "2027-03-31 09:30"]);
    let dates: Vec<String> = made.body["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}@thirdspace", d["id"].as_str().unwrap()))
        .collect();
    assert_eq!(uids, dates, "one stable UID a date");
    assert!(!text.contains("Kanaalstraat"), "no address in a public feed");
    let again = app.get("/api/v1/gatherings.ics?city=utrecht", None).await;
    let again: icalendar::Calendar = again.body.as_str().unwrap_or_default().parse().expect("a calendar");
    let uids_again: Vec<String> = again
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => e.get_uid().map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(uids_again, uids, "the same UIDs on every read");

    // The organiser cancels the middle date: the feed keeps its UID and marks it cancelled.
    let middle = made.body["dates"][1]["id"].as_str().unwrap().to_owned();
    let cancel = format!("/api/v1/gathering-dates/{middle}/cancel");
    let other = app.member("Ann").await;
    assert_eq!(app.call(Method::POST, &cancel, Some(&other), None).await.status, StatusCode::FORBIDDEN);
    let cancelled = app.call(Method::POST, &cancel, Some(&zoe), None).await;
    assert_eq!((cancelled.status, cancelled.body["cancelled"].clone()), (StatusCode::OK, json!(true)));
    let late = app.call(Method::POST, &format!("/api/v1/gathering-dates/{middle}/rsvp"), Some(&other), None).await;
    assert_eq!((late.status, late.code()), (StatusCode::CONFLICT, "gathering_cancelled"));
    let after = app.get("/api/v1/gatherings.ics?city=Utrecht", None).await;
    let after: icalendar::Calendar = after.body.as_str().unwrap_or_default().parse().expect("a calendar");
    let statuses: Vec<(String, Option<icalendar::EventStatus>)> = after
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some((e.get_uid().unwrap_or_default().to_owned(), e.get_status())),
            _ => None,
        })
        .collect();
    assert_eq!(statuses.len(), 3, "a cancelled date stays in the feed");
    assert_eq!(statuses[1], (uids[1].clone(), Some(icalendar::EventStatus::Cancelled)));
    assert_eq!(statuses[0].1, Some(icalendar::EventStatus::Confirmed));

    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let feed = app.get(&format!("/api/v1/venues/{venue}/gatherings.ics"), None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(!feed.body.as_str().unwrap_or_default().contains("BEGIN:VEVENT"), "nothing at this venue yet");
    let missing = app.get(&format!("/api/v1/venues/{}/gatherings.ics", uuid::Uuid::nil()), None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/gatherings.ics", None).await.status, StatusCode::BAD_REQUEST);
}

/// A gathering at `venue` on Tuesday 24 November 2026 from 10:00 to 12:00, with `capacity` places.
fn at_venue(venue: &str, kind: &str, capacity: u32) -> serde_json::Value {
    json!({"kind": kind, "title": "Tuesday coworking", "venue_id": venue, "date": "2026-11-24", "start": "10:00",
        "end": "12:00", "capacity": capacity})
}

#[tokio::test]
async fn a_gathering_at_a_venue_keeps_its_seats_so_no_seat_is_given_twice() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let v = venue.to_string();
    let made = app.post("/api/v1/gatherings", Some(&host), at_venue(&v, "venue_event", 3)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();

    // Five seats, three kept for the gathering: two bookings over its span, not three.
    let mut members = Vec::new();
    for name in ["Ann", "Bo", "Cy"] {
        members.push(app.member(name).await);
    }
    assert_eq!(app.book(&members[0], venue, "2026-11-24", "09:00", "11:00").await.status, StatusCode::CREATED);
    assert_eq!(app.book(&members[1], venue, "2026-11-24", "10:00", "12:00").await.status, StatusCode::CREATED);
    let third = app.book(&members[2], venue, "2026-11-24", "10:30", "11:30").await;
    assert_eq!((third.status, third.code()), (StatusCode::CONFLICT, "seats_gone"), "{}", third.body);
    assert_eq!(
        app.book(&members[2], venue, "2026-11-24", "12:00", "13:00").await.status,
        StatusCode::CREATED,
        "after it"
    );

    // A second gathering over the same span finds no three seats: refused, nothing written.
    let dates_before = app.count("gathering_dates").await;
    let second = app.post("/api/v1/gatherings", Some(&host), at_venue(&v, "venue_event", 3)).await;
    assert_eq!((second.status, second.code()), (StatusCode::CONFLICT, "gathering_no_seats"), "{}", second.body);
    assert_eq!(app.count("gathering_dates").await, dates_before);
    assert_eq!(app.count("gatherings").await, 1);
    let doc = app.get("/api/openapi.json", None).await;
    assert!(doc.body["paths"]["/api/v1/gatherings"]["post"]["responses"]["409"].is_object(), "the 409 is declared");
    // Nor can the first grow past the seats free.
    let id = made.body["id"].as_str().unwrap();
    let grow =
        app.call(Method::PATCH, &format!("/api/v1/gatherings/{id}"), Some(&host), Some(json!({"capacity": 4}))).await;
    assert_eq!((grow.status, grow.code()), (StatusCode::CONFLICT, "gathering_no_seats"));
    let seen = app.get(&format!("/api/v1/gatherings/{id}"), Some(&host)).await;
    assert_eq!(
        (seen.body["dates"][0]["capacity"].clone(), seen.body["dates"][0]["sequence"].clone()),
        (json!(3), json!(0))
    );

    // Cancelled, its seats go back.
    let cancel = app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/cancel"), Some(&host), None).await;
    assert_eq!(cancel.status, StatusCode::OK);
    assert_eq!(app.book(&members[2], venue, "2026-11-24", "10:00", "11:00").await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn members_organise_at_a_venue_only_where_it_welcomes_them_and_never_as_the_venue() {
    let Some(app) = spawn_app().await else { return };
    let (host, zoe) = (app.member("Host").await, app.member("Zoë").await);
    let (venue, _) = app.venue(&host, 10).await;
    let v = venue.to_string();
    let refused = app.post("/api/v1/gatherings", Some(&zoe), at_venue(&v, "coworking_day", 4)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let mut body = crate::helpers::venue_body("De Werkplaats", "Utrecht");
    body["welcomes_gatherings"] = json!(true);
    let opened = app.call(Method::PUT, &format!("/api/v1/venues/{venue}"), Some(&host), Some(body)).await;
    assert_eq!(
        (opened.status, opened.body["welcomes_gatherings"].clone()),
        (StatusCode::OK, json!(true)),
        "{}",
        opened.body
    );
    let made = app.post("/api/v1/gatherings", Some(&zoe), at_venue(&v, "coworking_day", 4)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["venue_id"], json!(v));
    let as_venue = app.post("/api/v1/gatherings", Some(&zoe), at_venue(&v, "venue_event", 4)).await;
    assert_eq!(as_venue.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_organiser_changes_places_and_moves_a_date_and_calendars_see_each_change() {
    use icalendar::{CalendarComponent, Component};
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo, cy) =
        (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await, app.member("Cy").await);
    let made = app.post("/api/v1/gatherings", Some(&zoe), home_day(2, json!({}))).await;
    let id = made.body["id"].as_str().unwrap().to_owned();
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();
    for who in [&ann, &bo, &cy] {
        app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(who), None).await;
    }
    let path = format!("/api/v1/gatherings/{id}");
    let patch = |who, body| app.call(Method::PATCH, &path, Some(who), Some(body));
    let zero = patch(&zoe, json!({"capacity": 0})).await;
    assert_eq!((zero.status, zero.field()), (StatusCode::UNPROCESSABLE_ENTITY, "capacity"));
    let below = patch(&zoe, json!({"capacity": 1, "title": "Smaller"})).await;
    assert_eq!((below.status, below.code()), (StatusCode::CONFLICT, "capacity_below_going"));
    let stranger = patch(&ann, json!({"capacity": 5})).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let seen = app.get(&format!("/api/v1/gatherings/{id}"), Some(&zoe)).await;
    assert_eq!(
        (seen.body["title"].clone(), seen.body["dates"][0]["sequence"].clone()),
        (json!("Coworken bij Zoë"), json!(0))
    );

    let grown = patch(&zoe, json!({"capacity": 3, "title": "Coworken bij Zoë en Ann"})).await;
    assert_eq!(grown.status, StatusCode::OK, "{}", grown.body);
    assert_eq!(
        (grown.body["title"].clone(), grown.body["dates"][0]["sequence"].clone()),
        (json!("Coworken bij Zoë en Ann"), json!(1))
    );
    let cys = app.get(&format!("/api/v1/gatherings/{id}"), Some(&cy)).await;
    assert_eq!(cys.body["my_answers"][0]["status"], "offered", "the new place goes to the line");
    app.smtp.first_with(&cy.email, "A place came free").await;

    let moves = format!("/api/v1/gathering-dates/{date}");
    let past = app
        .call(Method::PATCH, &moves, Some(&zoe), Some(json!({"date": "2026-11-20", "start": "10:00", "end": "12:00"})))
        .await;
    assert_eq!((past.status, past.field()), (StatusCode::UNPROCESSABLE_ENTITY, "date"));
    let theirs = app
        .call(Method::PATCH, &moves, Some(&ann), Some(json!({"date": "2026-11-26", "start": "10:00", "end": "12:00"})))
        .await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);
    let moved = app
        .call(Method::PATCH, &moves, Some(&zoe), Some(json!({"date": "2026-11-26", "start": "10:00", "end": "12:00"})))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(
        (moved.body["starts_at"].clone(), moved.body["sequence"].clone()),
        (json!("2026-11-26T09:00:00Z"), json!(2))
    );
    let told = app.smtp.first_with(&ann.email, "Moved: Coworken").await;
    assert!(told.data.contains("Thursday 26 November at 10:00"), "{}", told.data);

    let feed = app.get("/api/v1/gatherings.ics?city=Utrecht", None).await;
    let calendar: icalendar::Calendar = feed.body.as_str().unwrap_or_default().parse().expect("a calendar");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].property_value("SEQUENCE"), Some("2"), "raised on each change");
    assert_eq!(events[0].get_uid(), Some(format!("{date}@thirdspace").as_str()), "the same UID");
    assert_eq!(events[0].get_summary(), Some("Coworken bij Zoë en Ann"));
}

#[tokio::test]
async fn checking_in_during_a_knowledge_session_is_attendance_and_its_giver_s_exchanges_follow() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (ann, bo) = (app.member("Ann").await, app.member("Bo").await);
    let mut body = at_venue(&venue.to_string(), "knowledge_session", 5);
    body["title"] = json!("VAT for freelancers");
    let made = app.post("/api/v1/gatherings", Some(&host), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();
    for who in [&ann, &bo] {
        assert_eq!(
            app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(who), None).await.status,
            StatusCode::OK
        );
        assert_eq!(app.book(who, venue, "2026-11-24", "09:30", "13:00").await.status, StatusCode::CREATED);
    }
    let confirm = format!("/api/v1/gathering-dates/{date}/attendance/confirm");
    let early = app.call(Method::POST, &confirm, Some(&host), None).await;
    assert_eq!((early.status, early.code()), (StatusCode::CONFLICT, "gathering_not_begun"));

    // Tuesday 09:40: Ann checks in; Bo does not come.
    app.clock.set(MONDAY_9AM + 86_400 + 40 * 60);
    let arrived = app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": ann.id})).await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.body);
    app.clock.set(MONDAY_9AM + 86_400 + 2 * 3600);
    let seen = app.get(&format!("/api/v1/gathering-dates/{date}/attendance"), Some(&host)).await;
    assert_eq!(seen.status, StatusCode::OK);
    let ids: Vec<&str> = seen.body.as_array().unwrap().iter().filter_map(|a| a["user_id"].as_str()).collect();
    assert_eq!(ids, [ann.id.to_string()]);
    assert_eq!(
        app.get(&format!("/api/v1/gathering-dates/{date}/attendance"), Some(&ann)).await.status,
        StatusCode::FORBIDDEN
    );

    let done = app.call(Method::POST, &confirm, Some(&host), None).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!((done.body["attended"].clone(), done.body["exchanges"].clone()), (json!(1), json!(1)));
    let again = app.call(Method::POST, &confirm, Some(&host), None).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "attendance_confirmed"));
    let anns = app.get("/api/v1/me/exchanges", Some(&ann)).await;
    let items = anns.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", anns.body);
    assert_eq!(items[0]["text"], "Knowledge session: VAT for freelancers");
    assert_eq!(items[0]["status"], "pending", "it counts once Ann confirms it");
    let bos = app.get("/api/v1/me/exchanges", Some(&bo)).await;
    assert_eq!(bos.body["items"].as_array().map(Vec::len), Some(0), "Bo did not come");
}

#[tokio::test]
async fn a_member_s_own_calendar_is_read_at_a_secret_address_they_can_change() {
    use icalendar::{CalendarComponent, Component, EventLike};
    let Some(app) = spawn_app().await else { return };
    let (host, zoe, ann) = (app.member("Host").await, app.member("Zoë").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 5).await;
    let booked = app.book(&ann, venue, "2026-11-24", "09:00", "12:00").await;
    let booking = booked.body["id"].as_str().unwrap().to_owned();
    let made = app.post("/api/v1/gatherings", Some(&zoe), home_day(3, json!({}))).await;
    let date = made.body["dates"][0]["id"].as_str().unwrap().to_owned();
    app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(&ann), None).await;

    assert_eq!(app.call(Method::POST, "/api/v1/me/calendar", None, None).await.status, StatusCode::UNAUTHORIZED);
    let first = app.call(Method::POST, "/api/v1/me/calendar", Some(&ann), None).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let url = first.body["url"].as_str().unwrap().to_owned();
    let path = url.strip_prefix("http://thirdspace.test").expect("under the public address").to_owned();
    let events = |text: String| -> Vec<(String, Option<icalendar::EventStatus>, Option<String>)> {
        let calendar: icalendar::Calendar = text.parse().expect("a calendar a parser reads");
        calendar
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some((
                    e.get_uid().unwrap_or_default().to_owned(),
                    e.get_status(),
                    e.get_location().map(str::to_owned),
                )),
                _ => None,
            })
            .collect()
    };
    let read = app.get(&path, None).await;
    assert_eq!(read.status, StatusCode::OK);
    let found = events(read.body.as_str().unwrap_or_default().to_owned());
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().any(|e| e.0 == format!("{booking}@thirdspace")));
    let day = found.iter().find(|e| e.0 == format!("{date}@thirdspace")).expect("the gathering");
    assert_eq!(day.2.as_deref(), Some("Kanaalstraat 3"), "going: the address, in my own calendar");

    // Withdrawn: the date stays, cancelled, so the calendar drops it.
    app.call(Method::DELETE, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(&ann), None).await;
    let found = events(app.get(&path, None).await.body.as_str().unwrap_or_default().to_owned());
    let day = found.iter().find(|e| e.0 == format!("{date}@thirdspace")).expect("the gathering");
    assert_eq!(day.1, Some(icalendar::EventStatus::Cancelled));
    assert_eq!(day.2.as_deref(), Some("Utrecht"), "no longer going: no address");

    let second = app.call(Method::POST, "/api/v1/me/calendar", Some(&ann), None).await;
    let new_path = second.body["url"].as_str().unwrap().strip_prefix("http://thirdspace.test").unwrap().to_owned();
    assert_ne!(new_path, path);
    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND, "the old address stops working");
    assert_eq!(app.get(&new_path, None).await.status, StatusCode::OK);
    assert_eq!(app.call(Method::DELETE, "/api/v1/me/calendar", Some(&ann), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&new_path, None).await.status, StatusCode::NOT_FOUND);
}
