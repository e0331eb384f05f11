//! Gatherings through the pages, without a browser: organised with every problem named next to
//! its field, answered through the forms, the line for the organiser only, members-only
//! gatherings hidden from visitors, and the address for the people going only.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Member, TestApp};
use crate::web::{Page, Web};

/// A coworking day at a home in Utrecht on Wednesday 25 November 2026 (the test clock stands on
/// Monday the 23rd), organised by `who` through the API with `capacity` places; `extra` changes
/// fields. Gives the gathering's id and its first date's.
async fn organised(app: &TestApp, who: &Member, capacity: u32, extra: Value) -> (String, String) {
    let mut body = json!({
        "kind": "coworking_day", "title": "Coworken bij Zoë", "address": "Kanaalstraat 3", "city": "Utrecht",
        "time_zone": "Europe/Amsterdam", "date": "2026-11-25", "start": "09:30", "end": "16:00", "capacity": capacity
    });
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    let made = app.post("/api/v1/gatherings", Some(who), body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().unwrap().to_owned();
    (id, made.body["dates"][0]["id"].as_str().unwrap().to_owned())
}

/// `who` shows their profile, by `name`, to every member.
pub async fn public(app: &TestApp, who: &Member, name: &str) {
    let body = json!({"display_name": name, "visibility": "public"});
    let put = app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
}

/// The lines of the summary above a form.
fn summary(page: &Page) -> Vec<String> {
    let Some(start) = page.html.find("<p>Please correct:</p><ul>") else { return Vec::new() };
    let list = &page.html[start..];
    let list = &list[..list.find("</ul>").unwrap()];
    list.split("<li>").skip(1).map(|item| item.trim_end_matches("</li>").to_owned()).collect()
}

/// `web` (logged in) presses a button of the gathering's page that posts to `action`.
async fn press(web: &Web, gathering: &str, action: &str) -> Page {
    web.submit(&format!("/gatherings/{gathering}"), action, &[]).await
}

#[tokio::test]
async fn organising_with_bad_input_shows_every_error_next_to_its_field_keeps_what_was_typed_and_writes_nothing() {
    let Some(app) = spawn_app().await else { return };
    let zoe = app.member("Zoë").await;
    let web = Web::new(&app);
    assert_eq!(web.get("/gatherings/new").await.location, "/login?next=%2Fgatherings%2Fnew", "log in first");
    web.log_in(&zoe).await;
    let fields = [
        ("kind", "coworking_day"),
        ("title", ""),
        ("description", "Bring a laptop"),
        ("tags", "writing, python"),
        ("address", ""),
        ("city", " "),
        ("time_zone", "Mars/Base"),
        ("date", "2026-11-20"),
        ("start", "9"),
        ("end", "17:00"),
        ("capacity", "0"),
        ("repeat", "weekly"),
        ("count", "a few"),
    ];
    let refused = web.submit("/gatherings/new", "/gatherings/new", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["title", "address", "city", "time_zone", "date", "start", "capacity", "count"] {
        assert!(refused.html.contains(&format!("id=\"{id}-error\"")), "{id} is marked: {}", refused.html);
    }
    assert!(!refused.html.contains("id=\"end-error\""), "a start that does not read leaves the end unjudged");
    assert_eq!(
        summary(&refused),
        [
            "Title must not be empty.",
            "Address must not be empty.",
            "City must not be empty.",
            "Time zone must be an IANA time zone like Europe/Amsterdam.",
            "Date is in the past.",
            "From must be a time of day like 09:30.",
            "Places must be from 1 to 10000 places.",
            "How many dates must be a number of dates, 1 or more.",
        ],
        "every problem at once, in the form's order, under its labels"
    );
    for kept in ["Bring a laptop", "value=\"writing, python\"", "value=\"Mars/Base\"", "value=\"a few\""] {
        assert!(refused.html.contains(kept), "what was typed is kept: {kept}");
    }
    assert!(refused.html.contains("<option value=\"weekly\" selected>"), "the choice is kept");
    assert_eq!(app.count("gatherings").await, 0, "nothing written");

    // A rule of one's own that the rules refuse is named next to the field it was typed in.
    let own = [
        ("kind", "coworking_day"),
        ("title", "Writing mornings"),
        ("address", "Kanaalstraat 3"),
        ("city", "Utrecht"),
        ("time_zone", "Europe/Amsterdam"),
        ("date", "2026-11-25"),
        ("start", "09:30"),
        ("end", "12:30"),
        ("capacity", "6"),
        ("repeat", "rule"),
        ("rule", "FREQ=WEEKLY"),
    ];
    let refused = web.submit("/gatherings/new", "/gatherings/new", &own).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.html);
    assert_eq!(summary(&refused), ["Your own rule must end: add COUNT or UNTIL."]);
    assert!(refused.html.contains("id=\"rule-error\""));
    assert_eq!(app.count("gatherings").await, 0);

    let good = web
        .submit(
            "/gatherings/new",
            "/gatherings/new",
            &[
                ("kind", "coworking_day"),
                ("title", "Writing mornings"),
                ("address", "Kanaalstraat 3"),
                ("city", "Utrecht"),
                ("time_zone", "Europe/Amsterdam"),
                ("date", "2026-11-25"),
                ("start", "09:30"),
                ("end", "12:30"),
                ("capacity", "6"),
                ("repeat", "weekly"),
                ("count", "4"),
                ("except", "2026-12-09"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.html);
    let page = web.get(&good.location).await;
    assert!(page.html.contains("Your gathering is open"), "{}", page.html);
    assert!(page.html.contains("Wednesday 25 November 2026, 09:30–12:30 CET"), "local times: {}", page.html);
    assert!(page.html.contains("Wednesday 2 December 2026") && !page.html.contains("9 December"), "{}", page.html);
    assert!(page.html.contains("Kanaalstraat 3"), "the organiser sees where");
    assert_eq!(app.count("gathering_dates").await, 3, "four weeks, one left out");
}

#[tokio::test]
async fn members_answer_through_the_forms_full_means_in_line_and_a_freed_place_is_taken() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo) = (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await);
    let (id, date) = organised(&app, &zoe, 1, json!({})).await;
    let (ann_web, bo_web) = (Web::new(&app), Web::new(&app));
    ann_web.log_in(&ann).await;
    bo_web.log_in(&bo).await;

    let forged = ann_web.post(&format!("/gathering-dates/{date}/rsvp"), &[("csrf", "not-the-token")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "a form from elsewhere is refused");
    assert_eq!(app.count("gathering_rsvps").await, 0);

    let going = press(&ann_web, &id, &format!("/gathering-dates/{date}/rsvp")).await;
    assert_eq!(
        (going.status, going.location.as_str()),
        (StatusCode::SEE_OTHER, &*format!("/gatherings/{id}?done=going"))
    );
    let page = ann_web.get(&going.location).await;
    assert!(page.html.contains("You&#39;re going.") || page.html.contains("You're going."), "{}", page.html);
    assert!(page.html.contains("Kanaalstraat 3"), "going: the address");
    assert!(page.html.contains(">Withdraw<"), "{}", page.html);

    let waiting = press(&bo_web, &id, &format!("/gathering-dates/{date}/rsvp")).await;
    assert_eq!(waiting.location, format!("/gatherings/{id}?done=waiting"));
    let page = bo_web.get(&waiting.location).await;
    assert!(page.html.contains("This date is full, so you"), "full: in line, in words: {}", page.html);
    assert!(page.html.contains("Leave the line") && page.html.contains("Full, 1 in line"), "{}", page.html);
    assert!(!page.html.contains("Kanaalstraat"), "in line: no address");

    let left = press(&ann_web, &id, &format!("/gathering-dates/{date}/withdraw")).await;
    assert_eq!(left.location, format!("/gatherings/{id}?done=left"));
    let offer = app.smtp.first_with(&bo.email, "A place came free").await;
    assert!(offer.data.contains(&format!("/gatherings/{id}")), "{}", offer.data);
    let page = bo_web.get(&format!("/gatherings/{id}")).await;
    assert!(
        page.html.contains("A place came free for you: take it before Tuesday 24 November at 09:00 CET"),
        "{}",
        page.html
    );
    let took = press(&bo_web, &id, &format!("/gathering-dates/{date}/take")).await;
    assert_eq!(took.location, format!("/gatherings/{id}?done=took"));
    assert!(bo_web.get(&took.location).await.html.contains("Kanaalstraat 3"), "going now: the address");
    let again = press(&bo_web, &id, &format!("/gathering-dates/{date}/take")).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.html.contains("There is no place waiting for you on this date any more"), "{}", again.html);

    // Once the date has started, an answer is refused in words.
    app.clock.set(chrono::DateTime::parse_from_rfc3339("2026-11-25T08:45:00Z").unwrap().timestamp());
    let late = press(&ann_web, &id, &format!("/gathering-dates/{date}/rsvp")).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(late.html.contains("This date has started or passed"), "{}", late.html);
}

#[tokio::test]
async fn a_member_comes_to_every_date_of_a_series_in_one_press() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann) = (app.member("Zoë").await, app.member("Ann").await);
    let (id, _) = organised(&app, &zoe, 3, json!({"repeat": "FREQ=WEEKLY;COUNT=3"})).await;
    let web = Web::new(&app);
    web.log_in(&ann).await;
    let done = press(&web, &id, &format!("/gatherings/{id}/rsvp")).await;
    assert_eq!(done.location, format!("/gatherings/{id}?done=series"));
    let page = web.get(&done.location).await;
    assert_eq!(page.html.matches("You&#39;re going.").count() + page.html.matches("You're going.").count(), 3);
    let answers = app.get(&format!("/api/v1/gatherings/{id}"), Some(&ann)).await;
    assert_eq!(answers.body["my_answers"].as_array().map(Vec::len), Some(3));
}

