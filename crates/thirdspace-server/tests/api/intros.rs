use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn_app, Member, TestApp};

async fn profile(app: &TestApp, who: &Member, body: Value) {
    let reply = app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

async fn post(app: &TestApp, who: &Member, path: &str) -> crate::helpers::Reply {
    app.call(Method::POST, path, Some(who), None).await
}

#[tokio::test]
async fn people_here_get_explained_suggestions_and_opt_in_mutually() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (anna, ben, hid) = (app.member("Anna").await, app.member("Ben").await, app.member("Hid").await);
    profile(
        &app,
        &anna,
        json!({"display_name": "Anna", "offers": ["Bookkeeping"], "seeking": ["UX"], "field": "finance"}),
    )
    .await;
    profile(
        &app,
        &ben,
        json!({"display_name": "Ben", "offers": ["user experience design"], "seeking": ["VAT"], "field": "design"}),
    )
    .await;
    profile(&app, &hid, json!({"display_name": "Hid", "offers": ["vat"], "seeking": ["ux"], "visibility": "hidden"}))
        .await;
    for m in [&anna, &ben, &hid] {
        assert_eq!(app.arrive(&host, m, venue).await.status, StatusCode::OK);
    }
    let mine = app.get("/api/v1/me/suggestions", Some(&anna)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let list = mine.body.as_array().unwrap();
    assert_eq!(list.len(), 1, "the hidden person is never suggested: {}", mine.body);
    assert_eq!(list[0]["with"]["display_name"], "Ben");
    let reason = list[0]["reason"].as_str().unwrap();
    assert!(reason.contains("bookkeeping") && reason.contains("UX"), "{reason}");
    let id = list[0]["id"].as_str().unwrap().to_owned();

    let early = post(&app, &anna, &format!("/api/v1/intros/{id}/met")).await;
    assert_eq!(early.code(), "not_mutual");
    let accepted = post(&app, &anna, &format!("/api/v1/intros/{id}/accept")).await;
    assert_eq!(
        (accepted.body["my_answer"].as_str(), accepted.body["mutual"].as_bool()),
        (Some("accepted"), Some(false))
    );
    let stranger = post(&app, &hid, &format!("/api/v1/intros/{id}/accept")).await;
    assert_eq!(stranger.status, StatusCode::NOT_FOUND, "only the two people may answer");
    let both = post(&app, &ben, &format!("/api/v1/intros/{id}/accept")).await;
    assert_eq!(both.body["mutual"], true);
    let told = app.smtp.last_to(&anna.email).await.expect("Anna is told they both said yes");
    assert!(
        told.data.contains("You both said yes") && told.data.contains("You and Ben both said yes"),
        "{}",
        told.data
    );
    let told = app.smtp.last_to(&ben.email).await.expect("Ben is told too");
    assert!(told.data.contains("You and Anna both said yes"), "{}", told.data);
    assert_eq!(post(&app, &ben, &format!("/api/v1/intros/{id}/met")).await.body["met"], true);
    let useful = app.post(&format!("/api/v1/intros/{id}/feedback"), Some(&anna), json!({"useful": true})).await;
    assert_eq!(useful.body["my_feedback"], true);
    let again = app.get("/api/v1/me/suggestions", Some(&anna)).await;
    assert_eq!(again.body.as_array().unwrap().len(), 0, "people who met are not introduced again");
}

#[tokio::test]
async fn a_decline_is_never_shown_and_the_pair_is_not_suggested_again() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (anna, ben) = (app.member("Anna").await, app.member("Ben").await);
    profile(&app, &anna, json!({"display_name": "Anna", "offers": ["python"], "seeking": ["figma"]})).await;
    profile(&app, &ben, json!({"display_name": "Ben", "offers": ["figma"], "seeking": ["python"]})).await;
    app.arrive(&host, &anna, venue).await;
    app.arrive(&host, &ben, venue).await;
    let id = app.get("/api/v1/me/suggestions", Some(&anna)).await.body[0]["id"].as_str().unwrap().to_owned();
    post(&app, &ben, &format!("/api/v1/intros/{id}/accept")).await;
    post(&app, &anna, &format!("/api/v1/intros/{id}/decline")).await;
    let bens = app.get("/api/v1/me/intros", Some(&ben)).await;
    let seen = &bens.body["items"][0];
    assert_eq!((seen["my_answer"].as_str(), seen["mutual"].as_bool()), (Some("accepted"), Some(false)));
    assert!(!bens.body.to_string().contains("declined"), "Ben never learns of the decline");
    let still = app.get("/api/v1/me/suggestions", Some(&ben)).await;
    assert_eq!(
        still.body[0]["id"],
        id.as_str(),
        "Ben is shown the same intro as before: nothing gives the decline away"
    );
    assert_eq!(
        app.get("/api/v1/me/suggestions", Some(&anna)).await.body.as_array().unwrap().len(),
        0,
        "Anna is not asked again"
    );
    let change = post(&app, &ben, &format!("/api/v1/intros/{id}/decline")).await;
    assert_eq!(change.code(), "intro_answered", "an answer once given stands");
}

