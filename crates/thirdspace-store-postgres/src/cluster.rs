//! A throwaway PostgreSQL cluster for tests: `initdb` into a temporary directory, a server on a
//! free local port with trust authentication and no fsync, one fresh database per test.
//!
//! The binaries come from `PATH` or the newest `/usr/lib/postgresql/*/bin`. `initdb` refuses to
//! run as root, so under root the cluster runs as the `postgres` user (or `nobody`). A small shell
//! process watches a pipe held by this process and stops the server and removes its directory when
//! the pipe closes: when the cluster is dropped, or when the process exits, however it exits.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;

/// Why a cluster could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Neither `PATH` nor `/usr/lib/postgresql/*/bin` holds `initdb` and `pg_ctl`.
    #[error("no initdb and pg_ctl on PATH nor in /usr/lib/postgresql/*/bin")]
    NotInstalled,
    #[error("{0}")]
    Failed(String),
}

fn failed(what: &str, err: impl std::fmt::Display) -> ClusterError {
    ClusterError::Failed(format!("{what}: {err}"))
}

/// A running server on a temporary directory; stopped and removed on drop.
pub struct TestCluster {
    port: u16,
    binaries: Binaries,
    watchdog: Child,
    /// Removed by the watchdog; also removed on its own should starting fail before there is one.
    dir: TempDir,
}

impl TestCluster {
    /// Initialises and starts a new cluster.
    pub fn start() -> Result<Self, ClusterError> {
        let binaries = Binaries { dir: bin_dir().ok_or(ClusterError::NotInstalled)?, run_as: non_root_user()? };
        let dir =
            tempfile::Builder::new().prefix("thirdspace-pg-").tempdir().map_err(|e| failed("temporary dir", e))?;
        if let Some(user) = &binaries.run_as {
            run(Command::new("chown").arg(format!("{user}:")).arg(dir.path()), "chown")?;
        }
        let data = dir.path().join("data");
        let data = path_str(&data)?;
        let initdb = ["-D", data, "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"];
        run(&mut binaries.command("initdb", initdb), "initdb")?;

        let stop = binaries.command("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(r#"cat >/dev/null; "$@" >/dev/null 2>&1; rm -rf "$CLUSTER_DIR""#)
            .arg("sh")
            .arg(stop.get_program())
            .args(stop.get_args())
            .env("CLUSTER_DIR", dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| failed("watchdog", e))?;
        let mut cluster = Self { port: 0, binaries, watchdog, dir };

        // Another process may take the free port before the server binds it: then try another.
        for attempt in 1.. {
            cluster.port = free_port()?;
            match cluster.run_server() {
                Ok(()) => break,
                Err(e) if attempt == 3 => return Err(e),
                Err(_) => {}
            }
        }
        Ok(cluster)
    }

    /// Starts the server on its port, waiting until it accepts connections.
    fn run_server(&self) -> Result<(), ClusterError> {
        let log = self.dir.path().join("server.log");
        let data = self.dir.path().join("data");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c max_connections=200",
            self.port,
            path_str(self.dir.path())?
        );
        let start = ["-D", path_str(&data)?, "-l", path_str(&log)?, "-o", &options, "-w", "-t", "60", "start"];
        run(&mut self.binaries.command("pg_ctl", start), "pg_ctl start")
            .map_err(|e| failed(&e.to_string(), std::fs::read_to_string(&log).unwrap_or_default()))
    }

    /// Stops the server, dropping every connection and refusing new ones, as an outage of the
    /// database host looks to its clients: what a test of an outage needs. A fast shutdown, not an
    /// immediate one: this cluster commits asynchronously (for speed), so a crash would lose the
    /// last commits, which a real server's synchronous commits keep. [`Self::restart`] brings it
    /// back on the same port.
    pub fn halt(&self) -> Result<(), ClusterError> {
        let data = self.dir.path().join("data");
        run(&mut self.binaries.command("pg_ctl", ["-D", path_str(&data)?, "-m", "fast", "-w", "stop"]), "pg_ctl stop")
    }

    /// Starts the server again after [`Self::halt`].
    pub fn restart(&self) -> Result<(), ClusterError> {
        self.run_server()
    }

