//! The web app's journeys in real headless Chromium, each page checked with axe-core (no serious
//! or critical violation), at a phone's width too, and with the keyboard alone; screenshots are
//! saved under `target/screenshots/`.

use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::browser::{browser, screenshot, text_of, unavailable, wait_for, Driver};
use crate::helpers::{eventually, spawn_app, TestApp, MONDAY};

/// axe-core's script: `AXE_CORE_JS`, or `target/axe/package/axe.min.js` (fetched by `.ci/run`).
fn axe_source() -> Option<String> {
    let path = std::env::var("AXE_CORE_JS").map(std::path::PathBuf::from).unwrap_or_else(|_| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/axe/package/axe.min.js")
    });
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(_) => unavailable(&format!("no axe-core at {} (.ci/run fetches it; see README, Tests)", path.display())),
    }
}

/// A browser and axe-core, or `None` (loudly) outside CI when the machine lacks one of them.
async fn tools() -> Option<(Driver, Client, String)> {
    let axe = axe_source()?;
    let (driver, client) = browser().await?;
    Some((driver, client, axe))
}

/// The serious and critical accessibility violations on the page now.
async fn violations(client: &Client, axe: &str) -> Vec<String> {
    client.execute(axe, vec![]).await.expect("load axe-core");
    let found = client
        .execute_async(
            r#"var done = arguments[arguments.length - 1];
               axe.run(document, { resultTypes: ["violations"] }).then(function (r) {
                 done(r.violations.filter(function (v) { return v.impact === "serious" || v.impact === "critical"; })
                   .map(function (v) { return v.id + " (" + v.impact + "): " + v.help + " at " +
                     v.nodes.map(function (n) { return n.target.join(" "); }).slice(0, 3).join(", "); }));
               });"#,
            vec![],
        )
        .await
        .expect("run axe-core");
    found.as_array().map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()).unwrap_or_default()
}

/// Checks the page now: no serious or critical violation, nothing wider than the window.
async fn check(client: &Client, axe: &str, what: &str) {
    let found = violations(client, axe).await;
    assert!(found.is_empty(), "{what}: accessibility violations: {found:#?}");
    let fits =
        client.execute("return document.documentElement.scrollWidth <= window.innerWidth + 1;", vec![]).await.unwrap();
    assert_eq!(fits, json!(true), "{what}: nothing wider than the window");
    // Nothing a reader needs is cut: no link, button, field or label runs past the window's
    // edges, and no box clips text it was given (a cut menu, a cut name).
    let cut = client
        .execute(
            r#"
            var out = [], width = window.innerWidth;
            document.querySelectorAll('a, button, input, select, textarea, label, nav li, h1, h2, td, th').forEach(function (el) {
              var box = el.getBoundingClientRect(), style = getComputedStyle(el);
              if (box.width === 0 || style.visibility === 'hidden' || el.closest('.visually-hidden')) return;
              // Wholly off the page is meant (the skip link until focused); half on it is cut.
              if ((box.left < -1 && box.right > 0) || (box.left < width && box.right > width + 1)) out.push(el.outerHTML.slice(0, 80) + ' spans ' + box.left + '..' + box.right);
            });
            document.querySelectorAll('body *').forEach(function (el) {
              var style = getComputedStyle(el);
              if (el.closest('.visually-hidden') || el.matches('input, select, textarea')) return;
              var clips = style.overflowX === 'hidden' || style.overflowX === 'clip' || style.textOverflow === 'ellipsis';
              if (clips && el.scrollWidth > el.clientWidth + 1) out.push(el.outerHTML.slice(0, 80) + ' clips its text');
            });
            return out;
            "#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(cut, json!([]), "{what}: something is cut");
}

async fn go(client: &Client, app: &TestApp, path: &str) {
    client.goto(&app.url(path)).await.unwrap();
}

async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css(css)).await.unwrap().click().await.unwrap();
}

