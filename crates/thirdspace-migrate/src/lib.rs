//! Moves a whole network from one database to another, e.g. from the SQLite file a single
//! instance started on to the PostgreSQL that several instances share.
//!
//! Every table is copied in one write transaction on the target (every table locked), from one
//! consistent read-only snapshot of the source. Before committing, the target is read back: each
//! table's row count and content checksum must equal the source's, or nothing is kept. The
//! target must be empty; the source must be a thirdspace database of this version's schema.

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
    #[error("{side} cannot be used: {detail}")]
    Schema { side: Side, detail: String },
    #[error("the target already holds data ({table}: {rows} rows); migrate-data fills an empty database only")]
    NotEmpty { table: &'static str, rows: i64 },
    #[error("{table}, row {row}, column {column}: {message}; nothing was moved")]
    Value { table: &'static str, column: &'static str, row: String, message: String },
    #[error("writing {table} failed: {message}; nothing was moved")]
    Insert { table: &'static str, message: String },
    #[error("the target does not hold what the source does ({}); nothing was moved", .0.differences())]
    Mismatch(Box<Report>),
    #[error("{side}: {message}")]
    Database { side: Side, message: String },
}

impl MigrateError {
    fn database(side: Side, e: sqlx::Error) -> Self {
        Self::Database { side, message: e.to_string() }
    }
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

/// Copies every table from the thirdspace database at `from` into the empty database at `to`
/// (brought up to this version's schema first). The source is only read. On any error or
/// difference nothing is kept: the target's tables stay empty, and an SQLite file this run
/// created is removed.
pub async fn migrate_data(from: &str, to: &str) -> Result<Report, MigrateError> {
    let started = Instant::now();
    let source = Db::connect(from, Side::Source).await?;
    source.check_source().await?;
    let target = Db::connect(to, Side::Target).await?;
    let moved = move_all(&source, &target, started).await;
    source.close(true).await;
    target.close(moved.is_ok()).await;
    moved.map(|tables| Report { tables, elapsed: started.elapsed() })
}

/// Each table's row count and checksum, as `migrate-data` computes them, to compare two
/// databases at any time. Only reads.
pub async fn summarize(url: &str) -> Result<Vec<(&'static str, Summary)>, MigrateError> {
    let db = Db::connect(url, Side::Source).await?;
    db.check_source().await?;
    let mut reading = db.read().await?;
    let summed = async {
        let mut summaries = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            summaries.push((table.name, tally(&mut reading, table).await?));
        }
        Ok(summaries)
    }
    .await;
    reading.rollback().await;
    db.close(true).await;
    summed
}

async fn move_all(source: &Db, target: &Db, started: Instant) -> Result<Vec<TableReport>, MigrateError> {
    target.prepare_target().await?;
    let mut reading = source.read().await?;
    let mut writing = target.write().await?;
    let copied = copy(&mut reading, &mut writing).await;
    reading.rollback().await;
    match copied.map(|tables| Report { tables, elapsed: started.elapsed() }) {
        Ok(report) if report.matches() => {
            writing.commit().await?;
            Ok(report.tables)
        }
        Ok(report) => {
            writing.rollback().await;
            Err(MigrateError::Mismatch(Box::new(report)))
        }
        Err(e) => {
            writing.rollback().await;
            Err(e)
        }
    }
}

async fn copy(source: &mut Tx, target: &mut Tx) -> Result<Vec<TableReport>, MigrateError> {
    // Checked again under the target's locks: an instance may have written since.
    for table in TABLES {
        let rows = target.count(table).await?;
        if rows > 0 {
            return Err(MigrateError::NotEmpty { table: table.name, rows });
        }
    }
    let mut read = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let mut tally = Tally::default();
        let sql = source.select(table);
        let mut rows = source.rows(table, &sql);
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(db::BATCH);
        while let Some(row) = rows.try_next().await? {
            tally.add(&row);
            batch.push(row);
            if batch.len() == db::BATCH {
                target.insert(table, &batch).await?;
                batch.clear();
            }
        }
        drop(rows);
        target.insert(table, &batch).await?;
        read.push(Summary { rows: tally.rows(), checksum: tally.checksum() });
    }
    target.recount().await?;
    // Read back what the target now holds, through its own types, once everything is in.
    let mut reports = Vec::with_capacity(TABLES.len());
    for (table, source) in TABLES.iter().zip(read) {
        let target = tally(target, table).await?;
        reports.push(TableReport { table: table.name, source, target });
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
