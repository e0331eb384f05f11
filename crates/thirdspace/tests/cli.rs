//! The binary as an operator uses it: the demo serves a seeded network, admin creates accounts.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn thirdspace() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_thirdspace"));
    cmd.env_remove("RUST_LOG").env("THIRDSPACE_LOG", "warn");
    cmd
}

async fn get_json(url: &str) -> serde_json::Value {
    let resp = reqwest::get(url).await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
    assert!(resp.status().is_success(), "GET {url}: {}", resp.status());
    resp.json().await.expect("json")
}

/// Starts `thirdspace args…` in `dir` and reads what it prints until a line starting with `last`.
async fn start(dir: &std::path::Path, args: &[&str], last: &'static str) -> (Running, Vec<String>) {
    let child = thirdspace()
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start thirdspace {args:?}: {e}"));
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("stdout");
    let lines = tokio::task::spawn_blocking(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("line");
            let done = line.starts_with(last);
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    });
    let lines = tokio::time::timeout(Duration::from_secs(120), lines).await.expect("it starts").expect("read");
    (running, lines)
}

/// Stops a server as systemd does (SIGTERM) and waits for it to exit by itself.
fn stop(mut running: Running) {
    let pid = running.0.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(sent.success());
    for _ in 0..100 {
        if let Ok(Some(status)) = running.0.try_wait() {
            assert!(status.success(), "a clean stop: {status}");
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("the server did not stop within ten seconds of SIGTERM");
}

/// The demo, started in `dir`: what it printed, and its base URL.
async fn demo(dir: &std::path::Path) -> (Running, Vec<String>, String) {
    let (running, lines) = start(dir, &["demo", "--bind", "127.0.0.1:0"], "Press Ctrl-C").await;
    let base = lines
        .iter()
        .find_map(|l| l.strip_prefix("thirdspace demo is running at "))
        .expect("the base URL is printed")
        .trim()
        .to_owned();
    (running, lines, base)
}

/// The link printed on the first line that starts with `label` (after its indent).
fn printed_link(lines: &[String], label: &str) -> String {
    lines
        .iter()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("a link for {label:?} is printed"))
        .to_owned()
}

async fn log_in(base: &str, email: &str, password: &str) -> reqwest::StatusCode {
    let login = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/tokens"))
        .json(&serde_json::json!({"email": email, "password": password, "name": "t"}))
        .send()
        .await
        .expect("login");
    login.status()
}

#[tokio::test]
async fn the_demo_serves_three_venues_and_forty_people_and_prints_where_to_look() {
    let dir = tempfile::tempdir().expect("dir");
    let (_running, lines, base) = demo(dir.path()).await;
    let text = lines.join("\n");
    assert!(text.contains("/api/docs") && text.contains("coworking-demo"), "{text}");
    let screen = printed_link(&lines, "live screen");
    let page = reqwest::get(&screen).await.expect("screen");
    assert_eq!(page.status(), reqwest::StatusCode::OK, "the printed screen link opens the dashboard");
    assert!(page.text().await.unwrap_or_default().contains("/assets/dashboard.js"));
    let kiosk = printed_link(&lines, "kiosk at the door");
    let page = reqwest::get(&kiosk).await.expect("kiosk");
    assert_eq!(page.status(), reqwest::StatusCode::OK, "the printed kiosk link opens the kiosk");
    assert!(page.text().await.unwrap_or_default().contains("Find yourself"));
    let web = printed_link(&lines, "Web app");
    let home = reqwest::get(&web).await.expect("web app");
    assert_eq!(home.status(), reqwest::StatusCode::OK);
    let html = home.text().await.unwrap_or_default();
    assert!(html.contains("Find a seat") && html.contains("Café"), "the home page lists the demo's venues");
    assert!(dir.path().join("thirdspace-demo.db").exists(), "an SQLite file in the working directory");
    let metrics = printed_link(&lines, "Metrics (Prometheus)");
    assert!(!metrics.starts_with(&base), "metrics are served apart from the public address: {metrics}");
    let scraped = reqwest::get(&metrics).await.expect("metrics").text().await.unwrap_or_default();
    assert!(scraped.contains("thirdspace_http_requests_total"), "{scraped}");

    let venues = get_json(&format!("{base}/api/v1/venues")).await;
    assert_eq!(venues["total"], 3);
    let kinds: std::collections::HashSet<_> = venues["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| v["kind"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(kinds.len(), 3, "three kinds of venue");
    let cities: std::collections::HashSet<_> = venues["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| v["city"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(cities.len(), 2, "in two cities");
    assert!(text.contains("40 people"), "{text}");
    let mut present = 0;
    for venue in venues["items"].as_array().expect("items") {
        let presence = get_json(&format!("{base}/api/v1/venues/{}/presence", venue["id"].as_str().unwrap_or(""))).await;
        present += presence["present"].as_u64().unwrap_or(0);
    }
    // The hub is open round the clock, so people are checked in whenever the demo starts, except in
    // the last minutes of the day, when no booking of the shortest length fits before midnight.
    let local = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam);
    if chrono::Timelike::hour(&local) < 23 || chrono::Timelike::minute(&local) < 40 {
        assert!(present > 0, "the hub open round the clock has people checked in");
    }
    let login = log_in(&base, "host1@demo.thirdspace.test", "coworking-demo").await;
    assert_eq!(login, reqwest::StatusCode::CREATED, "the printed demo login works");

    assert!(text.contains("/me/social-capital"), "where to see the ledger is printed: {text}");
    let member = lines
        .iter()
        .find_map(|l| l.trim().strip_prefix("checked in now: "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a member checked in now is printed")
        .to_owned();
    let client = reqwest::Client::new();
    let token: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/tokens"))
        .json(&serde_json::json!({"email": member, "password": "coworking-demo", "name": "t"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("a token");
    let record: serde_json::Value = client
        .get(format!("{base}/api/v1/me/social-capital"))
        .bearer_auth(token["token"].as_str().unwrap_or_default())
        .send()
        .await
        .expect("social capital")
        .json()
        .await
        .expect("a record");
    let counted = record["given"].as_u64().unwrap_or(0) + record["received"].as_u64().unwrap_or(0);
    assert!(counted > 0, "a demo member has a history of exchanges: {record}");
    assert!(record["months"].as_array().is_some_and(|m| m.len() > 1), "over several months: {record}");

    // The gatherings printed: a series of coworking days, and a session with people in line.
    let gatherings: Vec<String> = lines
        .iter()
        .filter_map(|l| l.split_whitespace().find(|w| w.contains("/api/v1/gatherings/")).map(str::to_owned))
        .collect();
    assert_eq!(gatherings.len(), 2, "{text}");
    let series = get_json(&gatherings[0]).await;
    assert_eq!(series["dates"].as_array().map(Vec::len), Some(6), "{series}");
    assert_eq!(series["address"], serde_json::Value::Null, "no address for a visitor");
    let session = get_json(&gatherings[1]).await;
    assert_eq!(
        (session["dates"][0]["places_left"].clone(), session["dates"][0]["waiting"].clone()),
        (serde_json::json!(0), serde_json::json!(3))
    );
    // Their pages, and the city's, as printed.
    let pages: Vec<String> = lines
        .iter()
        .filter_map(|l| {
            l.split_whitespace().find(|w| w.contains("/gatherings") && !w.contains("/api/")).map(str::to_owned)
        })
        .collect();
    assert_eq!(pages.len(), 3, "two gatherings and a city: {text}");
    for (page, shows) in pages.iter().zip(["Casual coworking at", "Full, 3 in line", "VAT for freelancers"]) {
        let html = reqwest::get(page).await.expect("a gathering's page").text().await.unwrap_or_default();
        assert!(html.contains(shows), "{page} shows {shows}: {html}");
    }

    // The board printed: four posts, and the city's board with them all.
    let posts: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| {
            let page = l.split_whitespace().find(|w| w.contains("/board/"))?;
            let author = l.split_whitespace().last()?.trim_end_matches(')');
            Some((page.to_owned(), author.to_owned()))
        })
        .collect();
    assert_eq!(posts.len(), 4, "a lamp, a monitor, a co-founder and a proofreader: {text}");
    let board = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/board?city=") && !w.contains("/api/")))
        .expect("the city's board is printed");
    let html = reqwest::get(board).await.expect("the board").text().await.unwrap_or_default();
    for shows in [
        "Desk lamp to lend",
        "At Café De Wolkenfabriek",
        "Spare 24-inch monitor",
        "co-founder for a climate app",
        "Proofreader",
    ] {
        assert!(html.contains(shows), "{board} shows {shows}: {html}");
    }
    let api = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.contains("/api/v1/board?city=")))
        .expect("the board's API is printed");
    assert_eq!(get_json(api).await.as_array().map(Vec::len), Some(4));
    // The lamp's author, logged in, finds the message a member wrote about it.
    let (lamp, author) = &posts[0];
    let session = reqwest::Client::builder().cookie_store(true).build().expect("a client");
    let logged_in = session
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": author, "password": "coworking-demo"}))
        .send()
        .await
        .expect("log in");
    assert!(logged_in.status().is_success(), "{}", logged_in.status());
    let html = session.get(lamp).send().await.expect("the lamp's page").text().await.unwrap_or_default();
    assert!(html.contains("Who wrote to you") && html.contains("Could I borrow the lamp on Thursday?"), "{html}");

    let second = thirdspace()
        .args(["demo", "--bind", "127.0.0.1:0"])
        .current_dir(dir.path())
        .output()
        .expect("start a second demo");
    assert!(!second.status.success(), "a second demo in the same folder refuses to start");
    assert!(String::from_utf8_lossy(&second.stderr).contains("another demo is running"));
    let again = get_json(&format!("{base}/api/v1/venues")).await;
    assert_eq!(again["items"], venues["items"], "the running demo's database was left alone");
}

#[tokio::test]
async fn admin_create_user_makes_a_network_admin_who_can_log_in() {
    let dir = tempfile::tempdir().expect("dir");
    let db = format!("sqlite://{}", dir.path().join("ops.db").display());
    let out = thirdspace()
        .args(["admin", "create-user", "--email", "Root@Example.org", "--name", "Root", "--admin", "--database", &db])
        .env("THIRDSPACE_PASSWORD", "a long admin password")
        .output()
        .expect("run admin");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("root@example.org"));
    let weak = thirdspace()
        .args(["admin", "create-user", "--email", "x@example.org", "--name", "X", "--database", &db])
        .env("THIRDSPACE_PASSWORD", "short")
        .output()
        .expect("run admin");
    assert!(!weak.status.success(), "a short password is refused");
    let store = thirdspace_store_sqlite::open(&db).await.expect("open");
    use thirdspace_store::Accounts;
    let email = thirdspace_domain::email::Email::parse("root@example.org").expect("email");
    let creds = store.credentials(&email).await.expect("read").expect("the account exists");
    assert!(creds.user.is_admin);
    let missing = thirdspace_domain::email::Email::parse("x@example.org").expect("email");
    assert!(store.credentials(&missing).await.expect("read").is_none());
}

#[tokio::test]
async fn the_demo_network_moves_to_postgresql_and_is_served_from_there() {
    let Some(cluster) = thirdspace_store_postgres::cluster::TestCluster::shared() else { return };
    let database = cluster.create_database().await.expect("a database");
    // Trust authentication ignores the password; it is there to show it never gets printed.
    let pg = database.replacen("postgres@", "postgres:s3cret-pw@", 1);
    let dir = tempfile::tempdir().expect("dir");
    let (running, _, base) = demo(dir.path()).await;
    let venues = get_json(&format!("{base}/api/v1/venues")).await;
    stop(running);

    // Stopped cleanly, the demo leaves one self-contained file: copied alone, it holds everything.
    let copy = tempfile::tempdir().expect("dir");
    std::fs::copy(dir.path().join("thirdspace-demo.db"), copy.path().join("network.db")).expect("copy");
    let sqlite = format!("sqlite://{}", copy.path().join("network.db").display());
    let moved = thirdspace().args(["migrate-data", "--from", &sqlite, "--to", &pg]).output().expect("run");
    let out = String::from_utf8_lossy(&moved.stdout);
    assert!(moved.status.success(), "{out}{}", String::from_utf8_lossy(&moved.stderr));
    assert!(out.contains("every table's row count and checksum match"), "{out}");
    let venue_line = out.lines().find(|l| l.starts_with("venues ")).expect("a line for venues");
    assert_eq!(venue_line.split_whitespace().take(3).collect::<Vec<_>>(), ["venues", "3", "3"], "{out}");
    assert!(!out.contains("s3cret-pw") && out.contains("****"), "the password is masked: {out}");

    let again = thirdspace().args(["migrate-data", "--from", &sqlite, "--to", &pg]).output().expect("run");
    assert!(!again.status.success(), "a database that holds data is not filled again");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));

    // While a server runs on the SQLite file, a second one and a move from it are refused.
    let (served_file, _) =
        start(copy.path(), &["serve", "--bind", "127.0.0.1:0", "--database", &sqlite], "thirdspace is serving on")
            .await;
    let second = thirdspace().args(["serve", "--bind", "127.0.0.1:0", "--database", &sqlite]).output().expect("run");
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("a thirdspace server is running on"));
    stop(served_file);

    let (_served, lines) =
        start(dir.path(), &["serve", "--bind", "127.0.0.1:0", "--database", &pg], "thirdspace is serving on").await;
    let base = served_at(&lines);
    assert_eq!(get_json(&format!("{base}/api/v1/venues")).await, venues, "the same venues, from PostgreSQL");
    let login = log_in(&base, "host1@demo.thirdspace.test", "coworking-demo").await;
    assert_eq!(login, reqwest::StatusCode::CREATED, "accounts and their passwords moved");
}

