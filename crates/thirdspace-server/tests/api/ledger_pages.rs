//! "My social capital" through the pages: confirm what someone recorded, record an exchange with
//! someone met through an introduction (every error next to its field), and see the record.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{spawn_app, Member, TestApp};
use crate::web::Web;

/// Anna and Ben, public, introduced at a venue, both accepted and met; the introduction's id.
pub async fn met_pair(app: &TestApp) -> (Member, Member, String) {
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (anna, ben) = (app.member("Anna").await, app.member("Ben").await);
    for (who, body) in [
        (&anna, json!({"display_name": "Anna", "offers": ["bookkeeping"], "seeking": ["ux"], "visibility": "public"})),
        (&ben, json!({"display_name": "Ben", "offers": ["ux"], "seeking": ["vat"], "visibility": "public"})),
    ] {
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
        app.arrive(&host, who, venue).await;
    }
    let suggested = app.get("/api/v1/me/suggestions", Some(&anna)).await;
    let id = suggested.body[0]["id"].as_str().expect("a suggestion").to_owned();
    for who in [&anna, &ben] {
        app.call(Method::POST, &format!("/api/v1/intros/{id}/accept"), Some(who), None).await;
    }
    let met = app.call(Method::POST, &format!("/api/v1/intros/{id}/met"), Some(&anna), None).await;
    assert_eq!(met.body["met"], true, "{}", met.body);
    (anna, ben, id)
}

/// A host's venue where Anna and Bob, public, are checked in now.
pub async fn venue_with_two_here(app: &TestApp) -> (Member, uuid::Uuid, Member, Member) {
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let (anna, bob) = (app.member("Anna").await, app.member("Bob").await);
    for who in [&anna, &bob] {
        let body = json!({"display_name": "Member", "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
        app.arrive(&host, who, venue).await;
    }
    (host, venue, anna, bob)
}

#[tokio::test]
async fn a_member_confirms_an_exchange_records_one_with_someone_they_met_and_sees_the_record() {
    let Some(app) = spawn_app().await else { return };
    let (anna, ben, _) = met_pair(&app).await;
    let web = Web::new(&app);
    assert!(web.get("/me/social-capital").await.location.starts_with("/login"), "members only");
    web.log_in(&anna).await;

    let empty = web.get("/me/social-capital").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.html.contains("Nothing to confirm.") && empty.html.contains("Nothing confirmed yet."),
        "{}",
        empty.html
    );

    let by_ben = json!({"with": anna.id, "role": "gave", "tags": ["UX"], "text": "Reviewed Anna's sign-up form"});
    let proposed = app.post("/api/v1/me/exchanges", Some(&ben), by_ben).await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.body);
    let page = web.get("/me/social-capital").await;
    assert!(page.html.contains("Ben helped you: Reviewed Anna&#39;s sign-up form"), "{}", page.html);
    let id = proposed.body["id"].as_str().unwrap();
    let answered = web.submit("/me/social-capital", &format!("/me/exchanges/{id}/confirm"), &[]).await;
    assert_eq!(
        (answered.status, answered.location.as_str()),
        (StatusCode::SEE_OTHER, "/me/social-capital?done=confirmed")
    );
    let confirmed = web.get(&answered.location).await;
    assert!(confirmed.html.contains("It counts for both of you now."), "{}", confirmed.html);
    assert!(confirmed.html.contains("<dt>Received</dt><dd>1</dd>"), "{}", confirmed.html);
    assert!(confirmed.html.contains("<caption>Confirmed exchanges by month</caption>"));
    assert!(confirmed.html.contains("role=\"img\""), "the chart is an image with its own title");
    assert!(confirmed.html.contains("<th scope=\"row\">ux</th><td>0</td><td>1</td>"), "topics: {}", confirmed.html);

    let nothing = web.submit("/me/social-capital", "/me/social-capital", &[("text", " "), ("tags", "")]).await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nothing.html.contains("id=\"with-error\"") && nothing.html.contains("id=\"role-error\""),
        "{}",
        nothing.html
    );
    let no_text = web
        .submit(
            "/me/social-capital",
            "/me/social-capital",
            &[("with", &ben.id.to_string()), ("role", "gave"), ("text", " ")],
        )
        .await;
    assert_eq!(no_text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_text.html.contains("id=\"text-error\""), "next to its field: {}", no_text.html);
    assert!(no_text.html.contains("value=\"gave\" checked"), "what was chosen is kept");
    assert_eq!(app.count("exchanges").await, 1, "nothing written for a refusal");

    let recorded = web
        .submit(
            "/me/social-capital",
            "/me/social-capital",
            &[
                ("with", &ben.id.to_string()),
                ("role", "gave"),
                ("text", "Showed Ben double-entry"),
                ("tags", "bookkeeping, vat"),
            ],
        )
        .await;
    assert_eq!(
        (recorded.status, recorded.location.as_str()),
        (StatusCode::SEE_OTHER, "/me/social-capital?done=recorded")
    );
    let recorded = web.get(&recorded.location).await;
    assert!(recorded.html.contains("Recorded. It counts once they confirm it."), "{}", recorded.html);
    assert!(recorded.html.contains("You helped Ben: Showed Ben double-entry"), "{}", recorded.html);
    assert!(recorded.html.contains("Waiting for Ben to confirm"), "{}", recorded.html);
    let bens = app.get("/api/v1/me/exchanges", Some(&ben)).await;
    assert_eq!(bens.body["items"][0]["awaiting_me"], true);
}

