//! Lists by the page: the count of the whole list and one page of it, with the same filter.

use chrono::NaiveDate;
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgPool, Postgres, Row};
use thirdspace_store::{Page, Paged, StoreResult};
use uuid::Uuid;

use crate::db;

/// A value for a `$n` of a list's filter.
pub enum Arg {
    Id(Uuid),
    Text(String),
    Int(i64),
    Date(NaiveDate),
}

impl Arg {
    fn bind<'q>(&self, query: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        match self {
            Self::Id(id) => query.bind(*id),
            Self::Text(s) => query.bind(s.clone()),
            Self::Int(i) => query.bind(*i),
            Self::Date(d) => query.bind(*d),
        }
    }
}

/// `SELECT COUNT(*) FROM {from}` and `SELECT {columns} FROM {from} ORDER BY {order}` for one
/// page, with `args` bound to the filter's placeholders `$1…` in `from`.
pub async fn paged<T>(
    pool: &PgPool,
    columns: &str,
    from: &str,
    order: &str,
    args: &[Arg],
    page: Page,
    row: impl Fn(&PgRow) -> Result<T, sqlx::Error>,
) -> StoreResult<Paged<T>> {
    let count_sql = format!("SELECT COUNT(*) FROM {from}");
    let mut count = sqlx::query(&count_sql);
    let (limit, offset) = (args.len() + 1, args.len() + 2);
    let list_sql = format!("SELECT {columns} FROM {from} ORDER BY {order} LIMIT ${limit} OFFSET ${offset}");
    let mut list = sqlx::query(&list_sql);
    for arg in args {
        count = arg.bind(count);
        list = arg.bind(list);
    }
    let total: i64 = count.fetch_one(pool).await.and_then(|r| r.try_get(0)).map_err(db)?;
    let rows = list.bind(page.limit()).bind(page.offset()).fetch_all(pool).await.map_err(db)?;
    let items = rows.iter().map(row).collect::<Result<_, _>>().map_err(db)?;
    let total = u64::try_from(total).map_err(thirdspace_store::StoreError::backend)?;
    Ok(Paged { items, page: page.page, per_page: page.per_page, total })
}