/// Clicks something that loads a new page, and waits until the new page has loaded.
async fn follow(client: &Client, css: &str) {
    let old = client.find(Locator::Css("html")).await.unwrap();
    click(client, css).await;
    for _ in 0..100 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for _ in 0..100 {
        if client.execute("return document.readyState;", vec![]).await.unwrap() == json!("complete") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page after clicking {css} did not load");
}

async fn path_now(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    format!("{}{}", url.path(), url.query().map(|q| format!("?{q}")).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_coworker_signs_up_fills_a_profile_books_checks_in_and_accepts_an_intro() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let code = app.code(&host, venue).await;
    let cas = app.member("Cas").await;
    let body = json!({"display_name": "Cas", "headline": "Bookkeeper", "offers": ["bookkeeping"], "seeking": ["python"], "visibility": "public"});
    app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(&cas), Some(body)).await;
    app.arrive(&host, &cas, venue).await;
    crate::screens::gathering_here(&app, &host, venue, json!({"date": "2026-11-25"})).await;

    go(&client, &app, "/").await;
    check(&client, &axe, "home").await;
    follow(&client, "a[href='/signup']").await;
    check(&client, &axe, "sign-up").await;
    fill(&client, "#display_name", "Noor").await;
    fill(&client, "#email", "noor@example.org").await;
    fill(&client, "#password", "short").await;
    follow(&client, "form button[type=submit]").await;
    assert!(text_of(&client, "main").await.contains("at least 10 characters"));
    check(&client, &axe, "sign-up with errors").await;
    fill(&client, "#password", "a long enough secret").await;
    follow(&client, "form button[type=submit]").await;
    assert_eq!(path_now(&client).await, "/me/profile?welcome=1");
    check(&client, &axe, "profile").await;
    fill(&client, "#headline", "Data scientist").await;
    fill(&client, "#offers", "pyth").await;
    click(&client, ".suggestions button").await;
    let offers = client.find(Locator::Css("#offers")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(offers.starts_with("python"), "a suggestion from the vocabulary fills the tag: {offers}");
    let typed = offers.trim().trim_end_matches(',').to_lowercase();
    let shown = wait_for(&client, "[data-preview=offers]", |t| t == "Python").await;
    assert!(shown.is_some(), "the preview follows the form ({typed}), with the vocabulary's label");
    fill(&client, "#seeking", "bookkeeping").await;
    click(&client, "input[name=visibility][value=public]").await;
    screenshot(&client, "journey-profile.png").await;
    follow(&client, "form[action='/me/profile'] button[type=submit]").await;
    assert!(text_of(&client, "main").await.contains("Saved."));

    go(&client, &app, &format!("/?city=Utrecht&date={MONDAY}")).await;
    check(&client, &axe, "search results").await;
    follow(&client, "ul.venues a").await;
    check(&client, &axe, "venue").await;
    fill(&client, "#start", "10:00").await;
    fill(&client, "#end", "16:00").await;
    fill(&client, "#focus", "Cleaning survey data").await;
    fill(&client, "#pledge", "Happy to help with Python").await;
    click(&client, "#accept_house_rules").await;
    follow(&client, "form[action$='/book'] button[type=submit]").await;
    assert!(text_of(&client, "main").await.contains("Booked!"));
    check(&client, &axe, "booking confirmation").await;
    screenshot(&client, "journey-booked.png").await;

    follow(&client, "nav a[href='/today']").await;
    check(&client, &axe, "today before check-in").await;
    fill(&client, "input[name=code]", &code).await;
    follow(&client, ".card-form button[type=submit]").await;
    let today = text_of(&client, "main").await;
    assert!(today.contains("You're checked in at De Werkplaats"), "{today}");
    assert!(today.contains("Cas") && today.contains("bookkeeping"), "an intro with its reason: {today}");
    check(&client, &axe, "today").await;
    follow(&client, "form[action$='/accept'] button").await;
    assert!(text_of(&client, "main").await.contains("You said yes"));
    screenshot(&client, "journey-today.png").await;

    // What is on near her this week: she says she comes, and Today says where she stands.
    let today = text_of(&client, "main").await;
    assert!(today.contains("This week near you, in Utrecht") && today.contains("VAT in an hour"), "{today}");
    follow(&client, "ul.gatherings a[href^='/gatherings/']").await;
    follow(&client, "form[action^='/gathering-dates/'][action$='/rsvp'] button").await;
    follow(&client, "nav a[href='/today']").await;
    let today = text_of(&client, "main").await;
    assert!(today.contains("VAT in an hour") && today.contains("You're going."), "{today}");
    check(&client, &axe, "today with a gathering").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "today with a gathering at 375 px").await;
    screenshot(&client, "phone-today-gatherings.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_host_opens_a_venue_and_sees_the_first_booking_arrive() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Hanna").await;
    go(&client, &app, "/login").await;
    check(&client, &axe, "log-in").await;
    fill(&client, "#email", &host.email).await;
    fill(&client, "#password", "correct horse battery").await;
    follow(&client, "form[action='/login'] button").await;
    follow(&client, "nav a[href='/host']").await;
    check(&client, &axe, "host home").await;
    follow(&client, "a[href='/host/venues/new']").await;
    check(&client, &axe, "open a venue").await;
    fill(&client, "#name", "Café Lux").await;
    fill(&client, "#address", "Lange Nieuwstraat 4").await;
    fill(&client, "#city", "Utrecht").await;
    fill(&client, "#capacity", "12").await;
    fill(&client, "#social_capital_seats", "5").await;
    follow(&client, "button.big").await;
    let manage = text_of(&client, "main").await;
    assert!(manage.contains("Your venue is open"), "{manage}");
    check(&client, &axe, "manage venue").await;
    let venue: uuid::Uuid =
        path_now(&client).await.trim_start_matches("/host/venues/").split('?').next().unwrap().parse().unwrap();

    let ana = app.member("Ana").await;
    assert_eq!(app.book(&ana, venue, MONDAY, "10:00", "12:00").await.status, reqwest::StatusCode::CREATED);
    follow(&client, &format!("a[href='/host/venues/{venue}/today']")).await;
    let day = text_of(&client, "main").await;
    assert!(day.contains("Ana") && day.contains("booked 10:00–12:00"), "the booking arrived: {day}");
    check(&client, &axe, "host's day").await;
    screenshot(&client, "journey-host-today.png").await;
    client.find(Locator::Css("#screen-kind")).await.unwrap().select_by_value("display").await.unwrap();
    follow(&client, "form[action$='/screens'] button").await;
    let link = client.find(Locator::Css("p.ok a")).await.unwrap().attr("href").await.unwrap().unwrap();
    let screen = link.trim_start_matches("http://thirdspace.test");
    go(&client, &app, screen).await;
    check(&client, &axe, "dashboard").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_every_page_fits_and_the_keyboard_alone_logs_in() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    let kiosk = app.screen_token(&host, venue, "kiosk").await;
    client.set_window_size(375, 812).await.unwrap();

    // Keyboard only: Tab to the e-mail field, type, Tab, type, Enter.
    go(&client, &app, "/login").await;
    let mut reached = false;
    for _ in 0..20 {
        client.active_element().await.unwrap().send_keys(&Key::Tab.to_string()).await.unwrap();
        let id = client.execute("return document.activeElement.id;", vec![]).await.unwrap();
        if id == json!("email") {
            reached = true;
            break;
        }
    }
    assert!(reached, "the e-mail field is reachable with Tab");
    let typed = format!("{}{}correct horse battery{}", host.email, Key::Tab, Key::Enter);
    client.active_element().await.unwrap().send_keys(&typed).await.unwrap();
    let browsing = &client;
    let landed = eventually("the log-in form submitted with Enter leads on", || async move {
        let path = path_now(browsing).await;
        (path != "/login").then_some(path)
    })
    .await;
    assert_eq!(landed, "/host", "logged in with the keyboard alone, to the venue they run");
    let focus_visible = client
        .execute(
            "var a = document.querySelector('nav a'); a.focus(); return getComputedStyle(a).outlineStyle !== 'none';",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focus_visible, json!(true), "focus is visible");

    let pages = [
        "/".to_owned(),
        format!("/venues/{venue}"),
        "/me/profile".to_owned(),
        "/me/bookings".to_owned(),
        "/me/social-capital".to_owned(),
        format!("/people/{}", host.id),
        "/today".to_owned(),
        "/host".to_owned(),
        format!("/host/venues/{venue}"),
        format!("/host/venues/{venue}/edit"),
        format!("/host/venues/{venue}/today"),
        format!("/host/venues/{venue}/report"),
        format!("/venues/{venue}/kiosk?token={kiosk}"),
        "/login/email".to_owned(),
        "/password/forgot".to_owned(),
    ];
    for page in &pages {
        go(&client, &app, page).await;
        check(&client, &axe, &format!("{page} at 375 px")).await;
    }
    screenshot(&client, "phone-venue-form.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_social_capital_with_its_chart_its_waiting_exchanges_and_its_form_in_error_is_accessible() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let (anna, ben, _) = crate::ledger_pages::met_pair(&app).await;
    for text in ["Reviewed Anna's sign-up form", "Explained user interviews"] {
        let body = json!({"with": anna.id, "role": "gave", "tags": ["ux"], "text": text});
        let proposed = app.post("/api/v1/me/exchanges", Some(&ben), body).await;
        assert_eq!(proposed.status, reqwest::StatusCode::CREATED, "{}", proposed.body);
    }
    go(&client, &app, "/login").await;
    fill(&client, "#email", &anna.email).await;
    fill(&client, "#password", "correct horse battery").await;
    follow(&client, "form[action='/login'] button").await;
    follow(&client, "nav a[href='/me/social-capital']").await;
    check(&client, &axe, "my social capital, two waiting").await;
    follow(&client, "form[action$='/confirm'] button").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("It counts for both of you now."), "{main}");
    check(&client, &axe, "my social capital, with its chart").await;
    fill(&client, "#text", " ").await;
    follow(&client, "form[action='/me/social-capital'] button[type=submit]").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Please correct"), "{main}");
    check(&client, &axe, "my social capital, the form in error").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "my social capital at 375 px").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_s_report_with_figures_is_accessible_on_a_laptop_and_a_phone() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let (host, venue, anna, bob) = crate::ledger_pages::venue_with_two_here(&app).await;
    let shared = json!({"with": anna.id, "role": "gave", "tags": ["vat"], "text": "VAT", "venue_id": venue});
    let id = app.post("/api/v1/me/exchanges", Some(&bob), shared).await.body["id"].as_str().unwrap().to_owned();
    app.call(reqwest::Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&anna), None).await;
    go(&client, &app, "/login").await;
    fill(&client, "#email", &host.email).await;
    fill(&client, "#password", "correct horse battery").await;
    follow(&client, "form[action='/login'] button").await;
    go(&client, &app, &format!("/host/venues/{venue}")).await;
    follow(&client, &format!("a[href='/host/venues/{venue}/report']")).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("What your seats produced") && main.contains("vat: 1"), "{main}");
    check(&client, &axe, "the venue's report").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the venue's report at 375 px").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_approves_a_booking_lists_residents_and_a_visitor_answers_the_pledge_all_accessible() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 3).await;
    let mut body = crate::helpers::venue_body("De Werkplaats", "Utrecht");
    body["requires_approval"] = json!(true);
    body["day_pass"] = json!({"price_minor": 1500, "currency": "EUR"});
    let put = app.call(reqwest::Method::PUT, &format!("/api/v1/venues/{venue}"), Some(&host), Some(body)).await;
    assert_eq!(put.status, reqwest::StatusCode::OK, "{}", put.body);
    let (ana, bo) = (app.member("Ana").await, app.member("Bo").await);
    let waiting = app.book(&ana, venue, crate::helpers::MONDAY, "09:00", "17:00").await;
    assert_eq!(waiting.body["approval"], "pending", "{}", waiting.body);
    app.book(&bo, venue, "2026-11-24", "10:00", "12:00").await;

    go(&client, &app, "/login").await;
    fill(&client, "#email", &host.email).await;
    fill(&client, "#password", "correct horse battery").await;
    follow(&client, "form[action='/login'] button").await;
    go(&client, &app, &format!("/host/venues/{venue}")).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Waiting for your approval") && main.contains("Ana"), "{main}");
    check(&client, &axe, "the venue with bookings waiting").await;
    let id = waiting.body["id"].as_str().unwrap();
    fill(&client, &format!("#message-{id}"), "Welcome, ask for the window seat").await;
    follow(&client, &format!("form[action$='/bookings/{id}/decide'] button[value=yes]")).await;
    assert!(text_of(&client, "main").await.contains("Approved"), "the host is told");
    assert_eq!(app.get(&format!("/api/v1/bookings/{id}"), Some(&ana)).await.body["approval"], "approved");

    fill(&client, "#resident_domain", "gmail.com").await;
    follow(&client, "form[action$='/residents'] button[type=submit]").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("free e-mail service"), "the error next to its field: {main}");
    check(&client, &axe, "the residents' form in error").await;
    fill(&client, "#resident_domain", "acme.example").await;
    follow(&client, "form[action$='/residents'] button[type=submit]").await;
    assert!(text_of(&client, "section[aria-labelledby=residents]").await.contains("everyone at @acme.example"));
    check(&client, &axe, "the venue with a resident domain").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the venue's page at 375 px").await;
    client.set_window_size(1280, 900).await.unwrap();

    // Ana comes, and after her day the booking asks about her pledge.
    assert_eq!(
        app.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(&host), json!({"user_id": ana.id})).await.status,
        reqwest::StatusCode::OK
    );
    app.clock.advance(9 * 3600);
    client.delete_all_cookies().await.unwrap();
    go(&client, &app, "/login").await;
    fill(&client, "#email", &ana.email).await;
    fill(&client, "#password", "correct horse battery").await;
    follow(&client, "form[action='/login'] button").await;
    go(&client, &app, "/me/bookings").await;
    follow(&client, &format!("a[href='/bookings/{id}#pledge']")).await;
    follow(&client, "form[action$='/pledge'] button[type=submit]").await;
    let main = text_of(&client, "main").await;
    assert!(main.to_lowercase().contains("say whether you shared it"), "nothing chosen: the error: {main}");
    check(&client, &axe, "the pledge form in error").await;
    click(&client, "#kept-yes").await;
    follow(&client, "form[action$='/pledge'] button[type=submit]").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("You shared what you pledged"), "{main}");
    check(&client, &axe, "the booking with its pledge kept").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the booking at 375 px").await;

    client.delete_all_cookies().await.unwrap();
    client.set_window_size(1280, 900).await.unwrap();
    go(&client, &app, "/login").await;
    fill(&client, "#email", &host.email).await;
    fill(&client, "#password", "correct horse battery").await;
    follow(&client, "form[action='/login'] button").await;
    go(&client, &app, &format!("/host/venues/{venue}/report?from=2026-11-23&to=2026-11-30&by=day")).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("By day") && main.contains("EUR 15.00") && main.contains("Pledges kept"), "{main}");
    check(&client, &axe, "the report by day").await;
    client.close().await.unwrap();
}