#[tokio::test]
async fn suggestions_at_a_venue_need_you_there_and_bad_parameters_are_refused() {
    let Some(app) = spawn_app().await else { return };
    let anna = app.member("Anna").await;
    let away = app.get("/api/v1/me/suggestions", Some(&anna)).await;
    assert_eq!(away.code(), "not_checked_in");
    assert!(away.body["error"]["message"].as_str().unwrap().contains("scope=network"), "{}", away.body);
    assert_eq!(app.get("/api/v1/me/suggestions?scope=galaxy", Some(&anna)).await.field(), "scope");
    assert_eq!(app.get("/api/v1/me/suggestions?scope=network&limit=500", Some(&anna)).await.field(), "limit");
    let hidden_from_network = app.get("/api/v1/me/suggestions?scope=network", Some(&anna)).await;
    assert_eq!(hidden_from_network.status, StatusCode::FORBIDDEN, "only public people are suggested network-wide");
    profile(&app, &anna, json!({"display_name": "Anna", "offers": ["rust"], "visibility": "public"})).await;
    let network = app.get("/api/v1/me/suggestions?scope=network", Some(&anna)).await;
    assert_eq!(network.status, StatusCode::OK);
}

#[tokio::test]
async fn staff_run_a_round_with_a_cap_and_others_cannot() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 20).await;
    let expert = app.member("Expert").await;
    profile(&app, &expert, json!({"display_name": "Expert", "offers": ["vat", "bookkeeping"], "visibility": "public"}))
        .await;
    app.arrive(&host, &expert, venue).await;
    for i in 0..5 {
        let m = app.member(&format!("Seeker {i}")).await;
        let visibility = if i == 0 { "venue" } else { "public" };
        profile(&app, &m, json!({"display_name": format!("Seeker {i}"), "seeking": ["VAT"], "visibility": visibility}))
            .await;
        app.arrive(&host, &m, venue).await;
    }
    let refused = app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&expert), json!({})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let bad = app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&host), json!({"cap": 99})).await;
    assert_eq!(bad.field(), "cap");
    let round = app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&host), json!({"cap": 2})).await;
    assert_eq!(round.status, StatusCode::OK, "{}", round.body);
    let intros = round.body.as_array().unwrap();
    assert_eq!(app.count("intros").await, 2, "the expert is not swamped: two intros for five seekers");
    assert!(intros.len() <= 2 && !intros.is_empty(), "{}", round.body);
    assert!(!round.body.to_string().contains("Seeker 0"), "staff not here do not see a venue-only person");
    assert!(intros.iter().all(|i| i["reason"].as_str().unwrap().contains("VAT")), "{}", round.body);
    let tables = app.post(&format!("/api/v1/venues/{venue}/tables"), Some(&host), json!({"size": 3})).await;
    assert_eq!(tables.status, StatusCode::OK, "{}", tables.body);
    let seated: Vec<usize> = tables.body.as_array().unwrap().iter().map(|t| t.as_array().unwrap().len()).collect();
    assert_eq!(seated.iter().sum::<usize>(), 5, "everyone the host may see is listed at a table: {seated:?}");
    assert!(
        !tables.body.to_string().contains("Seeker 0"),
        "a venue-only person is not shown to staff who are not here"
    );
    assert!(seated.iter().all(|&n| n <= 3));
    assert_eq!(
        app.post(&format!("/api/v1/venues/{venue}/tables"), Some(&host), json!({"size": 9})).await.field(),
        "size"
    );
}