#[tokio::test]
async fn the_line_is_the_organiser_s_who_moves_someone_up_only_with_a_reason() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo, cas) =
        (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await, app.member("Cas").await);
    public(&app, &ann, "Ann").await;
    public(&app, &cas, "Cas").await;
    let (id, date) = organised(&app, &zoe, 1, json!({})).await;
    for who in [&ann, &bo, &cas] {
        app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(who), None).await;
    }
    let line = format!("/gathering-dates/{date}/line");
    let visitor = Web::new(&app);
    assert!(visitor.get(&line).await.location.starts_with("/login?next="), "log in first");
    let other = Web::new(&app);
    other.log_in(&ann).await;
    let refused = other.get(&line).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.html.contains("Only the organiser sees the line") && !refused.html.contains("Cas"),
        "{}",
        refused.html
    );
    let forged = other.post(&format!("{line}/{}/move-up", cas.id), &[("reason", "me"), ("csrf", "x")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let not_yours = other
        .submit(&format!("/gatherings/{id}"), &format!("{line}/{}/move-up", cas.id), &[("reason", "Friend")])
        .await;
    assert_eq!(not_yours.status, StatusCode::FORBIDDEN, "{}", not_yours.html);

    let web = Web::new(&app);
    web.log_in(&zoe).await;
    let page = web.get(&line).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let at = |html: &str, name: &str| {
        html.find(&format!("<strong>{name}</strong>")).unwrap_or_else(|| panic!("{name}: {html}"))
    };
    let hidden = "Someone who keeps to themselves";
    assert!(at(&page.html, "Ann") < at(&page.html, &format!("{hidden} (2)")), "in the line's order");
    assert!(at(&page.html, &format!("{hidden} (2)")) < at(&page.html, "Cas"), "in the line's order");
    assert!(!page.html.contains("Bo<"), "Bo keeps to himself: {}", page.html);
    assert!(page.html.contains("Going") && page.html.contains("In line"));

    let empty = web.submit(&line, &format!("{line}/{}/move-up", cas.id), &[("reason", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", empty.html);
    assert!(empty.html.contains(&format!("id=\"reason-{}-error\"", cas.id)), "next to Cas's field: {}", empty.html);
    assert!(!empty.html.contains(&format!("id=\"reason-{}-error\"", bo.id)), "and not next to Bo's");
    assert!(empty.html.contains("This must not be empty."), "{}", empty.html);
    let moved = web.submit(&line, &format!("{line}/{}/move-up", cas.id), &[("reason", "Gives the opening talk")]).await;
    assert_eq!((moved.status, moved.location.as_str()), (StatusCode::SEE_OTHER, &*format!("{line}?done=moved")));
    let page = web.get(&moved.location).await;
    assert!(page.html.contains("Moved up: Gives the opening talk"), "{}", page.html);
    assert!(at(&page.html, "Cas") < at(&page.html, &format!("{hidden} (3)")), "Cas before Bo now: {}", page.html);

    // Cancelling asks first, then tells everyone.
    let confirm = web.get(&format!("/gathering-dates/{date}/cancel")).await;
    assert!(confirm.html.contains("The 3 people going or in line are told by e-mail"), "{}", confirm.html);
    assert_eq!(other.get(&format!("/gathering-dates/{date}/cancel")).await.status, StatusCode::FORBIDDEN);
    let cancelled =
        web.submit(&format!("/gathering-dates/{date}/cancel"), &format!("/gathering-dates/{date}/cancel"), &[]).await;
    assert_eq!(cancelled.location, format!("{line}?done=cancelled"));
    app.smtp.first_with(&ann.email, "cancelled by its organiser").await;
    let page = other.get(&format!("/gatherings/{id}")).await;
    assert!(page.html.contains("Cancelled") && !page.html.contains("Withdraw<"), "{}", page.html);
}

#[tokio::test]
async fn the_organiser_says_yes_or_no_to_each_person_from_the_line() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo) = (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await);
    let (id, date) = organised(&app, &zoe, 5, json!({"requires_approval": true})).await;
    let (ann_web, web) = (Web::new(&app), Web::new(&app));
    ann_web.log_in(&ann).await;
    web.log_in(&zoe).await;
    let asked = press(&ann_web, &id, &format!("/gathering-dates/{date}/rsvp")).await;
    assert_eq!(asked.location, format!("/gatherings/{id}?done=pending"));
    app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(&bo), None).await;
    let line = format!("/gathering-dates/{date}/line");
    let yes = web.submit(&line, &format!("{line}/{}/decide", ann.id), &[("approve", "yes")]).await;
    assert_eq!(yes.location, format!("{line}?done=approved"));
    let no = web.submit(&line, &format!("{line}/{}/decide", bo.id), &[("approve", "no")]).await;
    assert_eq!(no.location, format!("{line}?done=declined"));
    let page = web.get(&line).await;
    assert!(page.html.contains("Going") && page.html.contains("You said no"), "{}", page.html);
    let twice = web.submit(&line, &format!("{line}/{}/decide", bo.id), &[("approve", "yes")]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.html.contains("no longer waiting for your yes"), "{}", twice.html);
    assert!(ann_web.get(&format!("/gatherings/{id}")).await.html.contains("Kanaalstraat 3"), "approved: going");
}

#[tokio::test]
async fn members_only_gatherings_are_hidden_from_visitors() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann) = (app.member("Zoë").await, app.member("Ann").await);
    organised(&app, &zoe, 5, json!({})).await;
    let (lunch, _) = organised(&app, &zoe, 5, json!({"title": "Members' lunch", "members_only": true})).await;
    let visitor = Web::new(&app);
    let listing = visitor.get("/gatherings?city=utrecht&days=7").await;
    assert_eq!(listing.status, StatusCode::OK);
    assert!(listing.html.contains("Coworken bij Zoë") && !listing.html.contains("lunch"), "{}", listing.html);
    assert!(listing.html.contains("/api/v1/gatherings.ics?city=utrecht"), "the city's calendar feed is linked");
    let hidden = visitor.get(&format!("/gatherings/{lunch}")).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(!hidden.html.contains("lunch"), "{}", hidden.html);

    let member = Web::new(&app);
    member.log_in(&ann).await;
    let listing = member.get("/gatherings?city=Utrecht").await;
    assert!(listing.html.contains("Members&#39; lunch") && listing.html.contains("Members only"), "{}", listing.html);
    assert_eq!(member.get(&format!("/gatherings/{lunch}")).await.status, StatusCode::OK);
    let bad = member.get("/gatherings?city=%20&days=many").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("id=\"city-error\"") && bad.html.contains("id=\"days-error\""), "{}", bad.html);
}