/// Logs `who` in through the log-in page.
async fn log_in_as(client: &Client, app: &TestApp, who: &crate::helpers::Member) {
    client.delete_all_cookies().await.unwrap();
    go(client, app, "/login").await;
    fill(client, "#email", &who.email).await;
    fill(client, "#password", "correct horse battery").await;
    follow(client, "form[action='/login'] button").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_organises_a_gathering_another_comes_and_the_organiser_moves_someone_up_on_a_laptop_and_a_phone() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let (zoe, ann, bo, cas) =
        (app.member("Zoë").await, app.member("Ann").await, app.member("Bo").await, app.member("Cas").await);
    for (who, name) in [(&ann, "Ann"), (&bo, "Bo"), (&cas, "Cas")] {
        crate::gathering_pages::public(&app, who, name).await;
    }

    log_in_as(&client, &app, &zoe).await;
    follow(&client, "nav a[href='/gatherings']").await;
    check(&client, &axe, "gatherings, none yet").await;
    follow(&client, "main a[href='/gatherings/new']").await;
    check(&client, &axe, "organise a gathering").await;
    fill(&client, "#capacity", "0").await;
    follow(&client, "button.big").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Please correct") && main.contains("Title must not be empty"), "{main}");
    assert!(main.contains("Places must be from 1 to 10000 places"), "every problem at once: {main}");
    check(&client, &axe, "organise a gathering, the form in error").await;
    fill(&client, "#title", "Coworken bij Zoë").await;
    fill(&client, "#description", "Bring your laptop.\nLunch together at one.").await;
    fill(&client, "#tags", "writing, python").await;
    fill(&client, "#address", "Kanaalstraat 3").await;
    fill(&client, "#city", "Utrecht").await;
    fill(&client, "#capacity", "1").await;
    client.find(Locator::Css("#repeat")).await.unwrap().select_by_value("weekly").await.unwrap();
    fill(&client, "#count", "3").await;
    follow(&client, "button.big").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Your gathering is open") && main.contains("Kanaalstraat 3"), "{main}");
    check(&client, &axe, "a new gathering, for its organiser").await;
    screenshot(&client, "journey-gathering-organised.png").await;
    let gathering = path_now(&client).await.trim_start_matches("/gatherings/").split('?').next().unwrap().to_owned();

    log_in_as(&client, &app, &ann).await;
    go(&client, &app, &format!("/gatherings/{gathering}")).await;
    let main = text_of(&client, "main").await;
    assert!(!main.contains("Kanaalstraat") && main.contains("The address is shown to the people going"), "{main}");
    follow(&client, "form[action^='/gathering-dates/'][action$='/rsvp'] button").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("You're going.") && main.contains("Kanaalstraat 3"), "going, with the address: {main}");
    check(&client, &axe, "a gathering, going").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "a gathering, going, at 375 px").await;
    screenshot(&client, "phone-gathering.png").await;
    go(&client, &app, "/gatherings?city=Utrecht").await;
    assert!(text_of(&client, "main").await.contains("Full"), "the listing says it is full");
    check(&client, &axe, "gatherings in Utrecht at 375 px").await;
    client.set_window_size(1280, 900).await.unwrap();

    let date = app.get(&format!("/api/v1/gatherings/{gathering}"), Some(&ann)).await.body["dates"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for who in [&bo, &cas] {
        let answered =
            app.call(reqwest::Method::POST, &format!("/api/v1/gathering-dates/{date}/rsvp"), Some(who), None).await;
        assert_eq!(answered.body["status"], "waiting", "{}", answered.body);
    }

    log_in_as(&client, &app, &zoe).await;
    go(&client, &app, &format!("/gatherings/{gathering}")).await;
    follow(&client, &format!("a[href='/gathering-dates/{date}/line']")).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Ann · Going") && main.contains("Bo · In line") && main.contains("Cas · In line"), "{main}");
    check(&client, &axe, "the line").await;
    follow(&client, &format!("form[action$='/{}/move-up'] button", cas.id)).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("This must not be empty."), "a reason is needed: {main}");
    check(&client, &axe, "the line, a move without a reason").await;
    fill(&client, &format!("#reason-{}", cas.id), "Gives the opening talk").await;
    follow(&client, &format!("form[action$='/{}/move-up'] button", cas.id)).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Moved up: Gives the opening talk"), "{main}");
    assert!(main.find("Cas · In line").unwrap() < main.find("Bo · In line").unwrap(), "Cas first now: {main}");
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the line at 375 px").await;
    screenshot(&client, "phone-gathering-line.png").await;
    follow(&client, &format!("a[href='/gathering-dates/{date}/cancel']")).await;
    check(&client, &axe, "cancelling a date, confirmed first, at 375 px").await;
    go(&client, &app, "/gatherings/new").await;
    check(&client, &axe, "organise a gathering at 375 px").await;
    screenshot(&client, "phone-gathering-form.png").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_puts_up_a_post_another_writes_and_the_author_answers_on_a_laptop_and_a_phone() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let (ann, bo) = (app.member("Ann").await, app.member("Bo").await);
    for (who, name) in [(&ann, "Ann"), (&bo, "Bo")] {
        crate::gathering_pages::public(&app, who, name).await;
    }

    log_in_as(&client, &app, &ann).await;
    go(&client, &app, "/board?city=Utrecht").await;
    check(&client, &axe, "the board, nothing up yet").await;
    fill(&client, "#tags", "lighting").await;
    follow(&client, "button.big").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Please correct") && main.contains("Title must not be empty"), "{main}");
    assert!(main.contains("What it is: Choose what it is about."), "every problem at once: {main}");
    check(&client, &axe, "putting up a post, the form in error").await;
    client.find(Locator::Css("#category")).await.unwrap().select_by_value("equipment").await.unwrap();
    fill(&client, "#title", "Desk lamp to lend").await;
    fill(&client, "#body", "A warm LED lamp.\nPick it up at the café.").await;
    fill(&client, "#city", "Utrecht").await;
    follow(&client, "button.big").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Your post is up") && main.contains("Desk lamp to lend"), "{main}");
    check(&client, &axe, "a new post, for its author").await;
    let post = path_now(&client).await.split('?').next().unwrap().to_owned();

    log_in_as(&client, &app, &bo).await;
    go(&client, &app, &post).await;
    assert!(text_of(&client, "main").await.contains("Write to Ann"));
    check(&client, &axe, "a post, for a member").await;
    fill(&client, "#body", "Could I borrow it on Friday?").await;
    follow(&client, "form[action$='/write'] button").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Sent.") && main.contains("Could I borrow it on Friday?"), "{main}");
    check(&client, &axe, "a post, written to its author").await;

    log_in_as(&client, &app, &ann).await;
    go(&client, &app, &post).await;
    fill(&client, &format!("#reply-{}", bo.id), "Yes, Friday at ten.").await;
    follow(&client, &format!("#with-{} form button", bo.id)).await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("Yes, Friday at ten.") && main.contains("Fulfilled with"), "{main}");
    check(&client, &axe, "a post with a conversation, for its author").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "a post with a conversation, for its author, at 375 px").await;
    screenshot(&client, "phone-board-post.png").await;
    go(&client, &app, "/board?city=Utrecht").await;
    assert!(text_of(&client, "main").await.contains("Desk lamp to lend"));
    check(&client, &axe, "the board in Utrecht at 375 px").await;
    go(&client, &app, "/me/emails").await;
    check(&client, &axe, "the e-mail settings at 375 px").await;
    client.set_window_size(1280, 900).await.unwrap();
    follow(&client, "form[action='/me/emails'] button").await;
    assert!(text_of(&client, "main").await.contains("Saved"));
    check(&client, &axe, "the e-mail settings, saved").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_adds_a_webhook_sees_its_secret_once_and_sends_a_delivery_again_on_a_laptop_and_a_phone() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = crate::webhooks::app_allowing_loopback().await else { return };
    let receiver = crate::webhooks::Receiver::start().await;
    let (host, ann) = (app.member("Host").await, app.member("Ann").await);
    let (venue, _) = app.venue(&host, 4).await;
    log_in_as(&client, &app, &host).await;
    go(&client, &app, &format!("/host/venues/{venue}")).await;
    follow(&client, &format!("a[href='/host/venues/{venue}/webhooks']")).await;
    assert!(text_of(&client, "main").await.contains("No webhooks yet"));
    check(&client, &axe, "the webhooks page").await;

    fill(&client, "#url", "ftp://files.example.org").await;
    fill(&client, "#events", "booking.made, booking.eaten").await;
    follow(&client, "form[action$='/webhooks'] button").await;
    let url_error = text_of(&client, "#url-error").await;
    assert!(url_error.contains("https://"), "{url_error}");
    let kept = client.find(Locator::Css("#events")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("booking.made, booking.eaten"), "what was typed is kept");
    check(&client, &axe, "the webhook form in error").await;

    fill(&client, "#url", &receiver.url()).await;
    fill(&client, "#events", "booking.made").await;
    follow(&client, "form[action$='/webhooks'] button").await;
    let secret = text_of(&client, ".secret").await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    check(&client, &axe, "the webhooks page with its new secret").await;

    assert_eq!(app.book(&ann, venue, MONDAY, "10:00", "12:00").await.status, reqwest::StatusCode::CREATED);
    let got = receiver.wait_for(1).await;
    standardwebhooks::Webhook::new(&secret)
        .unwrap()
        .sign(
            &got[0].id(),
            got[0].headers["webhook-timestamp"].to_str().unwrap().parse().unwrap(),
            got[0].body.as_bytes(),
        )
        .map(|signed| assert!(got[0].headers["webhook-signature"].to_str().unwrap().contains(&signed)))
        .unwrap();
    eventually("the delivery shown", || async {
        go(&client, &app, &format!("/host/venues/{venue}/webhooks")).await;
        text_of(&client, "main").await.contains("Delivered").then_some(())
    })
    .await;
    assert!(!text_of(&client, "main").await.contains(&secret), "the secret is shown once");
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the webhooks page with a delivery at 375 px").await;
    follow(&client, "form[action$='/send-again'] button").await;
    assert!(path_now(&client).await.ends_with("done=sent"));
    let again = receiver.wait_for(2).await;
    assert_eq!(again[1].id(), again[0].id(), "the same delivery again");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_previews_members_to_import_corrects_the_file_and_confirms_on_a_laptop_and_a_phone() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 4).await;
    log_in_as(&client, &app, &host).await;
    go(&client, &app, &format!("/host/venues/{venue}")).await;
    check(&client, &axe, "the venue's page with its import and exports").await;
    follow(&client, &format!("a[href='/host/venues/{venue}/import']")).await;
    check(&client, &axe, "the members' import").await;

    fill(&client, "#file", "name,email,tags\nAnna,anna@acme.example,ux\nBo,bo-at-acme,\n").await;
    follow(&client, "form[action$='/import'] button.secondary").await;
    let main = text_of(&client, "main").await;
    assert!(main.contains("The file has 1 error"), "{main}");
    assert!(main.contains("must be an e-mail address like name@example.org"), "{main}");
    let fault = text_of(&client, "section[aria-labelledby='faults'] tbody tr").await;
    assert!(fault.starts_with('3') && fault.contains("email"), "the line and the column: {fault}");
    let kept = client.find(Locator::Css("#file")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(kept.contains("bo-at-acme"), "what was pasted is kept: {kept}");
    assert!(client.find(Locator::Css("input[name='confirm']")).await.is_err(), "no confirming a file with errors");
    assert_eq!(app.count("venue_residents").await, 0, "a preview writes nothing");
    check(&client, &axe, "the preview with an error").await;
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the preview with an error at 375 px").await;
    client.set_window_size(1280, 900).await.unwrap();

    fill(&client, "#file", "name,email,tags\nAnna,anna@acme.example,ux\nBo,bo@acme.example,\n").await;
    follow(&client, "form[action$='/import'] button.secondary").await;
    let members = text_of(&client, "section[aria-labelledby='members'] tbody").await;
    assert!(members.contains("anna@acme.example") && members.contains("bo@acme.example"), "{members}");
    check(&client, &axe, "the preview, ready").await;
    follow(&client, "form[action$='/import'] input[name='confirm'] ~ button").await;
    assert_eq!(path_now(&client).await, format!("/host/venues/{venue}?residents=1"));
    let residents = text_of(&client, "section[aria-labelledby='residents']").await;
    assert!(residents.contains("anna@acme.example") && residents.contains("bo@acme.example"), "{residents}");
    assert!(residents.contains("Anna · tags: ux"), "the file's name and tags are kept: {residents}");
    assert_eq!(app.count("venue_residents").await, 2);
    app.smtp.first_with("bo@acme.example", "Hello Bo").await;
    let sent = "venue_residents WHERE told_outcome = 'sent'";
    crate::helpers::eventually("both recorded as told", || async { (app.count(sent).await == 2).then_some(()) }).await;
    go(&client, &app, &format!("/host/venues/{venue}")).await;
    let residents = text_of(&client, "section[aria-labelledby='residents']").await;
    assert!(residents.contains("Bo · told by e-mail"), "{residents}");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_previews_venues_to_import_and_confirms_accessibly() {
    let Some((_driver, client, axe)) = tools().await else { return };
    let Some(app) = spawn_app().await else { return };
    let admin = app.member("Admin").await;
    let email = thirdspace_domain::email::Email::parse(&admin.email).unwrap();
    app.store.set_admin(&email, true).await.unwrap();
    log_in_as(&client, &app, &admin).await;
    go(&client, &app, "/host").await;
    follow(&client, "a[href='/host/import-venues']").await;
    check(&client, &axe, "the venues' import").await;

    let header = "name,kind,address,city,country,time_zone,opening_hours\n";
    let bad = format!("{header}Café de Zwaan,cafe,Oudegracht 12,Utrecht,NL,Europe/Amsterdam,mon 18:00-08:00\n");
    fill(&client, "#file", &bad).await;
    follow(&client, "form[action='/host/import-venues'] button.secondary").await;
    let fault = text_of(&client, "section[aria-labelledby='faults'] tbody tr").await;
    assert!(fault.starts_with('2') && fault.contains("opening_hours"), "the line and the column: {fault}");
    assert_eq!(app.count("venues").await, 0, "a preview writes nothing");
    client.set_window_size(375, 812).await.unwrap();
    check(&client, &axe, "the venues' preview with an error at 375 px").await;
    client.set_window_size(1280, 900).await.unwrap();

    fill(&client, "#file", &bad.replace("mon 18:00-08:00", "mon 08:00-18:00")).await;
    follow(&client, "form[action='/host/import-venues'] button.secondary").await;
    check(&client, &axe, "the venues' preview, ready").await;
    follow(&client, "form[action='/host/import-venues'] input[name='confirm'] ~ button").await;
    assert_eq!(path_now(&client).await, "/host");
    assert!(text_of(&client, "main").await.contains("Café de Zwaan"));
    assert_eq!(app.count("venues").await, 1);
    client.close().await.unwrap();
}
