use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use thirdspace_domain::email::Email;
use thirdspace_server::auth::{new_token, token_hash};
use thirdspace_server::clock::ManualClock;
use thirdspace_server::mail::Mailer;
use thirdspace_server::{AppState, Application, ServerConfig};

use crate::smtp::SmtpSink;
use thirdspace_store::{NewToken, NewUser, Store, TokenKind};
use thirdspace_store_postgres::cluster::TestCluster;
use thirdspace_store_postgres::PgOptions;
use uuid::Uuid;

/// Monday 23 November 2026, 09:00 in Amsterdam (08:00 UTC).
pub const MONDAY_9AM: i64 = 1_795_420_800;
pub const MONDAY: &str = "2026-11-23";

/// How long a test waits for something that happens in the background (an event, an e-mail, the
/// sweep): generous, so that a loaded machine is slow rather than failing. Latency is measured by
/// the benchmarks (docs/BENCHMARKS.md), not here.
pub const PATIENCE: Duration = Duration::from_secs(15);

/// Asks `check` again and again until it answers `Some`, for at most [`PATIENCE`], and gives its
/// answer; panics naming `what` when it never does.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: not within {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The database a test binary runs its servers on: each test gets a fresh one.
#[derive(Clone, Copy)]
pub enum Backend {
    /// A new SQLite file in a temporary directory, with the in-process event bus.
    Sqlite,
    /// A new database on the shared throwaway PostgreSQL cluster, with the `LISTEN/NOTIFY` bus.
    Postgres,
}

/// One test's database, opened anew by each server start.
enum Database {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl Database {
    /// A fresh database on `backend`; `None` (after a loud note) when PostgreSQL is missing
    /// outside CI.
    async fn create(backend: Backend, dir: &std::path::Path) -> Option<Self> {
        match backend {
            Backend::Sqlite => Some(Self::Sqlite(dir.join("test.db"))),
            Backend::Postgres => {
                let url = TestCluster::shared()?.create_database().await.expect("a database");
                Some(Self::Postgres(url))
            }
        }
    }

    async fn open(&self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(path) => Arc::new(
                thirdspace_store_sqlite::open(&format!("sqlite://{}", path.display())).await.expect("open store"),
            ),
            Self::Postgres(url) => {
                let store = thirdspace_store_postgres::open(url, PgOptions::default()).await.expect("open store");
                store.listen().await.expect("listening for events");
                Arc::new(store)
            }
        }
    }

    /// `SELECT COUNT(*) FROM {from}`, read straight from the database.
    async fn count(&self, from: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {from}");
        match self {
            Self::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("pool");
                let n = sqlx::query_scalar(&sql).fetch_one(&pool).await.expect("count");
                pool.close().await;
                n
            }
            Self::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.expect("pool");
                let n = sqlx::query_scalar(&sql).fetch_one(&pool).await.expect("count");
                pool.close().await;
                n
            }
        }
    }

    /// Runs `sql` straight on the database, as an operator's statement would.
    async fn execute(&self, sql: &str) {
        match self {
            Self::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("pool");
                sqlx::query(sql).execute(&pool).await.expect("statement");
                pool.close().await;
            }
            Self::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.expect("pool");
                sqlx::query(sql).execute(&pool).await.expect("statement");
                pool.close().await;
            }
        }
    }
}

impl Drop for Database {
    /// Drops a PostgreSQL test database, so a run does not leave one per test on the cluster.
    fn drop(&mut self) {
        let Self::Postgres(url) = self else { return };
        let (Some(cluster), url) = (TestCluster::shared(), url.clone()) else { return };
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(cluster.drop_database(&url))
        });
        let _ = dropped.join();
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    database: Database,
    /// Where the server's e-mail goes.
    pub smtp: SmtpSink,
    addr: SocketAddr,
    /// Where the server's metrics are served, when its settings ask for them.
    pub metrics: Option<SocketAddr>,
    config: ServerConfig,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// A member with an API token.
#[derive(Clone)]
pub struct Member {
    pub id: Uuid,
    pub token: String,
    pub email: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Reply {
    /// The `error.code` of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or("")
    }
}

/// The settings of a test's server: links to `http://thirdspace.test`, screens that notice a
/// revoked token quickly.
pub fn test_config() -> ServerConfig {
    ServerConfig {
        public_url: "http://thirdspace.test".to_owned(),
        screen_recheck: Duration::from_millis(200),
        mail_every: Duration::from_millis(100),
        ..ServerConfig::default()
    }
}

