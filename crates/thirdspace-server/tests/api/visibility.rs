//! Who may see whom, wherever people are shown: a venue's page, a person's profile, questions,
//! rounds and tables, network suggestions. Public people are named to anyone, venue people to
//! people checked in at the same venue, hidden people to nobody (they are counted).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{spawn_app, Member, TestApp, MONDAY};
use crate::web::Web;

async fn profile(app: &TestApp, who: &Member, name: &str, visibility: &str, offers: &[&str], seeking: &[&str]) {
    let body = json!({"display_name": name, "offers": offers, "seeking": seeking, "visibility": visibility,
                      "open_to_meet": true});
    let reply = app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

/// Three members, one of each visibility, with profiles that fit each other.
async fn three_kinds(app: &TestApp) -> (Member, Member, Member) {
    let (public, venue, hidden) = (app.member("Pia").await, app.member("Vera").await, app.member("Hugo").await);
    profile(app, &public, "Public Pia", "public", &["bookkeeping"], &["ux design"]).await;
    profile(app, &venue, "Venue Vera", "venue", &["ux design"], &["bookkeeping"]).await;
    profile(app, &hidden, "Hidden Hugo", "hidden", &["ux design", "bookkeeping"], &["bookkeeping"]).await;
    (public, venue, hidden)
}

/// The names a reply shows, wherever they are in it.
fn names(body: &Value) -> Vec<&str> {
    let text = ["Public Pia", "Venue Vera", "Hidden Hugo"];
    let shown = body.to_string();
    text.into_iter().filter(|name| shown.contains(name)).collect()
}

#[tokio::test]
async fn a_venues_page_names_those_expected_today_as_each_allows_and_counts_the_rest() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (public, venue_only, hidden) = three_kinds(&app).await;
    for m in [&public, &venue_only, &hidden] {
        let booked = app.book(m, venue, MONDAY, "10:00", "12:00").await;
        assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    }
    let expected = |html: &str| {
        let section = html.split("Who is expected today").nth(1).unwrap_or_default();
        section.split("</section>").next().unwrap_or_default().to_owned()
    };

    let anonymous = app.client.get(app.url(&format!("/venues/{venue}"))).send().await.unwrap().text().await.unwrap();
    let seen = expected(&anonymous);
    assert!(seen.contains("Public Pia"), "{seen}");
    assert!(!seen.contains("Venue Vera") && !seen.contains("Hidden Hugo"), "{seen}");
    assert!(seen.contains("And 2 more"), "the others are counted: {seen}");

    let here = app.member("Neighbour").await;
    let web = Web::new(&app);
    web.log_in(&here).await;
    let away = expected(&web.get(&format!("/venues/{venue}")).await.html);
    assert!(away.contains("Public Pia") && !away.contains("Venue Vera"), "not checked in here: {away}");
    assert_eq!(app.arrive(&host, &here, venue).await.status, StatusCode::OK);
    let checked_in = expected(&web.get(&format!("/venues/{venue}")).await.html);
    assert!(checked_in.contains("Public Pia") && checked_in.contains("Venue Vera"), "{checked_in}");
    assert!(!checked_in.contains("Hidden Hugo"), "hidden people are never named: {checked_in}");
    assert!(checked_in.contains("And 1 more"), "{checked_in}");

    let himself = Web::new(&app);
    himself.log_in(&hidden).await;
    let own = expected(&himself.get(&format!("/venues/{venue}")).await.html);
    assert!(own.contains("Hidden Hugo"), "a hidden person sees themselves: {own}");
}