#[tokio::test]
async fn a_question_goes_to_people_here_first_never_to_its_asker_or_hidden_people() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 20).await;
    let (asker, here, hidden, away) =
        (app.member("Asker").await, app.member("Here").await, app.member("Hidden").await, app.member("Away").await);
    profile(&app, &asker, json!({"display_name": "Asker", "offers": ["kubernetes"]})).await;
    profile(&app, &here, json!({"display_name": "Here", "offers": ["k8s"], "visibility": "public"})).await;
    profile(&app, &hidden, json!({"display_name": "Hidden", "offers": ["kubernetes"], "visibility": "hidden"})).await;
    profile(&app, &away, json!({"display_name": "Away", "offers": ["docker"], "visibility": "public"})).await;
    for m in [&asker, &here, &hidden] {
        app.arrive(&host, m, venue).await;
    }
    let q = app
        .post(
            &format!("/api/v1/venues/{venue}/questions"),
            Some(&asker),
            json!({"text": "Pods keep restarting", "tags": ["Kubernetes"]}),
        )
        .await;
    let id = q.body["id"].as_str().unwrap();
    let who = app.get(&format!("/api/v1/questions/{id}/answerers"), Some(&asker)).await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.body);
    let names: Vec<&str> = who.body.as_array().unwrap().iter().map(|a| a["display_name"].as_str().unwrap()).collect();
    assert_eq!(names.first(), Some(&"Here"));
    assert_eq!(who.body[0]["here"], true);
    assert!(!names.contains(&"Asker") && !names.contains(&"Hidden"), "{names:?}");
    assert!(names.contains(&"Away"), "the network follows: docker is near kubernetes: {names:?}");
    let untagged = app
        .post(
            &format!("/api/v1/venues/{venue}/questions"),
            Some(&asker),
            json!({"text": "Anyone good with k8s operators?"}),
        )
        .await;
    let id = untagged.body["id"].as_str().unwrap();
    let who = app.get(&format!("/api/v1/questions/{id}/answerers"), Some(&asker)).await;
    assert_eq!(who.body[0]["display_name"], "Here", "a question without tags is routed by what its text names");
    let reasons: Vec<&str> = who.body.as_array().unwrap().iter().map(|a| a["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons[0], "Offers Kubernetes, which the question is about.", "{}", who.body);
    assert!(reasons.iter().all(|r| !r.is_empty()), "every answerer comes with a reason: {reasons:?}");
}

/// The other side of `reader`'s only introduction, as `GET /me/intros` gives it.
async fn only_intro(app: &TestApp, reader: &Member) -> Value {
    let mine = app.get("/api/v1/me/intros", Some(reader)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["items"].as_array().map(Vec::len), Some(1), "{}", mine.body);
    mine.body["items"][0].clone()
}

#[tokio::test]
async fn an_introduction_shows_the_other_person_only_as_they_allow_now() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (nadia, jun) = (app.member("Nadia").await, app.member("Jun").await);
    let jun_profile = |visibility: &str, headline: &str| json!({"display_name": "Jun Huang", "headline": headline, "offers": ["copywriting"], "seeking": ["photography"], "visibility": visibility});
    profile(
        &app,
        &nadia,
        json!({"display_name": "Nadia Ziani", "offers": ["photography"], "seeking": ["copywriting"]}),
    )
    .await;
    profile(&app, &jun, jun_profile("public", "Copy for small brands")).await;
    app.arrive(&host, &nadia, venue).await;
    app.arrive(&host, &jun, venue).await;
    assert_eq!(app.get("/api/v1/me/suggestions", Some(&nadia)).await.body[0]["with"]["display_name"], "Jun Huang");

    profile(&app, &jun, jun_profile("hidden", "Secret new headline")).await;
    let intro = only_intro(&app, &nadia).await;
    assert_eq!(intro["with"], json!({"user_id": null, "display_name": "Someone", "headline": null}));
    let reason = intro["reason"].as_str().unwrap();
    assert!(!reason.contains("Jun") && reason.contains("someone"), "{reason}");
    let web = crate::web::Web::new(&app);
    web.log_in(&nadia).await;
    let today = web.get("/today").await.html;
    assert!(!today.contains("Jun") && !today.contains("Secret new headline"), "{today}");

    profile(&app, &jun, jun_profile("venue", "Renamed headline")).await;
    let together = only_intro(&app, &nadia).await;
    assert_eq!(together["with"]["headline"], "Renamed headline", "both are at the venue now");
    assert_eq!(together["with"]["user_id"], jun.id.to_string());
    let left = app.post(&format!("/api/v1/venues/{venue}/check-outs"), Some(&nadia), json!({})).await;
    assert_eq!(left.status, StatusCode::OK, "{}", left.body);
    let apart = only_intro(&app, &nadia).await;
    assert_eq!(apart["with"]["display_name"], "Someone", "a venue-only person is seen only at the same venue");
    assert!(!web.get("/today").await.html.contains("Renamed headline"));
}