/// A server started by [`serve`].
struct Served {
    store: Arc<dyn Store>,
    addr: SocketAddr,
    /// Where its metrics are served, when its settings ask for them.
    metrics: Option<SocketAddr>,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// A server on `addr` over `database`, stopped by the returned sender.
async fn serve(
    addr: SocketAddr,
    database: &Database,
    clock: Arc<ManualClock>,
    smtp: &SmtpSink,
    config: ServerConfig,
) -> Served {
    let store = database.open().await;
    let mailer = Mailer::smtp(&smtp.url(), "thirdspace <noreply@thirdspace.test>").expect("mailer");
    let state = AppState::new(store.clone(), clock, config).with_mailer(mailer);
    let app = Application::bind(addr, state).await.expect("bind");
    let addr = app.local_addr().expect("addr");
    let metrics = app.metrics_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Served { store, addr, metrics, stop, server }
}

/// A server on a random port over a fresh database of this binary's backend; `None` when that
/// backend is PostgreSQL and it is missing outside CI (the cluster says so loudly).
pub async fn spawn_app() -> Option<TestApp> {
    spawn_app_with(test_config()).await
}

/// [`spawn_app`] with other settings.
pub async fn spawn_app_with(config: ServerConfig) -> Option<TestApp> {
    let dir = tempfile::tempdir().expect("temp dir");
    let database = Database::create(crate::BACKEND, dir.path()).await?;
    let clock = Arc::new(ManualClock::new(MONDAY_9AM));
    let smtp = SmtpSink::start().await;
    let Served { store, addr, metrics, stop, server } =
        serve(SocketAddr::from(([127, 0, 0, 1], 0)), &database, clock.clone(), &smtp, config.clone()).await;
    Some(TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder().pool_max_idle_per_host(64).build().expect("client"),
        store,
        clock,
        database,
        smtp,
        addr,
        metrics,
        config,
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    })
}

/// An HTTP client on another machine: its connections come from `ip` (an address of the loopback
/// network other than the server's 127.0.0.1).
pub fn client_from(ip: std::net::Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::V4(ip)).build().expect("client")
}

/// A password hash computed once: creating many members stays fast.
pub fn shared_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| thirdspace_server::password::hash_blocking("correct horse battery").expect("hash"))
}

/// A member created straight in `store`, with an API token (their password is
/// "correct horse battery").
pub async fn member_in(store: &dyn Store, name: &str) -> Member {
    let email = format!("{}-{}@example.org", name.to_lowercase().replace(' ', "."), &Uuid::new_v4().to_string()[..8]);
    account_in(store, name, &email, true).await
}

/// A member at `email`, created straight in `store` with an API token, who has `verified` the
/// address or not.
pub async fn account_in(store: &dyn Store, name: &str, email: &str, verified: bool) -> Member {
    let email = email.to_owned();
    let user = store
        .create_user(NewUser {
            email: Email::parse(&email).expect("email"),
            password_hash: shared_hash().to_owned(),
            display_name: name.to_owned(),
            is_admin: false,
            email_verified: verified,
            now: MONDAY_9AM,
        })
        .await
        .expect("create user");
    let token = new_token();
    store
        .insert_token(NewToken {
            user: user.id,
            kind: TokenKind::Api,
            token_hash: token_hash(&token),
            name: "test".into(),
            now: MONDAY_9AM,
            expires_at: None,
        })
        .await
        .expect("token");
    Member { id: user.id, token, email }
}