/// The base URL `thirdspace serve` printed as the last of `lines`.
fn served_at(lines: &[String]) -> String {
    lines
        .last()
        .and_then(|l| l.strip_prefix("thirdspace is serving on "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the address is printed")
        .to_owned()
}

/// `thirdspace serve` on a fresh SQLite file in `dir`, with `env` settings: the server and its
/// base URL.
async fn serve(dir: &std::path::Path, env: &[(&str, &str)]) -> (Running, String) {
    let mut cmd = thirdspace();
    cmd.args(["serve", "--bind", "127.0.0.1:0", "--database", "sqlite://serve.db"])
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut running = Running(cmd.spawn().expect("start thirdspace serve"));
    let stdout = running.0.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout).lines().map_while(Result::ok).find(|l| l.starts_with("thirdspace is serving on"))
    });
    let line = tokio::time::timeout(Duration::from_secs(60), line).await.expect("it starts").expect("read");
    let base = line.and_then(|l| l.split_whitespace().nth(4).map(str::to_owned)).expect("the address is printed");
    (running, base)
}

/// The most memory the process has held, in MiB.
fn peak_resident_mib(running: &Running) -> u64 {
    resident_mib(running, "VmHWM:")
}

/// The process's memory by `/proc`'s `field` (`VmHWM:` its peak, `VmRSS:` now), in MiB.
fn resident_mib(running: &Running, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", running.0.id())).expect("proc status");
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("a memory figure");
    kib / 1024
}