#[tokio::test]
async fn each_side_reads_the_reason_in_its_own_words_and_the_screen_in_the_third_person() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let (nadia, jun) = (app.member("Nadia").await, app.member("Jun").await);
    profile(&app, &nadia, json!({"display_name": "Nadia Ziani", "offers": ["photography"], "seeking": ["SEO"]})).await;
    profile(
        &app,
        &jun,
        json!({"display_name": "Jun Huang", "offers": ["search engine optimisation"], "seeking": ["photography"]}),
    )
    .await;
    app.arrive(&host, &nadia, venue).await;
    app.arrive(&host, &jun, venue).await;
    let suggested = app.get("/api/v1/me/suggestions", Some(&nadia)).await;
    assert_eq!(
        suggested.body[0]["reason"],
        "You offer photography, which Jun is looking for; and Jun offers SEO, which you are looking for."
    );
    assert_eq!(
        only_intro(&app, &jun).await["reason"],
        "Nadia offers photography, which you are looking for; and you offer SEO, which Nadia is looking for."
    );
    let token = app.screen_token(&host, venue, "display").await;
    let screen = app.get(&format!("/api/v1/venues/{venue}/dashboard?token={token}"), None).await;
    assert_eq!(
        screen.body["intros"][0]["reason"],
        "Nadia offers photography, which Jun is looking for; and Jun offers SEO, which Nadia is looking for.",
        "{}",
        screen.body
    );
}

#[tokio::test]
async fn suggestions_keep_one_order_on_every_page() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let me = app.member("Me").await;
    profile(&app, &me, json!({"display_name": "Me", "offers": ["vat"], "seeking": ["ux", "seo", "python", "figma"]}))
        .await;
    app.arrive(&host, &me, venue).await;
    let offers = [vec!["ux", "seo", "python"], vec!["ux"], vec!["ux", "seo"], vec!["figma", "python", "seo", "ux"]];
    for (i, offers) in offers.iter().enumerate() {
        let other = app.member(&format!("P{i}")).await;
        profile(&app, &other, json!({"display_name": format!("P{i}"), "offers": offers, "seeking": ["vat"]})).await;
        app.arrive(&host, &other, venue).await;
    }
    let suggested = app.get("/api/v1/me/suggestions", Some(&me)).await;
    let names = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|i| i["with"]["display_name"].as_str().unwrap().to_owned()).collect()
    };
    let best_first = names(&suggested.body);
    assert_eq!(best_first.len(), 4, "{}", suggested.body);
    let mut paged = Vec::new();
    for page in 1..=4 {
        let one = app.get(&format!("/api/v1/me/intros?per_page=1&page={page}"), Some(&me)).await;
        paged.extend(names(&one.body["items"]));
    }
    assert_eq!(paged, best_first, "the list of my intros, page by page, in the order they were suggested");
    let web = crate::web::Web::new(&app);
    web.log_in(&me).await;
    let today = web.get("/today").await.html;
    let at = |name: &str| today.find(&format!(">{name}</a></strong>")).unwrap_or(usize::MAX);
    let on_page: Vec<usize> = best_first.iter().map(|n| at(n)).collect();
    assert!(on_page.windows(2).all(|w| w[0] < w[1]), "the Today page in the same order: {best_first:?} at {on_page:?}");
}

