//! Lists by the page: the count of the whole list and one page of it, with the same filter.

use thirdspace_store::{Page, Paged, StoreError, StoreResult};

use crate::{Columns, Sql, Value};

/// `SELECT COUNT(*) FROM {from}` and `SELECT {columns} FROM {from} ORDER BY {order}` for one
/// page, with `args` bound to the filter's placeholders `$1…` in `from`.
pub async fn paged<C: Sql, T>(
    c: &mut C,
    columns: &str,
    from: &str,
    order: &str,
    args: &[Value],
    page: Page,
    row: impl Fn(&C::Row) -> StoreResult<T>,
) -> StoreResult<Paged<T>> {
    let count = c.fetch_optional(&format!("SELECT COUNT(*) AS n FROM {from}"), args).await?;
    let total = match count {
        Some(r) => r.unsigned::<u64>("n")?,
        None => 0,
    };
    let (limit, offset) = (args.len() + 1, args.len() + 2);
    let list = format!("SELECT {columns} FROM {from} ORDER BY {order} LIMIT ${limit} OFFSET ${offset}");
    let mut all = args.to_vec();
    all.extend([Value::from(page.limit()), Value::from(page.offset())]);
    let rows = c.fetch_all(&list, &all).await?;
    let items = rows.iter().map(row).collect::<Result<_, StoreError>>()?;
    Ok(Paged { items, page: page.page, per_page: page.per_page, total })
}