#[tokio::test]
async fn five_hundred_log_ins_at_once_keep_memory_bounded_and_the_excess_is_told_to_retry() {
    let dir = tempfile::tempdir().expect("dir");
    let (running, base) = serve(dir.path(), &[("THIRDSPACE_PASSWORD_THREADS", "2")]).await;
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client");
    let attempts = (0..500).map(|n| {
        let client = client.clone();
        let url = format!("{base}/api/v1/auth/login");
        tokio::spawn(async move {
            let body = serde_json::json!({"email": format!("nobody{n}@example.org"), "password": "guess guess guess"});
            let reply = client.post(url).json(&body).send().await.expect("an answer");
            (reply.status(), reply.headers().get("retry-after").is_some())
        })
    });
    let mut refused = 0;
    let mut busy = 0;
    for attempt in futures_join(attempts).await {
        match attempt {
            (reqwest::StatusCode::UNAUTHORIZED, _) => refused += 1,
            (reqwest::StatusCode::SERVICE_UNAVAILABLE, true) => busy += 1,
            other => panic!("every log-in is refused or told to retry later: {other:?}"),
        }
    }
    assert_eq!(refused + busy, 500);
    assert!(refused >= 2, "some log-ins were checked ({refused})");
    let peak = peak_resident_mib(&running);
    // Two hashes of about 19 MiB at a time, not one per request.
    assert!(peak < 160, "the server held {peak} MiB at its peak");
    // And once they are done, their memory goes back to the system.
    let now = resident_mib(&running, "VmRSS:");
    assert!(now + 30 <= peak, "{now} MiB held after the hashes, {peak} MiB at the peak");
}

