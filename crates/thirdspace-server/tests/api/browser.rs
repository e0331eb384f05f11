//! The venue's screen in a real headless Chromium: live updates without reload, visibility, and
//! text that is never executed.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{spawn_app, Member, TestApp, PATIENCE};

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether skips must fail: `CI` is set to anything but empty, `false` or `0`.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A browser test cannot run here: a failure in CI, where `.ci/run` provides everything, else a
/// loud skip.
pub fn unavailable<T>(why: &str) -> Option<T> {
    skip_unless(in_ci(), why)
}

fn skip_unless<T>(in_ci: bool, why: &str) -> Option<T> {
    assert!(!in_ci, "browser test cannot run in CI: {why}");
    eprintln!("SKIPPING browser test: {why}");
    None
}

#[test]
fn a_browser_test_that_cannot_start_fails_in_ci_and_is_skipped_elsewhere() {
    let in_ci = std::panic::catch_unwind(|| skip_unless::<()>(true, "chromedriver does not start"));
    assert!(in_ci.is_err(), "in CI a browser test that cannot start must fail");
    assert_eq!(skip_unless::<()>(false, "chromedriver does not start"), None);
}

/// A chromedriver on a free port, or `None` (loudly) outside CI when the machine has none or it
/// cannot start.
pub async fn browser() -> Option<(Driver, Client)> {
    let found = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let Some(driver) = found else {
        return unavailable("no chromedriver here (apt-get install chromium chromium-driver)");
    };
    let port = match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(address) => address.port(),
        Err(e) => return unavailable(&format!("no free port for chromedriver: {e}")),
    };
    let started =
        Command::new(driver).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn();
    let child = match started {
        Ok(child) => child,
        Err(e) => return unavailable(&format!("chromedriver at {driver} does not start: {e}")),
    };
    let driver = Driver(child);
    // Two TLS back-ends are linked into the tests; the WebDriver connection is plain HTTP anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let caps = json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1600,900"]
        }
    });
    let caps = caps.as_object().cloned().unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let attempt = ClientBuilder::rustls()
            .expect("tls")
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await;
        match attempt {
            Ok(client) => return Some((driver, client)),
            Err(e) if Instant::now() > deadline => panic!("could not start a browser session: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

pub async fn text_of(client: &Client, css: &str) -> String {
    match client.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the element's text satisfies `ok`, for at most [`PATIENCE`]; how long it took.
pub async fn wait_for(client: &Client, css: &str, ok: impl Fn(&str) -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        if ok(&text_of(client, css).await) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

async fn profile(app: &TestApp, who: &Member, name: &str, visibility: &str) {
    let body = json!({"display_name": name, "headline": "Freelancer", "offers": ["bookkeeping", "vat"], "seeking": ["ux"], "visibility": visibility});
    app.call(Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_shows_arrivals_live_never_names_hidden_people_and_never_runs_their_text() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 220).await;
    let token = app.screen_token(&host, venue, "display").await;
    client.goto(&app.url(&format!("/venues/{venue}/screen?token={token}"))).await.unwrap();
    assert!(wait_for(&client, "#time", |t| t.contains(':')).await.is_some(), "the screen loads");

    let pat = app.member("Pat").await;
    profile(&app, &pat, r#"<img src=x onerror="window.__xss=1">Pat"#, "public").await;
    app.arrive(&host, &pat, venue).await;
    assert!(wait_for(&client, "#people", |t| t.contains("Pat")).await.is_some(), "Pat appears without a reload");
    let shown = text_of(&client, "#people").await;
    assert!(shown.contains(r#"<img src=x onerror="window.__xss=1">Pat"#), "the name shows as text: {shown}");
    let ran = client.execute("return window.__xss === 1;", vec![]).await.unwrap();
    assert_eq!(ran, json!(false), "nothing a person typed is ever executed");

    let hid = app.member("Hid").await;
    profile(&app, &hid, "Hidden Harriet", "hidden").await;
    app.arrive(&host, &hid, venue).await;
    assert!(wait_for(&client, "#here", |t| t == "2").await.is_some(), "the hidden person is counted");
    assert!(!client.source().await.unwrap().contains("Hidden Harriet"), "but never named");

    // Forty people, for the screenshot, then two hundred: pages that fit, nothing overflows.
    crowd(&app, &host, venue, 2, 40).await;
    assert!(wait_for(&client, "#here", |t| t == "40").await.is_some());
    let round = app.post(&format!("/api/v1/venues/{venue}/rounds"), Some(&host), json!({})).await;
    assert_eq!(round.status, reqwest::StatusCode::OK, "{}", round.body);
    app.post(
        &format!("/api/v1/venues/{venue}/questions"),
        Some(&pat),
        json!({"text": "Who can review my VAT return?", "tags": ["vat"]}),
    )
    .await;
    assert!(wait_for(&client, "#intros", |t| t.contains('+')).await.is_some(), "intros show");
    assert!(wait_for(&client, "#questions", |t| t.contains("VAT return")).await.is_some());
    // Knowledge shared here and confirmed appears live, by topic and never by name.
    let shared = app.member("Sam").await;
    for (who, name) in [(&shared, "Sam"), (&pat, r#"<img src=x onerror="window.__xss=1">Pat"#)] {
        let body =
            json!({"display_name": name, "offers": ["vat"], "visibility": "public", "record_visibility": "public"});
        app.call(reqwest::Method::PUT, "/api/v1/me/profile", Some(who), Some(body)).await;
    }
    let gave =
        json!({"with": pat.id, "role": "gave", "tags": ["vat"], "text": "Checked Pat's VAT return", "venue_id": venue});
    let proposed = app.post("/api/v1/me/exchanges", Some(&shared), gave).await;
    assert_eq!(proposed.status, reqwest::StatusCode::CREATED, "{}", proposed.body);
    let shown = client.find(Locator::Css("#shared-today")).await.unwrap().is_displayed().await.unwrap();
    assert!(!shown, "nothing shared yet: the section waits");
    let id = proposed.body["id"].as_str().unwrap();
    app.call(reqwest::Method::POST, &format!("/api/v1/exchanges/{id}/confirm"), Some(&pat), None).await;
    assert!(wait_for(&client, "#knowledge", |t| t.contains("VAT")).await.is_some(), "shared today, live");
    assert!(!text_of(&client, "#shared-today").await.contains("Sam"), "by topic, never by name");
    assert_fits(&client, 39).await;
    screenshot(&client, "dashboard-40-people.png").await;
    crowd(&app, &host, venue, 40, 200).await;
    assert!(wait_for(&client, "#here", |t| t == "200").await.is_some());
    assert_fits(&client, 199).await;
    screenshot(&client, "dashboard-200-people.png").await;
    for (w, h) in [(1024, 768), (1920, 1080), (800, 1280)] {
        client.set_window_size(w, h).await.unwrap();
        assert_fits(&client, 199).await;
    }
    client.close().await.unwrap();
}

/// People `from..to` check in at the venue, with public profiles of a few kinds.
async fn crowd(app: &TestApp, host: &Member, venue: uuid::Uuid, from: usize, to: usize) {
    let kinds = [
        ("Bookkeeper", ["bookkeeping", "vat"], ["ux design"]),
        ("UX designer", ["ux design", "user research"], ["python"]),
        ("Developer", ["python", "data analysis"], ["marketing"]),
        ("Marketer", ["marketing", "seo"], ["bookkeeping"]),
    ];
    for i in from..to {
        let m = app.member(&format!("Member {i}")).await;
        let (headline, offers, seeking) = kinds[i % kinds.len()];
        let body = json!({"display_name": format!("Member {i:03}"), "headline": headline, "offers": offers,
                          "seeking": seeking, "visibility": "public", "open_to_meet": true});
        app.call(Method::PUT, "/api/v1/me/profile", Some(&m), Some(body)).await;
        assert_eq!(app.arrive(host, &m, venue).await.status, reqwest::StatusCode::OK);
    }
}

pub async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), png).unwrap();
}

/// Every card shown lies inside its region and the window, no two overlap, the lists clip whole
/// items, and the pages of people cover all `shown` people once, in order: once the page has laid
/// itself out again, within [`PATIENCE`].
async fn assert_fits(client: &Client, shown: usize) {
    let started = Instant::now();
    loop {
        match misfit(&layout(client).await, shown) {
            None => return,
            Some(problem) if started.elapsed() > PATIENCE => panic!("{problem}"),
            Some(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// What is wrong with the screen's `layout` holding `shown` people, if anything.
fn misfit(layout: &serde_json::Value, shown: usize) -> Option<String> {
    let checks = [
        (layout["cards"].as_u64().unwrap_or(0) > 0, "some cards show"),
        (layout["inside"] == json!(true), "every card inside its region"),
        (layout["overlap"] == json!(false), "no cards overlap"),
        (layout["whole"] == json!(true), "no card is squeezed or cut"),
        (layout["lists"] == json!(true), "lists clip whole items"),
        (layout["qr"] == json!(true), "the QR code is on screen"),
    ];
    if let Some((_, rule)) = checks.iter().find(|(holds, _)| !holds) {
        return Some(format!("{rule}: {layout}"));
    }
    let mut next = 0;
    for range in layout["pages"].as_str().unwrap_or_default().split_whitespace() {
        let (a, b) = range.split_once('-').unwrap_or_default();
        if a.parse::<usize>().ok() != Some(next) {
            return Some(format!("pages follow each other: {layout}"));
        }
        next = b.parse().unwrap_or(usize::MAX);
    }
    (next != shown).then(|| format!("the pages hold everyone shown: {layout}"))
}

/// Where the screen's cards, lists and QR code are, and its pages of people.
async fn layout(client: &Client) -> serde_json::Value {
    client
        .execute(
            r#"
            var box = document.getElementById('people').getBoundingClientRect();
            var cards = Array.from(document.querySelectorAll('#people .card')).map(function (c) { return c.getBoundingClientRect(); });
            var inside = cards.every(function (r) {
              return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.left >= box.left - 1 && r.right <= box.right + 1
                && r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth + 1;
            });
            var whole = Array.from(document.querySelectorAll('#people .card')).every(function (c) {
              return c.scrollHeight <= c.clientHeight + 1 && c.getBoundingClientRect().height > 20;
            });
            var overlap = false;
            for (var i = 0; i < cards.length; i++) for (var j = i + 1; j < cards.length; j++) {
              var a = cards[i], b = cards[j];
              if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) overlap = true;
            }
            var lists = Array.from(document.querySelectorAll('main li')).every(function (li) {
              return li.getBoundingClientRect().bottom <= li.parentElement.getBoundingClientRect().bottom + 1;
            });
            var qr = document.querySelector('#qr img').getBoundingClientRect();
            return { cards: cards.length, inside: inside, whole: whole, overlap: overlap, lists: lists,
                     qr: qr.bottom <= window.innerHeight + 1 && qr.right <= window.innerWidth + 1 && qr.height > 50,
                     pages: document.getElementById('dashboard').getAttribute('data-pages') || '' };
            "#,
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_comes_back_by_itself_after_the_server_restarts() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(mut app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let token = app.screen_token(&host, venue, "display").await;
    client.goto(&app.url(&format!("/venues/{venue}/screen?token={token}"))).await.unwrap();
    assert!(wait_for(&client, "#time", |t| t.contains(':')).await.is_some());
    let before = app.member("Before").await;
    profile(&app, &before, "Before Restart", "public").await;
    app.arrive(&host, &before, venue).await;
    assert!(wait_for(&client, "#people", |t| t.contains("Before Restart")).await.is_some());

    app.restart().await;
    let after = app.member("After").await;
    profile(&app, &after, "After Restart", "public").await;
    let sent = Instant::now();
    app.arrive(&host, &after, venue).await;
    let seen = wait_for(&client, "#people", |t| t.contains("After Restart")).await;
    assert!(seen.is_some(), "the screen reconnected and caught up without a reload");
    eprintln!("the screen showed a check-in made after the restart {:?} later", sent.elapsed());
    let marker = client.execute("return performance.getEntriesByType('navigation').length;", vec![]).await.unwrap();
    assert_eq!(marker, json!(1), "one page load: no reload happened");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_door_the_kiosk_and_the_qr_code_check_people_in() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let kiosk = app.screen_token(&host, venue, "kiosk").await;
    let (ada, bo) = (app.member("Ada").await, app.member("Bo").await);
    let ada_profile =
        json!({"display_name": "Ada Lovelace", "offers": ["python"], "seeking": ["ux design"], "visibility": "public"});
    let bo_profile =
        json!({"display_name": "Bo", "offers": ["ux design"], "seeking": ["python"], "visibility": "public"});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&ada), Some(ada_profile)).await;
    app.call(Method::PUT, "/api/v1/me/profile", Some(&bo), Some(bo_profile)).await;
    app.arrive(&host, &bo, venue).await;
    app.book(&ada, venue, crate::helpers::MONDAY, "09:00", "17:00").await;

    // The kiosk: type a name, tap Find, tap Check in.
    client.goto(&app.url(&format!("/venues/{venue}/kiosk?token={kiosk}"))).await.unwrap();
    client.find(Locator::Css("#q")).await.unwrap().send_keys("ada").await.unwrap();
    client.find(Locator::Css("form.search button")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Css("ul.people button")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Css("ul.intros")).await.unwrap();
    let welcome = text_of(&client, "main").await;
    assert!(welcome.contains("Welcome, Ada Lovelace"), "{welcome}");
    assert!(welcome.contains("Bo"), "her top intro shows right away: {welcome}");

    // The QR code's page: log in, come back, one tap.
    let code = app.code(&host, venue).await;
    let walk_in = app.member("Cy").await;
    client.goto(&app.url(&format!("/check-in/{venue}?code={code}"))).await.unwrap();
    client.find(Locator::Css("#email")).await.unwrap().send_keys(&walk_in.email).await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys("correct horse battery").await.unwrap();
    client.find(Locator::Css("form button")).await.unwrap().click().await.unwrap();
    let button = client.wait().for_element(Locator::Css("button.big")).await.unwrap();
    assert_eq!(button.text().await.unwrap(), "Check in as Cy");
    button.click().await.unwrap();
    client.wait().for_element(Locator::Css("button.secondary")).await.unwrap();
    let done = text_of(&client, "main").await;
    assert!(done.contains("You're checked in at De Werkplaats"), "{done}");
    let presence = app.get(&format!("/api/v1/venues/{venue}/presence"), Some(&host)).await;
    assert_eq!(presence.body["present"], 3);
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_tv_a_long_reason_to_meet_is_clamped_at_whole_lines() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    // Names as long as a name may be (80 characters) make the line to meet them run long.
    let long = |first: &str| {
        let name: String = format!("{first} {}", "Vandermeulen-Oosterhuis ".repeat(4)).chars().take(80).collect();
        name.trim_end().to_owned()
    };
    for (name, offers, seeking) in [
        (long("Annemarie"), ["bookkeeping", "vat"], ["ux research"]),
        (long("Cornelis"), ["ux research", "usability"], ["bookkeeping"]),
    ] {
        let m = app.member("M").await;
        let body = json!({"display_name": name, "offers": offers, "seeking": seeking, "visibility": "public"});
        app.call(Method::PUT, "/api/v1/me/profile", Some(&m), Some(body)).await;
        app.arrive(&host, &m, venue).await;
        // Asking for suggestions records them: the screen shows the pair.
        app.get("/api/v1/me/suggestions", Some(&m)).await;
    }
    client.set_window_size(1920, 1080).await.unwrap();
    let token = app.screen_token(&host, venue, "display").await;
    client.goto(&app.url(&format!("/venues/{venue}/screen?token={token}"))).await.unwrap();
    assert!(
        wait_for(&client, "#intros", |t| t.contains("Annemarie")).await.is_some(),
        "the pair is suggested on the screen"
    );
    screenshot(&client, "dashboard-tv-long-reason.png").await;
    // Each line box of an item's text either shows whole or not at all inside the item's clip.
    let cut = client
        .execute(
            r#"
            var out = [];
            document.querySelectorAll('#intros li').forEach(function (li) {
              var box = li.getBoundingClientRect(), style = getComputedStyle(li);
              var top = box.top + parseFloat(style.borderTopWidth), bottom = top + li.clientHeight;
              var range = document.createRange();
              range.selectNodeContents(li);
              var lines = {};
              Array.from(range.getClientRects()).forEach(function (r) {
                var key = Math.round(r.top);
                lines[key] = { top: Math.min(r.top, (lines[key] || r).top), bottom: Math.max(r.bottom, (lines[key] || r).bottom) };
              });
              var shown = 0;
              Object.values(lines).forEach(function (l) {
                if (l.top < bottom - 0.5 && l.bottom > bottom + 0.5) out.push({ box: li.clientHeight, text: li.scrollHeight, line: l });
                if (l.bottom <= bottom + 0.5) shown += 1;
              });
              if (li.scrollHeight > li.clientHeight + 1 && shown !== 4) out.push({ clamped_to: shown });
            });
            return { cut: out, items: document.querySelectorAll('#intros li').length,
                     clamped: Array.from(document.querySelectorAll('#intros li')).some(function (li) { return li.scrollHeight > li.clientHeight + 1; }) };
            "#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(cut["clamped"], json!(true), "the reason is long enough to be clamped: {cut}");
    assert_eq!(cut["cut"], json!([]), "no line is cut through: {cut}");
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_s_day_shows_a_kiosk_check_in_live_and_the_kiosk_searches_as_you_type() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let ada = app.member("Ada").await;
    let body = json!({"display_name": "Ada Lovelace", "visibility": "public"});
    app.call(Method::PUT, "/api/v1/me/profile", Some(&ada), Some(body)).await;

    client.goto(&app.url("/login")).await.unwrap();
    client.find(Locator::Css("#email")).await.unwrap().send_keys(&host.email).await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys("correct horse battery").await.unwrap();
    client.find(Locator::Css("main form button")).await.unwrap().click().await.unwrap();
    client.wait().for_element(Locator::Css("nav")).await.unwrap();
    client.goto(&app.url(&format!("/host/venues/{venue}/today"))).await.unwrap();
    assert!(text_of(&client, "main").await.contains("0 here"), "{}", text_of(&client, "main").await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.arrive(&host, &ada, venue).await;
    let live = wait_for(&client, "main", |t| t.contains("1 here")).await;
    assert!(live.is_some(), "the check-in shows without a reload: {}", text_of(&client, "main").await);

    let kiosk = app.screen_token(&host, venue, "kiosk").await;
    client.goto(&app.url(&format!("/venues/{venue}/kiosk?token={kiosk}"))).await.unwrap();
    client.find(Locator::Css("#q")).await.unwrap().send_keys("lovel").await.unwrap();
    let found = wait_for(&client, "#found", |t| t.contains("Ada Lovelace")).await;
    assert!(found.is_some(), "found without tapping Find: {}", text_of(&client, "main").await);
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_screen_stops_showing_names_within_ten_seconds() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 5).await;
    let (token, id) = app.screen_token_and_id(&host, venue, "display").await;
    let pat = app.member("Pat").await;
    profile(&app, &pat, "Pat Public", "public").await;
    app.arrive(&host, &pat, venue).await;
    client.goto(&app.url(&format!("/venues/{venue}/screen?token={token}"))).await.unwrap();
    assert!(wait_for(&client, "#time", |t| t.contains(':')).await.is_some(), "it loads");
    let shown = wait_for(&client, "#people", |t| t.contains("Pat Public")).await;
    assert!(shown.is_some(), "{}", client.source().await.unwrap_or_default());

    let revoked =
        app.call(Method::DELETE, &format!("/api/v1/venues/{venue}/screen-tokens/{id}"), Some(&host), None).await;
    assert_eq!(revoked.status, reqwest::StatusCode::OK, "{}", revoked.body);
    let said = wait_for(&client, "#revoked", |t| t.contains("no longer works")).await;
    assert!(said.is_some(), "the screen says its link no longer works within ten seconds");
    eprintln!("the revoked screen said so {:?} after the revoke", said.unwrap_or_default());
    let page = client.source().await.unwrap();
    assert!(!page.contains("Pat Public"), "and shows no names any more");
    client.close().await.unwrap();
}

/// Whether the screen's "Today here" shows whole inside the window: its heading and each item
/// inside the section, none squeezed away.
async fn today_here_fits(client: &Client) -> serde_json::Value {
    client
        .execute(
            r#"
            var section = document.getElementById('today-here');
            var box = section.getBoundingClientRect();
            var items = Array.from(section.querySelectorAll('li')).map(function (li) { return li.getBoundingClientRect(); });
            var inside = function (r) {
              return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.left >= box.left - 1 && r.right <= box.right + 1;
            };
            return { shown: !section.hidden, items: items.length,
                     window: box.top >= -1 && box.left >= -1 && box.bottom <= window.innerHeight + 1 && box.right <= window.innerWidth + 1,
                     whole: items.every(function (r) { return inside(r) && r.height > 10; }) && inside(section.querySelector('h2').getBoundingClientRect()) };
            "#,
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_s_gatherings_here_show_on_the_screen_live_and_fit_a_tv_and_a_phone() {
    let Some((_driver, client)) = browser().await else { return };
    let Some(app) = spawn_app().await else { return };
    let host = app.member("Host").await;
    let (venue, _) = app.venue(&host, 10).await;
    let pat = app.member("Pat").await;
    profile(&app, &pat, "Pat Public", "public").await;
    app.arrive(&host, &pat, venue).await;
    crate::screens::gathering_here(&app, &host, venue, json!({})).await;
    let token = app.screen_token(&host, venue, "display").await;
    client.set_window_size(1920, 1080).await.unwrap();
    client.goto(&app.url(&format!("/venues/{venue}/screen?token={token}"))).await.unwrap();
    let shown = wait_for(&client, "#today-here", |t| t.contains("12:00–13:00 · 2 places left · VAT in an hour")).await;
    assert!(shown.is_some(), "today's session shows: {}", text_of(&client, "main").await);
    assert!(text_of(&client, "#gatherings").await.contains("VAT in an hour · Knowledge session"));

    // Organised and answered while the screen is on: it follows without a reload.
    let title: String =
        format!("Open afternoon: {}", "bring your laptop and a question ".repeat(4)).chars().take(120).collect();
    let open = crate::screens::gathering_here(
        &app,
        &host,
        venue,
        json!({"title": title.trim_end(), "kind": "venue_event", "start": "15:00", "end": "17:00", "capacity": 1}),
    )
    .await;
    assert!(wait_for(&client, "#gatherings", |t| t.contains("Open afternoon")).await.is_some(), "a new one, live");
    let ann = app.member("Ann").await;
    app.call(Method::POST, &format!("/api/v1/gathering-dates/{open}/rsvp"), Some(&ann), None).await;
    let full = wait_for(&client, "#gatherings li.full", |t| t.starts_with("15:00–17:00 · full · Open afternoon")).await;
    assert!(full.is_some(), "full once someone takes the last place: {}", text_of(&client, "#gatherings").await);
    crate::screens::gathering_here(
        &app,
        &host,
        venue,
        json!({"title": "Members' lunch", "start": "13:00", "end": "14:00", "members_only": true}),
    )
    .await;
    crate::screens::gathering_here(&app, &host, venue, json!({"title": "Late talk", "start": "17:00", "end": "18:00"}))
        .await;
    assert!(
        wait_for(&client, "#gatherings", |t| t.contains("+ 1 more today")).await.is_some(),
        "two, then how many more"
    );
    assert!(
        !client.source().await.unwrap().contains("Members' lunch"),
        "a members-only gathering stays off the screen"
    );

    for (w, h) in [(1920, 1080), (1024, 768), (800, 1280), (375, 812)] {
        client.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        screenshot(&client, &format!("dashboard-today-here-{w}x{h}.png")).await;
        assert_fits(&client, 1).await;
        let started = Instant::now();
        loop {
            let fits = today_here_fits(&client).await;
            if fits == json!({"shown": true, "items": 3, "window": true, "whole": true}) {
                break;
            }
            assert!(started.elapsed() < PATIENCE, "at {w}×{h} today's gatherings show whole: {fits}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    client.close().await.unwrap();
}