#[tokio::test]
async fn tags_autocomplete_from_the_vocabulary() {
    let Some(app) = spawn_app().await else { return };
    let reply = app.get("/api/v1/vocabulary/complete?q=pitch", None).await;
    let tags: Vec<&str> = reply.body.as_array().unwrap().iter().map(|t| t["tag"].as_str().unwrap()).collect();
    assert!(tags.contains(&"pitch deck"), "{tags:?}");
    assert_eq!(
        app.get(&format!("/api/v1/vocabulary/complete?q={}", "x".repeat(60)), None).await.status,
        StatusCode::BAD_REQUEST
    );
}

/// Network suggestions look at every public profile, however many (the store's newest 5,000 no
/// longer bound them), and follow profiles saved through another instance.
#[tokio::test]
async fn network_suggestions_reach_every_public_profile_and_follow_changes_on_any_instance() {
    use futures_util::StreamExt;
    use thirdspace_domain::profile::{ProfileDraft, Visibility};
    let Some(mut app) = spawn_app().await else { return };
    let anna = app.member("Anna").await;
    profile(
        &app,
        &anna,
        json!({"display_name": "Anna", "offers": ["rust"], "seeking": ["zorblax"], "visibility": "public"}),
    )
    .await;
    let zed = app.member("Zed").await;
    let base = app.store.profile(zed.id).await.unwrap().unwrap().draft();
    let public = |name: &str, offers: &[&str]| ProfileDraft {
        display_name: name.to_owned(),
        offers: offers.iter().map(|o| o.to_string()).collect(),
        visibility: Visibility::Public,
        open_to_meet: true,
        ..base.clone()
    };
    let now = app.clock_now();
    app.store.put_profile(zed.id, &public("Zed", &["zorblax"]), now - 86_400).await.unwrap();
    let filler = &public("Filler", &["quux"]);
    let store = &*app.store;
    futures_util::stream::iter(0..5_000)
        .for_each_concurrent(8, |i| async move {
            let email = format!("filler{i}@example.org");
            let filler_id = crate::helpers::account_in(store, "Filler", &email, true).await.id;
            store.put_profile(filler_id, filler, now).await.unwrap();
        })
        .await;
    app.restart().await;
    let suggested = |who: &'static str| {
        let app = &app;
        let anna = &anna;
        move || async move {
            let reply = app.get("/api/v1/me/suggestions?scope=network", Some(anna)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
            reply.body.to_string().contains(who).then_some(())
        }
    };
    crate::helpers::eventually("Zed, the oldest of 5,001 public profiles, is suggested", suggested("Zed")).await;
    let (other, _stop) = app.another_instance().await;
    let yuki = app.member("Yuki").await;
    let saved = app
        .client
        .put(format!("{other}/api/v1/me/profile"))
        .bearer_auth(&yuki.token)
        .json(&json!({"display_name": "Yuki", "offers": ["zorblax"], "visibility": "public"}))
        .send()
        .await
        .unwrap();
    assert!(saved.status().is_success(), "{}", saved.status());
    crate::helpers::eventually("Yuki, made public on the other instance, is suggested here", suggested("Yuki")).await;
}