#[tokio::test]
async fn a_venue_only_profile_opens_to_people_checked_in_at_the_same_venue_and_nobody_else() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (elsewhere, _) = app.venue(&host, 10).await;
    let (_, vera, hugo) = three_kinds(&app).await;
    let (neighbour, across_town) = (app.member("Neighbour").await, app.member("Across").await);
    let path = format!("/api/v1/people/{}", vera.id);

    assert_eq!(app.get(&path, None).await.status, StatusCode::NOT_FOUND, "not to anonymous visitors");
    assert_eq!(app.get(&path, Some(&neighbour)).await.status, StatusCode::NOT_FOUND, "not while she is not in");
    assert_eq!(app.get(&path, Some(&vera)).await.body["display_name"], "Venue Vera", "always to herself");

    app.arrive(&host, &vera, venue).await;
    assert_eq!(app.get(&path, Some(&neighbour)).await.status, StatusCode::NOT_FOUND, "nor to someone not in");
    app.arrive(&host, &neighbour, venue).await;
    let book = app.book(&across_town, elsewhere, MONDAY, "09:00", "17:00").await;
    assert_eq!(book.status, StatusCode::CREATED, "{}", book.body);
    app.post(&format!("/api/v1/venues/{elsewhere}/check-ins"), Some(&host), json!({"user_id": across_town.id})).await;
    let seen = app.get(&path, Some(&neighbour)).await;
    assert_eq!((seen.status, seen.body["display_name"].as_str()), (StatusCode::OK, Some("Venue Vera")));
    let refused = app.get(&path, Some(&across_town)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "checked in at another venue: {}", refused.body);
    assert_eq!(refused.code(), "not_found");

    app.arrive(&host, &hugo, venue).await;
    let hidden = app.get(&format!("/api/v1/people/{}", hugo.id), Some(&neighbour)).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "a hidden person is found by nobody, here or not");
}

#[tokio::test]
async fn a_public_asker_is_named_to_anyone_and_a_hidden_one_to_nobody() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (pia, _, hugo) = three_kinds(&app).await;
    let neighbour = app.member("Neighbour").await;
    for m in [&pia, &hugo, &neighbour] {
        app.arrive(&host, m, venue).await;
    }
    for (who, text) in [(&pia, "Who knows VAT for e-books?"), (&hugo, "Can someone look at my invoice?")] {
        let asked = app.post(&format!("/api/v1/venues/{venue}/questions"), Some(who), json!({"text": text})).await;
        assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.body);
    }
    let path = format!("/api/v1/venues/{venue}/questions");
    for viewer in [None, Some(&neighbour), Some(&host)] {
        let listed = app.get(&path, viewer).await;
        assert_eq!(listed.body["total"], 2, "{}", listed.body);
        let items = listed.body["items"].as_array().unwrap();
        let asker = |text: &str| items.iter().find(|q| q["text"] == text).expect("the question").clone();
        let public = asker("Who knows VAT for e-books?");
        assert_eq!(
            (public["asker_name"].as_str(), public["asker_id"].as_str()),
            (Some("Public Pia"), Some(&*pia.id.to_string()))
        );
        let hidden = asker("Can someone look at my invoice?");
        assert_eq!((&hidden["asker_name"], &hidden["asker_id"]), (&Value::Null, &Value::Null), "{hidden}");
        assert!(!listed.body.to_string().contains(&hugo.id.to_string()), "no ID to find him by");
    }
    let own = app.get(&path, Some(&hugo)).await;
    assert!(names(&own.body).contains(&"Hidden Hugo"), "the asker sees their own name: {}", own.body);
}

/// Tables of three for everyone at `venue`, as `staff` lists them.
async fn tables(app: &TestApp, staff: &Member, venue: Uuid) -> Value {
    let seated = app.post(&format!("/api/v1/venues/{venue}/tables"), Some(staff), json!({"size": 3})).await;
    assert_eq!(seated.status, StatusCode::OK, "{}", seated.body);
    seated.body
}

