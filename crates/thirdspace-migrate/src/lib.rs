//! Moves a whole network from one database to another, e.g. from the SQLite file a single
//! instance started on to the PostgreSQL that several instances share.
//!
//! Every table is copied in one write transaction on the target, from one consistent snapshot of
//! the source. Before committing, the target is read back: each table's row count and content
//! checksum must equal the source's, or nothing is kept. The target must be empty.

mod db;
pub mod schema;
pub mod value;

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;

use crate::db::{Db, Tx};
use crate::schema::{Table, TABLES};
use crate::value::{Tally, Value};

/// Which of the two databases something is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Source,
    Target,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Source => "the source (--from)",
            Side::Target => "the target (--to)",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{side} is not a database URL thirdspace knows: use sqlite://path/to/file.db or postgres://user@host/db")]
    Unsupported { side: Side },
    #[error("{side} could not be opened: {message}")]
    Open { side: Side, message: String },
    #[error("{side} does not have the schema this version moves: {detail}")]
    Schema { side: Side, detail: String },
    #[error("the target already holds data ({table}: {rows} rows); migrate-data fills an empty database only")]
    NotEmpty { table: &'static str, rows: i64 },
    #[error("{table}, row {row}, column {column}: {message}; nothing was written")]
    Value { table: &'static str, column: &'static str, row: String, message: String },
    #[error("writing {table} failed: {message}; nothing was written")]
    Insert { table: &'static str, message: String },
    #[error("the target does not hold what the source does ({}); nothing was written", .0.differences())]
    Mismatch(Box<Report>),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// A table's row count and content checksum (SHA-256, see [`value::Tally`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub checksum: String,
}

#[derive(Debug, Clone)]
pub struct TableReport {
    pub table: &'static str,
    pub source: Summary,
    pub target: Summary,
}

/// What was moved, table by table, and how long it took.
#[derive(Debug, Clone)]
pub struct Report {
    pub tables: Vec<TableReport>,
    pub elapsed: Duration,
}

impl Report {
    /// Every table holds as many rows, with the same content, on both sides.
    pub fn matches(&self) -> bool {
        self.tables.iter().all(|t| t.source == t.target)
    }

    /// Rows moved, over every table.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.target.rows).sum()
    }

    fn differences(&self) -> String {
        let tables: Vec<String> = self
            .tables
            .iter()
            .filter(|t| t.source != t.target)
            .map(|t| {
                if t.source.rows == t.target.rows {
                    format!("{}: same {} rows, other content", t.table, t.source.rows)
                } else {
                    format!("{}: {} rows, {} arrived", t.table, t.source.rows, t.target.rows)
                }
            })
            .collect();
        tables.join("; ")
    }
}

/// Copies every table from the database at `from` into the empty database at `to`. Both are
/// brought up to this version's schema first. On any error the target is left as it was.
pub async fn migrate_data(from: &str, to: &str) -> Result<Report, MigrateError> {
    let started = Instant::now();
    let source = Db::open(from, Side::Source).await?;
    let target = Db::open(to, Side::Target).await?;
    source.check_schema(Side::Source).await?;
    target.check_schema(Side::Target).await?;
    let mut reading = source.read().await?;
    let mut writing = target.write().await?;
    let copied = copy(&mut reading, &mut writing).await;
    // The source was only read.
    reading.rollback().await?;
    let tables = match copied {
        Ok(tables) => tables,
        Err(e) => {
            writing.rollback().await?;
            return Err(e);
        }
    };
    let report = Report { tables, elapsed: started.elapsed() };
    if !report.matches() {
        writing.rollback().await?;
        return Err(MigrateError::Mismatch(Box::new(report)));
    }
    writing.commit().await?;
    source.close().await;
    target.close().await;
    Ok(Report { elapsed: started.elapsed(), ..report })
}

/// Each table's row count and checksum, as `migrate-data` computes them: to compare two
/// databases at any time.
pub async fn summarize(url: &str) -> Result<Vec<(&'static str, Summary)>, MigrateError> {
    let db = Db::open(url, Side::Source).await?;
    db.check_schema(Side::Source).await?;
    let mut reading = db.read().await?;
    let mut summaries = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        summaries.push((table.name, tally(&mut reading, table).await?));
    }
    reading.rollback().await?;
    db.close().await;
    Ok(summaries)
}

async fn copy(source: &mut Tx, target: &mut Tx) -> Result<Vec<TableReport>, MigrateError> {
    for table in TABLES {
        let rows = target.count(table).await?;
        if rows > 0 {
            return Err(MigrateError::NotEmpty { table: table.name, rows });
        }
    }
    let mut reports = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let mut read = Tally::default();
        let sql = source.select(table);
        let mut rows = source.rows(table, &sql);
        let mut batch: Vec<Vec<Value>> = Vec::new();
        while let Some(row) = rows.try_next().await? {
            read.add(&row);
            batch.push(row);
            if batch.len() == db::BATCH {
                target.insert(table, &batch).await?;
                batch.clear();
            }
        }
        drop(rows);
        target.insert(table, &batch).await?;
        // Read back what the target now holds, through its own types.
        let written = tally(target, table).await?;
        let source = Summary { rows: read.rows(), checksum: read.checksum() };
        reports.push(TableReport { table: table.name, source, target: written });
    }
    Ok(reports)
}

async fn tally(tx: &mut Tx, table: &'static Table) -> Result<Summary, MigrateError> {
    let sql = tx.select(table);
    let mut tally = Tally::default();
    let mut rows = tx.rows(table, &sql);
    while let Some(row) = rows.try_next().await? {
        tally.add(&row);
    }
    drop(rows);
    Ok(Summary { rows: tally.rows(), checksum: tally.checksum() })
}
