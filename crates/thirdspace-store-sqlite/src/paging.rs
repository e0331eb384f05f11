//! Lists by the page: the count of the whole list and one page of it, with the same filter.

use sqlx::sqlite::SqliteRow;
use sqlx::SqlitePool;
use thirdspace_store::{Page, Paged, StoreResult};

use crate::db;

/// A value for a `?` of a list's filter.
pub enum Arg {
    Text(String),
    Int(i64),
}

/// `SELECT COUNT(*) FROM {from}` and `SELECT {columns} FROM {from} ORDER BY {order}` for one
/// page, with `args` bound to the filter's placeholders in `from`.
pub async fn paged<T>(
    pool: &SqlitePool,
    columns: &str,
    from: &str,
    order: &str,
    args: &[Arg],
    page: Page,
    row: impl Fn(&SqliteRow) -> Result<T, sqlx::Error>,
) -> StoreResult<Paged<T>> {
    let count_sql = format!("SELECT COUNT(*) FROM {from}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    let list_sql = format!("SELECT {columns} FROM {from} ORDER BY {order} LIMIT ? OFFSET ?");
    let mut list = sqlx::query(&list_sql);
    for arg in args {
        match arg {
            Arg::Text(s) => {
                count = count.bind(s.clone());
                list = list.bind(s.clone());
            }
            Arg::Int(i) => {
                count = count.bind(*i);
                list = list.bind(*i);
            }
        }
    }
    let total = count.fetch_one(pool).await.map_err(db)?;
    let rows = list.bind(page.limit()).bind(page.offset()).fetch_all(pool).await.map_err(db)?;
    let items = rows.iter().map(row).collect::<Result<_, _>>().map_err(db)?;
    Ok(Paged { items, page: page.page, per_page: page.per_page, total: total as u64 })
}