#[tokio::test]
async fn rounds_and_tables_never_name_hidden_people_and_name_venue_people_only_to_staff_who_are_here() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (pia, vera, hugo) = three_kinds(&app).await;
    let extra = app.member("Bo").await;
    profile(&app, &extra, "Bo", "public", &["bookkeeping", "ux design"], &["ux design", "bookkeeping"]).await;
    for m in [&pia, &vera, &hugo, &extra] {
        assert_eq!(app.arrive(&host, m, venue).await.status, StatusCode::OK);
    }
    let round = app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&host), json!({"cap": 3})).await;
    assert_eq!(round.status, StatusCode::OK, "{}", round.body);
    assert!(!round.body.as_array().unwrap().is_empty(), "{}", round.body);
    assert!(!names(&round.body).contains(&"Hidden Hugo") && !round.body.to_string().contains(&hugo.id.to_string()));
    assert!(!names(&round.body).contains(&"Venue Vera"), "staff not here: {}", round.body);
    let seated = tables(&app, &host, venue).await;
    assert!(names(&seated).contains(&"Public Pia"), "{seated}");
    assert!(!names(&seated).contains(&"Hidden Hugo") && !seated.to_string().contains(&hugo.id.to_string()));
    assert!(!names(&seated).contains(&"Venue Vera"), "staff not here: {seated}");

    assert_eq!(app.arrive(&host, &host, venue).await.status, StatusCode::OK);
    let round = app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&host), json!({"cap": 3})).await;
    assert!(!names(&round.body).contains(&"Hidden Hugo"), "{}", round.body);
    let seated = tables(&app, &host, venue).await;
    assert!(names(&seated).contains(&"Venue Vera"), "staff here see venue people: {seated}");
    assert!(!names(&seated).contains(&"Hidden Hugo") && !seated.to_string().contains(&hugo.id.to_string()));
}

#[tokio::test]
async fn network_suggestions_name_only_people_who_show_themselves_publicly() {
    let Some(app) = spawn_app().await else { return };
    let (pia, _vera, _hugo) = three_kinds(&app).await;
    let also_public = app.member("Bo").await;
    profile(&app, &also_public, "Public Bo", "public", &["ux design"], &["bookkeeping"]).await;
    // The network's index learns of a profile from its event, a moment after it is saved.
    let with: Vec<Uuid> = crate::helpers::eventually("Bo, public, is suggested across the network", || async {
        let suggested = app.get("/api/v1/me/suggestions?scope=network&limit=20", Some(&pia)).await;
        assert_eq!(suggested.status, StatusCode::OK, "{}", suggested.body);
        let with: Vec<Uuid> = suggested
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["with"]["user_id"].as_str().unwrap().parse().unwrap())
            .collect();
        (!with.is_empty()).then_some(with)
    })
    .await;
    assert_eq!(with, [also_public.id], "only the other public person, though Vera and Hugo fit better");
}

#[tokio::test]
async fn a_revoked_display_token_opens_neither_the_screen_page_nor_the_qr_code() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (token, id) = app.screen_token_and_id(&host, venue, "display").await;
    let screen = app.url(&format!("/venues/{venue}/screen?token={token}"));
    let qr = app.url(&format!("/api/v1/venues/{venue}/check-in-qr.svg?token={token}"));
    assert_eq!(app.client.get(&screen).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.client.get(&qr).send().await.unwrap().status(), StatusCode::OK);

    let revoked =
        app.call(Method::DELETE, &format!("/api/v1/venues/{venue}/screen-tokens/{id}"), Some(&host), None).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let page = app.client.get(&screen).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let html = page.text().await.unwrap();
    assert!(html.contains("no longer works") && html.contains("Ask the host for a new link"), "{html}");
    let image = app.get(&format!("/api/v1/venues/{venue}/check-in-qr.svg?token={token}"), None).await;
    assert_eq!(image.status, StatusCode::FORBIDDEN, "{}", image.body);
    assert!(!image.code().is_empty(), "an error in the one shape: {}", image.body);
    assert!(!image.body.to_string().contains("<svg"), "no QR code of today's check-in link");
}