impl TestApp {
    /// Stops the server (it must stop, open live streams or not: they would hold it for ever) and
    /// starts a new one on the same address and database, as a restart does.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// Stops the server; its store stays open, for the test to write as if it had not stopped.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(PATIENCE, server)
                .await
                .expect("the server stops, open streams or not")
                .expect("server task")
                .expect("served");
        }
    }

    /// Starts a new server on the same address and database.
    pub async fn start(&mut self) {
        let Served { store, metrics, stop, server, .. } =
            serve(self.addr, &self.database, self.clock.clone(), &self.smtp, self.config.clone()).await;
        self.store = store;
        self.metrics = metrics;
        self.stop = Some(stop);
        self.server = Some(server);
    }

    /// Another server on a random port over the same database, clock and SMTP server, as a second
    /// instance behind a load balancer; it stops when the sender is dropped or sent to.
    pub async fn another_instance(&self) -> (String, tokio::sync::oneshot::Sender<()>) {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let Served { addr, stop, .. } =
            serve(addr, &self.database, self.clock.clone(), &self.smtp, self.config.clone()).await;
        (format!("http://{addr}"), stop)
    }

    pub fn clock_now(&self) -> i64 {
        use thirdspace_server::clock::Clock;
        self.clock.now()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A member created straight in the store, with an API token.
    pub async fn member(&self, name: &str) -> Member {
        member_in(&*self.store, name).await
    }

    pub async fn call(&self, method: Method, path: &str, who: Option<&Member>, body: Option<Value>) -> Reply {
        self.call_with(&self.client, method, path, who, body).await
    }

    /// A call through `client` (e.g. one of [`client_from`], another machine).
    pub async fn call_with(
        &self,
        client: &reqwest::Client,
        method: Method,
        path: &str,
        who: Option<&Member>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = client.request(method, self.url(path));
        if let Some(m) = who {
            req = req.bearer_auth(&m.token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        Reply { status, body, headers }
    }

    pub async fn get(&self, path: &str, who: Option<&Member>) -> Reply {
        self.call(Method::GET, path, who, None).await
    }

    pub async fn post(&self, path: &str, who: Option<&Member>, body: Value) -> Reply {
        self.call(Method::POST, path, who, Some(body)).await
    }

    /// A venue open every day 08:00–18:00 in Amsterdam, with one open-seating space.
    pub async fn venue(&self, host: &Member, seats: u32) -> (Uuid, Uuid) {
        let reply = self.post("/api/v1/venues", Some(host), venue_body("De Werkplaats", "Utrecht")).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        let venue = reply.body["id"].as_str().expect("venue id").parse().expect("uuid");
        let space = self.space(host, venue, seats).await;
        (venue, space)
    }

    pub async fn space(&self, host: &Member, venue: Uuid, seats: u32) -> Uuid {
        let reply = self
            .post(
                &format!("/api/v1/venues/{venue}/spaces"),
                Some(host),
                json!({"name": "Open floor", "kind": "open_seating", "capacity": seats + 4, "social_capital_seats": seats}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.body["id"].as_str().expect("space id").parse().expect("uuid")
    }

    pub async fn book(&self, who: &Member, venue: Uuid, date: &str, start: &str, end: &str) -> Reply {
        self.post(
            &format!("/api/v1/venues/{venue}/bookings"),
            Some(who),
            json!({"date": date, "start": start, "end": end, "focus": "Writing my thesis", "pledge": "I can explain statistics",
                "accept_house_rules": true}),
        )
        .await
    }

    /// The member books today 09:00–17:00 and the venue's staff check them in.
    pub async fn arrive(&self, staff: &Member, member: &Member, venue: Uuid) -> Reply {
        let booked = self.book(member, venue, MONDAY, "09:00", "17:00").await;
        assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
        self.post(&format!("/api/v1/venues/{venue}/check-ins"), Some(staff), json!({"user_id": member.id})).await
    }

    /// A new screen token of `kind` ("display" or "kiosk") for the venue, as its host issues it.
    pub async fn screen_token(&self, host: &Member, venue: Uuid, kind: &str) -> String {
        self.screen_token_and_id(host, venue, kind).await.0
    }

    /// A new screen token of `kind` for `venue`, made by its host, and the token's id (to revoke it).
    pub async fn screen_token_and_id(&self, host: &Member, venue: Uuid, kind: &str) -> (String, String) {
        let reply = self
            .post(&format!("/api/v1/venues/{venue}/screen-tokens"), Some(host), json!({"kind": kind, "name": "Screen"}))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        (reply.body["token"].as_str().expect("token").to_owned(), reply.body["id"].as_str().expect("id").to_owned())
    }

    /// Today's check-in code, as the venue's host reads it.
    pub async fn code(&self, host: &Member, venue: Uuid) -> String {
        let reply = self.get(&format!("/api/v1/venues/{venue}/check-in-code"), Some(host)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body["code"].as_str().expect("code").to_owned()
    }

    /// Rows in a table (or `table WHERE …`), read straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        self.database.count(table).await
    }

    /// Runs `sql` straight on the database, behind the server's back.
    pub async fn execute(&self, sql: &str) {
        self.database.execute(sql).await;
    }
}

pub fn venue_body(name: &str, city: &str) -> Value {
    let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    json!({
        "name": name, "kind": "library", "address": "Kanaalstraat 1", "city": city, "country": "NL",
        "coordinates": {"latitude": 52.09, "longitude": 5.11},
        "time_zone": "Europe/Amsterdam",
        "opening_hours": days.iter().map(|d| json!({"day": d, "opens": "08:00", "closes": "18:00"})).collect::<Vec<_>>(),
        "closures": ["2026-12-25"],
        "amenities": ["Wifi", "coffee"],
        "house_rules": "Quiet in the reading room.",
        "no_show_grace_minutes": 30
    })
}
