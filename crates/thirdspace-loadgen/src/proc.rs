//! What Linux's /proc tells about the server, this process and the machine: open-file limit,
//! resident memory and CPU time.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// The soft limit on open files of this process, when the system says.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line.trim_start_matches("Max open files").split_whitespace().next()?.parse().ok()
}

/// The resident memory of a process, in kB.
pub fn rss_kb(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no VmRSS in {path}"))
}

/// The CPU time the threads of a process (`self` or a pid) have run so far.
fn cpu_time(pid: &str) -> Result<Duration> {
    let dir = format!("/proc/{pid}/task");
    let mut total = 0;
    for task in std::fs::read_dir(&dir).with_context(|| format!("reading {dir}"))? {
        let path = task?.path().join("schedstat");
        // A thread may end between the listing and the read.
        let Ok(stat) = std::fs::read_to_string(&path) else { continue };
        total += stat.split_whitespace().next().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    }
    Ok(Duration::from_nanos(total))
}

/// Busy and total time of all cores so far (in the kernel's ticks), and how many cores there are.
fn machine_ticks() -> Option<(u64, u64, u32)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let cores = stat.lines().filter(|l| l.starts_with("cpu") && !l.starts_with("cpu ")).count();
    let all = stat.lines().find_map(|l| l.strip_prefix("cpu "))?;
    // user nice system idle iowait irq softirq steal; guest time is already counted in user.
    let ticks: Vec<u64> = all.split_whitespace().take(8).filter_map(|v| v.parse().ok()).collect();
    let idle = ticks.get(3)? + ticks.get(4)?;
    let total: u64 = ticks.iter().sum();
    Some((total - idle, total, u32::try_from(cores).ok()?))
}

/// CPU used so far by the server, this process and the whole machine.
pub struct Usage {
    at: Instant,
    server: Option<Duration>,
    own: Option<Duration>,
    machine: Option<(u64, u64, u32)>,
}

impl Usage {
    /// Now; the server's share only when its pid is known.
    pub fn now(server: Option<u32>) -> Result<Self> {
        let server = server.map(|pid| cpu_time(&pid.to_string())).transpose()?;
        Ok(Self { at: Instant::now(), server, own: cpu_time("self").ok(), machine: machine_ticks() })
    }

    /// What was used from `self` to `later`: CPU time per event, and how busy the cores were and
    /// with what (the load generator shares the machine, and so may anything else running).
    pub fn report(&self, later: &Usage, events: usize) -> Vec<String> {
        let spent = |before: Option<Duration>, after: Option<Duration>| Some(after?.saturating_sub(before?));
        let (server, own) = (spent(self.server, later.server), spent(self.own, later.own));
        let per_event = |cpu: Duration| cpu.as_secs_f64() * 1000.0 / events as f64;
        let mut lines = Vec::new();
        let mut used: Vec<String> = server.map(|s| format!("server {:.2} ms", per_event(s))).into_iter().collect();
        used.extend(own.map(|o| format!("load generator {:.2} ms", per_event(o))));
        if !used.is_empty() {
            lines.push(format!("CPU per event      {}", used.join(", ")));
        }
        if let (Some((busy0, total0, cores)), Some((busy1, total1, _))) = (self.machine, later.machine) {
            let wall = later.at.saturating_duration_since(self.at).as_secs_f64();
            let busy = busy1.saturating_sub(busy0) as f64 / total1.saturating_sub(total0).max(1) as f64 * 100.0;
            let share = |cpu: Duration| cpu.as_secs_f64() / (wall * f64::from(cores)).max(f64::EPSILON) * 100.0;
            let mut parts: Vec<String> = server.map(|s| format!("server {:.0} %", share(s))).into_iter().collect();
            parts.extend(own.map(|o| format!("load generator {:.0} %", share(o))));
            if let (Some(s), Some(o)) = (server, own) {
                parts.push(format!("other processes {:.0} %", (busy - share(s) - share(o)).max(0.0)));
            }
            lines.push(format!("cores busy         {busy:.0} % of {cores} over {wall:.1} s: {}", parts.join(", ")));
        }
        lines
    }
}
