//! `thirdspace migrate-data`: moves a network into an empty database and shows, table by table,
//! the row counts and checksums compared.

use anyhow::{Context, Result};
use thirdspace_migrate::{migrate_data, MigrateError, Report};

use crate::config::masked;

pub async fn run(from: &str, to: &str) -> Result<()> {
    println!("Moving {} to {}", masked(from), masked(to));
    match migrate_data(from, to).await {
        Ok(report) => {
            print!("{}", table(&report));
            println!(
                "Moved {} rows in {} tables in {:.2} s: every table's row count and checksum match.",
                report.rows(),
                report.tables.len(),
                report.elapsed.as_secs_f64()
            );
            Ok(())
        }
        Err(MigrateError::Mismatch(report)) => {
            print!("{}", table(&report));
            Err(MigrateError::Mismatch(report)).context("the move was rolled back")
        }
        Err(e) => Err(e).context("nothing was moved"),
    }
}

/// One line per table: rows and checksum (its first 16 hex digits) on each side.
fn table(report: &Report) -> String {
    let mut out = format!("{:<18} {:>9} {:>9}  {:<16}\n", "table", "rows from", "rows to", "checksum (SHA-256)");
    for t in &report.tables {
        let same = t.source == t.target;
        out.push_str(&format!(
            "{:<18} {:>9} {:>9}  {:<16}  {}\n",
            t.table,
            t.source.rows,
            t.target.rows,
            &t.source.checksum[..16],
            if same { "same".to_owned() } else { format!("DIFFERS: target {}", &t.target.checksum[..16]) }
        ));
    }
    out
}