#[tokio::test]
async fn a_host_sees_what_the_venue_s_seats_produced_and_others_do_not() {
    let Some(app) = spawn_app().await else { return };
    let (host, venue, anna, bob) = venue_with_two_here(&app).await;
    let shared = json!({"with": anna.id, "role": "gave", "tags": ["grant writing"], "text": "Read a grant draft", "venue_id": venue});
    let id = app.post("/api/v1/me/exchanges", Some(&bob), shared).await.body["id"].as_str().unwrap().to_owned();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    let outcome = json!({"category": "collaboration", "venue_id": venue, "sharing": "venue"});
    app.post("/api/v1/me/outcomes", Some(&anna), outcome).await;

    let web = Web::new(&app);
    web.log_in(&host).await;
    let manage = web.get(&format!("/host/venues/{venue}")).await;
    assert!(manage.html.contains(&format!("/host/venues/{venue}/report")), "linked from the venue's page");
    let page = web.get(&format!("/host/venues/{venue}/report")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains("<dt>Visits</dt><dd>2</dd>") && page.html.contains("<dt>Exchanges</dt><dd>1</dd>"),
        "{}",
        page.html
    );
    assert!(page.html.contains("grant writing: 1"), "{}", page.html);
    assert!(page.html.contains("1 × a collaboration on a project"), "{}", page.html);
    assert!(page.html.contains("role=\"img\"") && page.html.contains("<caption>What each month produced</caption>"));
    assert!(page.html.contains("report.csv?from="), "the CSV to download");
    assert!(!page.html.contains("Member"), "nobody is named");
    let weekly = web.get(&format!("/host/venues/{venue}/report?by=week")).await;
    assert!(weekly.html.contains("<caption>What each week produced</caption>"));
    let bad = web.get(&format!("/host/venues/{venue}/report?from=soon")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let backwards = web.get(&format!("/host/venues/{venue}/report?from=2026-06-01&to=2026-05-01")).await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", backwards.html);

    let member = Web::new(&app);
    member.log_in(&anna).await;
    let refused = member.get(&format!("/host/venues/{venue}/report")).await;
    assert!(matches!(refused.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", refused.status);
    assert!(!refused.html.contains("grant writing"));
}

#[tokio::test]
async fn a_person_s_page_shows_them_and_their_record_only_as_they_allow_now() {
    let Some(app) = spawn_app().await else { return };
    let (_, _, anna, bob) = venue_with_two_here(&app).await;
    let shared = json!({"with": anna.id, "role": "gave", "tags": ["grant writing"], "text": "Read a draft"});
    let id = app.post("/api/v1/me/exchanges", Some(&bob), shared).await.body["id"].as_str().unwrap().to_owned();
    app.call(Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    let stranger = Web::new(&app);
    let page = stranger.get(&format!("/people/{}", bob.id)).await;
    assert_eq!(page.status, StatusCode::OK, "a public person: {}", page.html);
    assert!(
        page.html.contains("<h1>Member</h1>") && page.html.contains("does not show their record to you"),
        "{}",
        page.html
    );

    let profile =
        json!({"display_name": "Bob", "visibility": "public", "offers": ["grants"], "record_visibility": "public"});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&bob), Some(profile)).await;
    let shown = stranger.get(&format!("/people/{}", bob.id)).await;
    assert!(shown.html.contains("<dt>Given</dt><dd>1</dd>") && shown.html.contains("grant writing"), "{}", shown.html);
    assert!(shown.html.contains("<strong>Offers:</strong> grants"));
    assert!(!shown.html.contains("Read a draft"), "never what, with whom");

    app.call(
        Method::PUT,
        "/api/v1/me/profile",
        Some(&bob),
        Some(json!({"display_name": "Bob", "visibility": "hidden"})),
    )
    .await;
    assert_eq!(stranger.get(&format!("/people/{}", bob.id)).await.status, StatusCode::NOT_FOUND, "hidden now");
    assert_eq!(stranger.get("/people/not-an-id").await.status, StatusCode::NOT_FOUND);
}
