//! Small polars idioms shared by the checks and the indicators.

use chrono::NaiveDate;
use polars::prelude::*;

pub fn day_number(d: NaiveDate) -> i32 {
    (d - NaiveDate::default()).num_days() as i32
}

pub fn days_of(name: &str) -> Expr {
    col(name).cast(DataType::Int32)
}

pub fn smaller(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt(b.clone())).then(a).otherwise(b)
}

pub fn larger(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt(b.clone())).then(a).otherwise(b)
}

pub fn left_join() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}

/// The rows of `frame` whose `key` is (or, with `keep = false`, is not) among those of
/// `other`: a semi or anti join.
pub fn matching(frame: LazyFrame, other: LazyFrame, key: &str, keep: bool) -> LazyFrame {
    let marked = other
        .select([col(key)])
        .unique(None, UniqueKeepStrategy::First)
        .with_column(lit(true).alias("_trouve"));
    let joined = frame.join(marked, [col(key)], [col(key)], left_join());
    let found = col("_trouve").is_not_null();
    joined
        .filter(if keep { found } else { found.not() })
        .drop(cols(["_trouve"]))
}
