//! Accounts through pages: sign up, log in and out, links by e-mail (through a real SMTP server),
//! a new password, and limits on guessing.

use std::net::Ipv4Addr;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;
use crate::web::Web;

/// The first link to this site in an e-mail.
fn link_in(data: &str) -> String {
    let start = data.find("http://thirdspace.test").expect("a link to the site");
    data[start..].split_whitespace().next().unwrap().trim_start_matches("http://thirdspace.test").to_owned()
}

#[tokio::test]
async fn a_newcomer_signs_up_with_errors_shown_next_to_fields_and_what_they_typed_kept() {
    let Some(app) = spawn_app().await else { return };
    let web = Web::new(&app);
    let bad = web
        .submit(
            "/signup",
            "/signup",
            &[("display_name", "Zoë <b>Bold</b>"), ("email", "not-an-address"), ("password", "short")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.html.contains("aria-invalid=\"true\""), "{}", bad.html);
    assert!(
        bad.html.contains("Zoë &#60;b&#62;Bold&#60;/b&#62;") || bad.html.contains("Zoë &lt;b&gt;"),
        "kept, escaped"
    );
    assert!(bad.html.contains("value=\"not-an-address\""));
    let users = app.count("users").await;

    let ok = web
        .submit(
            "/signup",
            "/signup",
            &[("display_name", "Zoë"), ("email", "zoe@example.org"), ("password", "a long enough secret")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.html);
    assert_eq!(ok.location, "/me/profile?welcome=1");
    assert_eq!(app.count("users").await, users + 1);
    let home = web.get("/login").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER, "logged in already");

    let other = Web::new(&app);
    let taken = other
        .submit(
            "/signup",
            "/signup",
            &[("display_name", "Z"), ("email", "ZOE@example.org"), ("password", "another long secret")],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(taken.html.contains("exists already"), "{}", taken.html);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    web.log_in(&ana).await;
    let sessions = app.count("tokens WHERE kind = 'session'").await;
    let page = web.get("/signup").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "logged in");
    let csrf_page = web.get("/login/email").await;
    let out = web.post("/logout", &[("csrf", &csrf_page.hidden("csrf"))]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count("tokens WHERE kind = 'session'").await, sessions - 1);
    assert_eq!(web.get("/signup").await.status, StatusCode::OK, "logged out");
}

#[tokio::test]
async fn a_log_in_link_arrives_by_e_mail_works_once_and_says_nothing_about_unknown_addresses() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    let asked =
        web.submit("/login/email?next=/today", "/login/email", &[("email", &ana.email), ("next", "/today")]).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.html.contains("a link is on its way"), "{}", asked.html);
    let mail = app.smtp.last_to(&ana.email).await.expect("an e-mail over SMTP");
    assert!(mail.data.contains("Subject: Your thirdspace log-in link"), "{}", mail.data);
    let link = link_in(&mail.data);
    assert!(link.starts_with("/login/email/") && link.ends_with("?next=%2Ftoday"), "{link}");

    let opened = web.get(&link).await;
    assert_eq!(opened.status, StatusCode::OK, "opening shows a button; a mail scanner does not log in");
    let action = link.split('?').next().unwrap().to_owned();
    let used = web.post(&action, &[("csrf", &opened.hidden("csrf")), ("next", &opened.hidden("next"))]).await;
    assert_eq!(used.status, StatusCode::SEE_OTHER, "{}", used.html);
    assert_eq!(used.location, "/today");
    let again = web.submit(&link, &action, &[("next", "/")]).await;
    assert_eq!(again.status, StatusCode::GONE, "a link works once");

    let unknown = web.submit("/login/email", "/login/email", &[("email", "nobody@example.org")]).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(unknown.html.contains("a link is on its way"), "the same answer for an unknown address");
    // A link asked for afterwards has arrived: one for the unknown address would have by now.
    let bo = app.member("Bo").await;
    web.submit("/login/email", "/login/email", &[("email", &bo.email)]).await;
    app.smtp.last_to(&bo.email).await.expect("the later link");
    let to_nobody = app.smtp.received().into_iter().filter(|m| m.to.iter().any(|t| t == "nobody@example.org")).count();
    assert_eq!(to_nobody, 0, "but no e-mail");
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_by_a_link_and_old_sessions_end() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let elsewhere = Web::new(&app);
    elsewhere.log_in(&ana).await;
    let web = Web::new(&app);
    web.submit("/password/forgot", "/password/forgot", &[("email", &ana.email)]).await;
    let mail = app.smtp.last_to(&ana.email).await.expect("an e-mail");
    let link = link_in(&mail.data);
    let short = web.submit(&link, &link, &[("password", "short")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.html.contains("at least 10 characters"), "{}", short.html);
    let done = web.submit(&link, &link, &[("password", "a brand new password")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(elsewhere.get("/signup").await.status, StatusCode::OK, "the other browser is logged out");
    let old = app
        .post("/api/v1/auth/login", None, serde_json::json!({"email": ana.email, "password": "correct horse battery"}))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app
        .post("/api/v1/auth/login", None, serde_json::json!({"email": ana.email, "password": "a brand new password"}))
        .await;
    assert_eq!(new.status, StatusCode::OK);
    assert_eq!(web.submit(&link, &link, &[("password", "yet another password")]).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn too_many_wrong_passwords_from_one_client_lock_the_address_there_for_a_while_even_with_the_right_one() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    for _ in 0..10 {
        let wrong = web.submit("/login", "/login", &[("email", &ana.email), ("password", "guess guess guess")]).await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    }
    let right = web.submit("/login", "/login", &[("email", &ana.email), ("password", "correct horse battery")]).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(right.html.contains("try again in 15 minutes"), "{}", right.html);
    let api = app
        .post("/api/v1/auth/login", None, serde_json::json!({"email": ana.email, "password": "correct horse battery"}))
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.code(), "too_many_attempts");
    app.clock.advance(15 * 60);
    assert_eq!(
        web.submit("/login", "/login", &[("email", &ana.email), ("password", "correct horse battery")]).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_host_lands_on_the_venues_they_run_and_a_coworker_on_finding_a_seat() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    app.venue(&host, 5).await;
    let ana = app.member("Ana").await;
    assert_eq!(Web::new(&app).log_in(&host).await.location, "/host");
    assert_eq!(Web::new(&app).log_in(&ana).await.location, "/");
    let web = Web::new(&app);
    let page = web
        .submit(
            "/login?next=/bookings",
            "/login",
            &[("email", &host.email), ("password", "correct horse battery"), ("next", "/bookings")],
        )
        .await;
    assert_eq!(page.location, "/bookings", "where the host was going comes first");
}

#[tokio::test]
async fn a_password_reset_ends_api_tokens_too_and_tells_the_owner() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    assert_eq!(app.get("/api/v1/me", Some(&ana)).await.status, StatusCode::OK);
    let web = Web::new(&app);
    web.submit("/password/forgot", "/password/forgot", &[("email", &ana.email)]).await;
    let link = link_in(&app.smtp.last_to(&ana.email).await.expect("an e-mail").data);
    let done = web.submit(&link, &link, &[("password", "a brand new password")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(app.get("/api/v1/me", Some(&ana)).await.status, StatusCode::UNAUTHORIZED, "the API token is ended");
    let notice = app.smtp.last_to(&ana.email).await.expect("a notice");
    assert!(notice.data.contains("Subject: Your thirdspace password was changed"), "{}", notice.data);
    assert!(notice.data.contains("/password/forgot"), "says what to do if it was not them");
}

#[tokio::test]
async fn only_the_newest_link_works_and_a_new_password_voids_the_links_sent_before() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    let last_link = || async { link_in(&app.smtp.last_to(&ana.email).await.expect("an e-mail").data) };
    web.submit("/login/email", "/login/email", &[("email", &ana.email)]).await;
    let first_log_in = last_link().await;
    web.submit("/login/email", "/login/email", &[("email", &ana.email)]).await;
    let second_log_in = last_link().await;
    let action = |link: &str| link.split('?').next().unwrap().to_owned();
    let old = web.submit(&first_log_in, &action(&first_log_in), &[("next", "/")]).await;
    assert_eq!(old.status, StatusCode::GONE, "a newer log-in link voids the older one");

    web.submit("/password/forgot", "/password/forgot", &[("email", &ana.email)]).await;
    let first_reset = last_link().await;
    web.submit("/password/forgot", "/password/forgot", &[("email", &ana.email)]).await;
    let second_reset = last_link().await;
    let old = web.submit(&first_reset, &first_reset, &[("password", "an older link's password")]).await;
    assert_eq!(old.status, StatusCode::GONE, "a newer reset link voids the older one");
    let done = web.submit(&second_reset, &second_reset, &[("password", "a brand new password")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    let after = Web::new(&app).submit(&second_log_in, &action(&second_log_in), &[("next", "/")]).await;
    assert_eq!(after.status, StatusCode::GONE, "a log-in link sent before the new password no longer works");
}

#[tokio::test]
async fn links_by_e_mail_are_limited_per_address_and_per_client_whoever_has_an_account() {
    let Some(app) = spawn_app().await else { return };
    let ana = app.member("Ana").await;
    let web = Web::new(&app);
    let csrf = web.get("/login/email").await.hidden("csrf");
    let mut asks = Vec::new();
    let burst = 25;
    let started = std::time::Instant::now();
    for _ in 0..burst {
        let (web, csrf, email) = (Web::clone(&web), csrf.clone(), ana.email.clone());
        asks.push(tokio::spawn(
            async move { web.post("/login/email", &[("email", &email), ("csrf", &csrf)]).await.status },
        ));
    }
    let mut refused = 0;
    for ask in asks {
        match ask.await.unwrap() {
            StatusCode::OK => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}"),
        }
    }
    eprintln!("{burst} requests for log-in links in {:?}", started.elapsed());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let max = thirdspace_server::limits::MAX_MAILS_PER_ADDRESS as usize;
    assert_eq!(app.smtp.received().len(), max, "{burst} requests sent only the address's share");
    assert_eq!(refused, burst - max);

    let elsewhere = Web::from(&app, Ipv4Addr::new(127, 0, 0, 3));
    let reset = elsewhere.submit("/password/forgot", "/password/forgot", &[("email", &ana.email)]).await;
    assert_eq!(reset.status, StatusCode::TOO_MANY_REQUESTS, "the address had its share, whoever asks");
    assert!(reset.html.contains("try again in 60 minutes"), "{}", reset.html);
    let nobody = elsewhere.submit("/password/forgot", "/password/forgot", &[("email", "nobody@example.org")]).await;
    assert_eq!(nobody.status, StatusCode::OK, "another address, from another client");
    let from_here = web.submit("/password/forgot", "/password/forgot", &[("email", "nobody@example.org")]).await;
    assert_eq!(from_here.status, StatusCode::TOO_MANY_REQUESTS, "the first client had its share, for any address");
    let signup = app
        .call_with(
            &crate::helpers::client_from(Ipv4Addr::new(127, 0, 0, 4)),
            reqwest::Method::POST,
            "/api/v1/auth/signup",
            None,
            Some(json!({"email": "nobody@example.org", "password": "a long enough secret", "display_name": "N"})),
        )
        .await;
    assert_eq!(signup.status, StatusCode::CREATED, "signing up is not refused for its e-mail: {}", signup.body);

    app.clock.advance(thirdspace_server::limits::MAIL_WINDOW_SECONDS);
    let later = web.submit("/password/forgot", "/password/forgot", &[("email", &ana.email)]).await;
    assert_eq!(later.status, StatusCode::OK, "a new window");
}

#[tokio::test]
async fn an_invitation_is_joined_from_the_host_page_once_the_address_is_confirmed() {
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let invited =
        app.post(&format!("/api/v1/venues/{venue}/staff"), Some(&host), json!({"email": "sam@example.org"})).await;
    let id = invited.body["id"].as_str().unwrap().to_owned();
    let web = Web::new(&app);
    let fields = [("display_name", "Sam"), ("email", "sam@example.org"), ("password", "a long enough secret")];
    assert_eq!(web.submit("/signup", "/signup", &fields).await.status, StatusCode::SEE_OTHER);
    let signup_link = link_in(&app.smtp.last_to("sam@example.org").await.expect("a confirmation e-mail").data);

    let host_page = web.get("/host").await;
    assert!(host_page.html.contains("Confirm that sam@example.org is yours"), "{}", host_page.html);
    assert!(!host_page.html.contains("Join as staff"), "{}", host_page.html);
    let forced = web.post(&format!("/host/invitations/{id}/accept"), &[("csrf", &host_page.hidden("csrf"))]).await;
    assert_eq!(forced.status, StatusCode::CONFLICT, "{}", forced.html);
    assert!(forced.html.contains("Confirm your e-mail address first"), "{}", forced.html);

    let again = web.submit("/host", "/email/verify", &[]).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.html);
    assert!(again.html.contains("A new link is on its way"), "{}", again.html);
    let link = link_in(&app.smtp.last_to("sam@example.org").await.expect("another e-mail").data);
    assert_ne!(link, signup_link);
    assert!(link.starts_with("/email/verify/"), "{link}");
    let opened = web.get(&link).await;
    assert_eq!(opened.status, StatusCode::OK, "opening shows a button; a mail scanner confirms nothing");
    let stale = web.submit(&signup_link, &signup_link, &[]).await;
    assert_eq!(stale.status, StatusCode::GONE, "the link sent at sign-up was replaced");
    let confirmed = web.submit(&link, &link, &[]).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.html);
    assert!(confirmed.html.contains("Your e-mail address is confirmed"), "{}", confirmed.html);

    let joined = web.submit("/host", &format!("/host/invitations/{id}/accept"), &[]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.html);
    assert_eq!(joined.location, format!("/host/venues/{venue}"));
}