/// Waits for every task, in order.
async fn futures_join<T: Send + 'static>(tasks: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for task in tasks.collect::<Vec<_>>() {
        out.push(task.await.expect("task"));
    }
    out
}

/// Opens a connection and sends `bytes` of a request that never ends.
async fn stall(base: &str, bytes: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(bytes).await.expect("send");
    stream
}

#[tokio::test]
async fn a_client_that_never_finishes_its_request_head_is_cut_off() {
    use tokio::io::AsyncReadExt;
    let dir = tempfile::tempdir().expect("dir");
    let (_running, base) = serve(dir.path(), &[("THIRDSPACE_REQUEST_HEAD_TIMEOUT_SECONDS", "1")]).await;
    let mut slow = stall(&base, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(15), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the server closes a connection whose head does not arrive in time");
    get_json(&format!("{base}/healthz")).await;
}

#[tokio::test]
async fn a_body_that_never_ends_is_answered_408() {
    use tokio::io::AsyncReadExt;
    let dir = tempfile::tempdir().expect("dir");
    let (_running, base) = serve(dir.path(), &[("THIRDSPACE_REQUEST_TIMEOUT_SECONDS", "1")]).await;
    let head = "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\n\
                content-length: 1000\r\n\r\n{\"email\":";
    let mut slow = stall(&base, head.as_bytes()).await;
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(15), slow.read(&mut answer)).await;
    let n = read.expect("answered in time").expect("read");
    let text = String::from_utf8_lossy(&answer[..n]);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("request_timeout"), "{text}");
}