#[tokio::test]
async fn the_address_is_shown_only_to_the_organiser_and_the_people_going() {
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo, cas) =
        (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await, app.member("Cas").await);
    let (id, date) = organised(&app, &zoe, 1, json!({})).await;
    for who in [&ann, &bo] {
        app.call(Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(who), None).await;
    }
    let page = format!("/gatherings/{id}");
    let seen = |who: Option<Member>| {
        let app = &app;
        let page = page.clone();
        async move {
            let web = Web::new(app);
            if let Some(who) = &who {
                web.log_in(who).await;
            }
            let html = web.get(&page).await.html;
            let listed = web.get("/gatherings?city=Utrecht").await.html;
            assert!(!listed.contains("Kanaalstraat"), "never in a listing");
            html.contains("Kanaalstraat")
        }
    };
    assert!(!seen(None).await, "a visitor");
    assert!(!seen(Some(cas)).await, "a member who did not answer");
    assert!(!seen(Some(bo)).await, "someone in line");
    assert!(seen(Some(ann)).await, "someone going");
    assert!(seen(Some(zoe)).await, "the organiser");
}

#[tokio::test]
async fn a_venue_s_page_lists_its_gatherings_and_the_listing_starts_from_a_city_with_venues() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    let (venue, _) = app.venue(&host, 4).await;
    let body = json!({"kind": "knowledge_session", "title": "VAT in an hour", "venue_id": venue, "date": "2026-11-26",
        "start": "12:00", "end": "13:00", "capacity": 2});
    assert_eq!(app.post("/api/v1/gatherings", Some(&host), body).await.status, StatusCode::CREATED);
    let web = Web::new(&app);
    let page = web.get(&format!("/venues/{venue}")).await;
    assert!(page.html.contains("Gatherings here") && page.html.contains("VAT in an hour"), "{}", page.html);
    assert!(page.html.contains("Thursday 26 November 2026, 12:00–13:00 CET") && page.html.contains("2 places left"));
    assert!(page.html.contains(&format!("/api/v1/venues/{venue}/gatherings.ics")), "the venue's feed is linked");
    let listing = web.get("/gatherings").await;
    assert!(listing.html.contains("value=\"Utrecht\"") && listing.html.contains("VAT in an hour"), "{}", listing.html);
    assert!(listing.html.contains("href=\"/gatherings\">Gatherings</a>"), "in the navigation");

    // The host organises at the venue they run, chosen in the form.
    web.log_in(&host).await;
    let form = web.get("/gatherings/new").await;
    assert!(
        form.html.contains(&format!("<option value=\"{venue}\">At De Werkplaats, Utrecht</option>")),
        "{}",
        form.html
    );
    let fields = [
        ("kind", "venue_event"),
        ("title", "Open day"),
        ("venue_id", &venue.to_string()),
        ("time_zone", "Europe/Amsterdam"),
        ("date", "2026-11-27"),
        ("start", "10:00"),
        ("end", "15:00"),
        ("capacity", "3"),
        ("members_only", "on"),
    ];
    let made = web.submit("/gatherings/new", "/gatherings/new", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
    let made = web.get(&made.location).await;
    assert!(made.html.contains("Open day") && made.html.contains("Members only"), "{}", made.html);
    assert!(made.html.contains(&format!("href=\"/venues/{venue}\">De Werkplaats</a>")), "at the venue: {}", made.html);
}