    /// The cluster every test of this process shares, started on first use. Without PostgreSQL
    /// installed it is `None` after a loud note, unless the `CI` variable is set.
    ///
    /// # Panics
    ///
    /// When the cluster does not start, or when PostgreSQL is missing on CI.
    pub fn shared() -> Option<&'static TestCluster> {
        static SHARED: OnceLock<Option<TestCluster>> = OnceLock::new();
        SHARED
            .get_or_init(|| match TestCluster::start() {
                Ok(cluster) => Some(cluster),
                Err(ClusterError::NotInstalled) if !in_ci() => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "\n*** SKIPPING PostgreSQL tests: {} (install PostgreSQL to run them) ***\n",
                        ClusterError::NotInstalled
                    );
                    None
                }
                Err(e) => panic!("the PostgreSQL test cluster did not start (CI needs PostgreSQL installed): {e}"),
            })
            .as_ref()
    }

    /// The URL of `database` on this cluster.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates an empty database with a name of its own and gives its URL.
    pub async fn create_database(&self) -> Result<String, sqlx::Error> {
        let name = format!("test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&self.url("postgres")).await?;
        admin.execute(format!(r#"CREATE DATABASE "{name}""#).as_str()).await?;
        admin.close().await?;
        Ok(self.url(&name))
    }

    /// Drops a database made by [`Self::create_database`], closing whatever is still connected.
    pub async fn drop_database(&self, url: &str) -> Result<(), sqlx::Error> {
        let name = url.rsplit('/').next().unwrap_or_default();
        let mut admin = PgConnection::connect(&self.url("postgres")).await?;
        admin.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str()).await?;
        admin.close().await
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        drop(self.watchdog.stdin.take());
        let _ = self.watchdog.wait();
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The directory holding `initdb` and `pg_ctl`: on `PATH`, else the newest Debian-style install.
fn bin_dir() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .find(|dir| has_both(dir));
    on_path.or_else(|| {
        let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version = entry.file_name().to_str()?.parse().ok()?;
                Some((version, entry.path().join("bin")))
            })
            .filter(|(_, bin)| has_both(bin))
            .collect();
        installed.sort();
        installed.pop().map(|(_, bin)| bin)
    })
}

/// The user to run PostgreSQL as when this process is root; `None` when it is not.
fn non_root_user() -> Result<Option<String>, ClusterError> {
    let uid = Command::new("id").arg("-u").output().map_err(|e| failed("id -u", e))?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Ok(None);
    }
    let exists = |user: &str| Command::new("id").arg(user).output().is_ok_and(|o| o.status.success());
    let user = ["postgres", "nobody"].into_iter().find(|u| exists(u));
    user.map(|u| Some(u.to_owned())).ok_or_else(|| failed("running as root", "no postgres or nobody user to run as"))
}

/// Where the PostgreSQL binaries are, and whom to run them as.
struct Binaries {
    dir: PathBuf,
    /// A user other than root, when this process is root (`initdb` refuses to run as root).
    run_as: Option<String>,
}

impl Binaries {
    /// `name args…` (with `runuser`, or `su` where it is missing, under root).
    fn command<'a>(&self, name: &str, args: impl IntoIterator<Item = &'a str>) -> Command {
        let program = self.dir.join(name);
        let Some(user) = &self.run_as else {
            let mut command = Command::new(program);
            command.args(args);
            return command;
        };
        let has_runuser = Command::new("runuser").arg("--version").output().is_ok_and(|o| o.status.success());
        if has_runuser {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program).args(args);
            command
        } else {
            let quote = |a: &str| format!("'{}'", a.replace('\'', r"'\''"));
            let quoted: Vec<String> =
                std::iter::once(quote(&program.to_string_lossy())).chain(args.into_iter().map(quote)).collect();
            let mut command = Command::new("su");
            command.args(["-s", "/bin/sh", user, "-c"]).arg(format!("exec {}", quoted.join(" ")));
            command
        }
    }
}

/// Runs a command to completion with no terminal attached, its output kept for the error.
fn run(command: &mut Command, what: &str) -> Result<(), ClusterError> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| failed(what, e))?;
    if output.status.success() {
        return Ok(());
    }
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Err(failed(what, format!("{} {}", output.status, said.trim())))
}

fn free_port() -> Result<u16, ClusterError> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| failed("free port", e))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| failed("free port", e))
}

fn path_str(path: &Path) -> Result<&str, ClusterError> {
    path.to_str().ok_or_else(|| failed("temporary dir", "not UTF-8"))
}