#[tokio::test]
async fn a_stop_answers_requests_in_flight_and_ends_within_its_grace_while_clients_stall() {
    let dir = tempfile::tempdir().expect("dir");
    let env = [("THIRDSPACE_SHUTDOWN_GRACE_SECONDS", "2"), ("THIRDSPACE_REQUEST_HEAD_TIMEOUT_SECONDS", "600")];
    let (running, base) = serve(dir.path(), &env).await;
    let _half_head = stall(&base, b"GET /healthz HTTP/1.1\r\nHo").await;
    let _endless_body =
        stall(&base, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\ncontent-length: 99\r\n\r\n{").await;
    // When SIGTERM was sent: a request sent before it was in flight and must be answered; one
    // sent after it may find the server gone (refused, or reset by a listener closing under it).
    let stop_sent = std::sync::Arc::new(std::sync::OnceLock::<std::time::Instant>::new());
    let clients: Vec<_> = (0..32)
        .map(|_| {
            let (base, stop_sent) = (base.clone(), stop_sent.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let (mut answered, mut cut) = (0u32, 0u32);
                loop {
                    let sent = std::time::Instant::now();
                    match client.get(format!("{base}/api/v1/venues")).send().await {
                        Ok(reply) if reply.status().is_success() => answered += 1,
                        Ok(reply) => panic!("an answer of {}", reply.status()),
                        Err(_) if stop_sent.get().is_some_and(|stop| sent > *stop) => break,
                        Err(_) => cut += 1,
                    }
                }
                (answered, cut)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let began = std::time::Instant::now();
    let stopping = tokio::task::spawn_blocking({
        let stop_sent = stop_sent.clone();
        move || {
            let _ = stop_sent.set(std::time::Instant::now());
            stop(running)
        }
    });
    stopping.await.expect("it stops cleanly");
    assert!(began.elapsed() < Duration::from_secs(8), "stopped {:?} after SIGTERM", began.elapsed());
    let mut answered = 0;
    for client in clients {
        let (ok, cut) = client.await.expect("client");
        assert_eq!(cut, 0, "a request in flight when SIGTERM was sent was cut off without an answer");
        answered += ok;
    }
    assert!(answered > 0, "the clients were answered before the stop");
}

/// GET `url` with a time limit: its status and its error code, if any.
async fn answer_within(url: &str, limit: Duration) -> (reqwest::StatusCode, Option<String>, Duration) {
    let started = std::time::Instant::now();
    let resp = tokio::time::timeout(limit, reqwest::get(url))
        .await
        .unwrap_or_else(|_| panic!("GET {url} did not answer within {limit:?}"))
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    let code = body["error"]["code"].as_str().map(str::to_owned);
    (status, code, started.elapsed())
}

#[tokio::test]
async fn a_postgresql_outage_is_answered_503_quickly_and_the_server_recovers_when_it_returns() {
    // The shared cluster decides whether PostgreSQL tests run here; this one stops a cluster of its own.
    if thirdspace_store_postgres::cluster::TestCluster::shared().is_none() {
        return;
    }
    let cluster = thirdspace_store_postgres::cluster::TestCluster::start().expect("a cluster of its own");
    let database = cluster.create_database().await.expect("a database");
    let dir = tempfile::tempdir().expect("dir");
    let (_served, lines) =
        start(dir.path(), &["serve", "--bind", "127.0.0.1:0", "--database", &database], "thirdspace is serving on")
            .await;
    let base = served_at(&lines);
    let limit = Duration::from_secs(10);
    let (ready, _, took) = answer_within(&format!("{base}/readyz"), limit).await;
    assert_eq!(ready, reqwest::StatusCode::OK);
    eprintln!("the first /readyz answered in {took:?}");

    cluster.halt().expect("PostgreSQL stops");
    // The acquire timeout is three seconds and a health check waits two: well within ten.
    for path in ["/api/v1/venues", "/healthz", "/readyz"] {
        let (status, code, took) = answer_within(&format!("{base}{path}"), limit).await;
        eprintln!("{path} answered {status} {code:?} in {took:?} while PostgreSQL was down");
        assert_eq!(status, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{path} while the database is down");
        assert_eq!(code.as_deref(), Some("database_unavailable"), "{path}");
        assert!(took < Duration::from_secs(6), "{path} answered in {took:?}");
    }
    let signup = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/signup"))
        .json(&serde_json::json!({"email": "pat@example.org", "display_name": "Pat", "password": "correct horse battery"}))
        .timeout(limit)
        .send()
        .await
        .expect("an answer");
    assert_eq!(signup.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE, "a write while the database is down");
    assert!(signup.headers().contains_key("retry-after"));

    cluster.restart().expect("PostgreSQL starts again");
    let mut back = None;
    for _ in 0..60 {
        if answer_within(&format!("{base}/readyz"), limit).await.0 == reqwest::StatusCode::OK {
            back = Some(());
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(back.is_some(), "the server is ready again once PostgreSQL is back, without a restart");
    assert_eq!(log_in(&base, "pat@example.org", "correct horse battery").await, reqwest::StatusCode::UNAUTHORIZED);
    let again = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/signup"))
        .json(&serde_json::json!({"email": "pat@example.org", "display_name": "Pat", "password": "correct horse battery"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(again.status(), reqwest::StatusCode::CREATED, "writes work again");
}

/// A member created straight in the database file (as an operator's script would, beside the
/// running server), with an API token.
async fn member_in_file(store: &dyn thirdspace_store::Store, n: usize, hash: &str) -> (uuid::Uuid, String) {
    use thirdspace_server::auth::{new_token, token_hash};
    use thirdspace_store::{NewToken, NewUser, TokenKind};
    let now = chrono::Utc::now().timestamp();
    let email = thirdspace_domain::email::Email::parse(&format!("member{n}@example.org")).expect("email");
    let user = store
        .create_user(NewUser {
            email,
            password_hash: hash.to_owned(),
            display_name: format!("Member {n}"),
            is_admin: false,
            email_verified: true,
            now,
        })
        .await
        .expect("user");
    let token = new_token();
    let kind = TokenKind::Api;
    let new = NewToken { user: user.id, kind, token_hash: token_hash(&token), name: "t".into(), now, expires_at: None };
    store.insert_token(new).await.expect("token");
    (user.id, token)
}

#[tokio::test]
async fn a_backup_taken_under_booking_load_restores_every_booking_acknowledged_before_it_began() {
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().expect("dir");
    let (running, base) = serve(dir.path(), &[]).await;
    let url = format!("sqlite://{}", dir.path().join("serve.db").display());
    let store = thirdspace_store_sqlite::open(&url).await.expect("the server's file");
    let hash = thirdspace_server::password::hash_blocking("correct horse battery").expect("hash");
    let mut members = Vec::new();
    for n in 0..13 {
        members.push(member_in_file(&store, n, &hash).await);
    }
    store.close().await;
    let client = reqwest::Client::new();
    let (_, host) = members.pop().expect("the host");
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let hours: Vec<_> =
        days.iter().map(|d| serde_json::json!({"day": d, "opens": "08:00", "closes": "18:00"})).collect();
    let venue = serde_json::json!({"name": "Leeszaal", "kind": "library", "address": "Kanaalstraat 1", "city": "Utrecht",
        "country": "NL", "time_zone": "Europe/Amsterdam", "opening_hours": hours});
    let venue: serde_json::Value = client
        .post(format!("{base}/api/v1/venues"))
        .bearer_auth(&host)
        .json(&venue)
        .send()
        .await
        .expect("venue")
        .json()
        .await
        .expect("json");
    let venue = venue["id"].as_str().expect("venue id").to_owned();
    let space =
        serde_json::json!({"name": "Hall", "kind": "open_seating", "capacity": 200, "social_capital_seats": 200});
    let made = client
        .post(format!("{base}/api/v1/venues/{venue}/spaces"))
        .bearer_auth(&host)
        .json(&space)
        .send()
        .await
        .expect("space");
    assert_eq!(made.status(), reqwest::StatusCode::CREATED);

    // Twelve members book two-hour slots, day after day, while the backup is taken.
    let acknowledged: Arc<Mutex<Vec<(String, String, std::time::Instant)>>> = Arc::default();
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Amsterdam).date_naive();
    let load = members.into_iter().map(|(_, token)| {
        let (client, base, venue, acknowledged) = (client.clone(), base.clone(), venue.clone(), acknowledged.clone());
        tokio::spawn(async move {
            for day in 1..=30 {
                for start in [8, 10, 12, 14] {
                    let body = serde_json::json!({"date": (today + chrono::Days::new(day)).to_string(),
                        "start": format!("{start:02}:00"), "end": format!("{:02}:00", start + 2),
                        "focus": "Writing", "pledge": "I can explain statistics", "accept_house_rules": true});
                    let reply = client
                        .post(format!("{base}/api/v1/venues/{venue}/bookings"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await
                        .expect("booking");
                    assert_eq!(reply.status(), reqwest::StatusCode::CREATED);
                    let booked: serde_json::Value = reply.json().await.expect("json");
                    let id = booked["id"].as_str().expect("id").to_owned();
                    acknowledged.lock().expect("list").push((id, token.clone(), std::time::Instant::now()));
                }
            }
        })
    });
    let load: Vec<_> = load.collect();
    while acknowledged.lock().expect("list").len() < 300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let began = std::time::Instant::now();
    let to = dir.path().join("backup.db");
    let backed_up = {
        let to = to.clone();
        let dir = dir.path().to_owned();
        tokio::task::spawn_blocking(move || {
            thirdspace().args(["backup", "--database", "sqlite://serve.db", "--to"]).arg(&to).current_dir(dir).output()
        })
        .await
        .expect("join")
        .expect("run backup")
    };
    let ended = std::time::Instant::now();
    assert!(backed_up.status.success(), "{}", String::from_utf8_lossy(&backed_up.stderr));
    assert!(String::from_utf8_lossy(&backed_up.stdout).contains("bookings"));
    for task in load {
        task.await.expect("the load");
    }
    let all = acknowledged.lock().expect("list").clone();
    assert_eq!(all.len(), 12 * 30 * 4);
    let after = all.iter().filter(|(_, _, at)| *at > ended).count();
    assert!(after > 0, "bookings went on after the backup");
    stop(running);

    let restored = thirdspace()
        .args(["restore", "--database", "sqlite://serve.db", "--from"])
        .arg(&to)
        .current_dir(dir.path())
        .output()
        .expect("run restore");
    assert!(restored.status.success(), "{}", String::from_utf8_lossy(&restored.stderr));
    let (running, base) = serve(dir.path(), &[]).await;
    for (id, token, at) in &all {
        let reply = client.get(format!("{base}/api/v1/bookings/{id}")).bearer_auth(token).send().await.expect("read");
        if *at < began {
            assert_eq!(reply.status(), reqwest::StatusCode::OK, "a booking acknowledged before the backup is in it");
        } else if *at > ended {
            assert_eq!(reply.status(), reqwest::StatusCode::NOT_FOUND, "the backup is of one moment");
        }
    }
    stop(running);
}
