//! Every table of a network and the kind of each column, in an order that inserts a row only after
//! the rows it refers to. Both backends hold the same tables and columns (their migrations keep
//! the same names); each stores a kind in its own type, e.g. a UUID as text on SQLite.

/// What a column holds, whatever type a backend stores it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `TEXT` on SQLite, `UUID` on PostgreSQL.
    Uuid,
    Text,
    /// Whole numbers (`INTEGER` on SQLite, `BIGINT` on PostgreSQL).
    Int,
    /// Small whole numbers (`INTEGER`, 32 bits, on PostgreSQL).
    Int32,
    /// `INTEGER` 0 or 1 on SQLite, `BOOLEAN` on PostgreSQL.
    Bool,
    /// A score, held to single precision (`REAL` on PostgreSQL).
    Real32,
    /// A coordinate (`REAL` on SQLite, `DOUBLE PRECISION` on PostgreSQL).
    Real64,
    /// `TEXT` on SQLite, `JSONB` on PostgreSQL.
    Json,
    /// `TEXT` as `YYYY-MM-DD` on SQLite, `DATE` on PostgreSQL.
    Date,
    /// `BLOB` on SQLite, `BYTEA` on PostgreSQL.
    Bytes,
}

pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

pub struct Table {
    pub name: &'static str,
    /// How many of the first columns make the primary key.
    pub key: usize,
    pub columns: &'static [Column],
}

impl Table {
    /// The columns, comma-separated, in this table's order.
    pub fn column_list(&self) -> String {
        self.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
    }
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

use Kind::{Bool, Bytes, Date, Int, Int32, Json, Real32, Real64, Text, Uuid};

/// The tables the database keeps itself from the others (the report's daily counts, kept by
/// triggers): they are not moved. An SQLite target's triggers fill them as the rows arrive; a
/// PostgreSQL target's are switched off for the copy and [`RECOUNT`] makes them once after it.
pub const DERIVED: &[&str] = &[
    "report_exchange_days",
    "report_intro_days",
    "report_intro_fields",
    "report_outcome_days",
    "report_question_days",
    "report_topic_days",
    "report_visit_days",
    "report_visitor_days",
];

/// Makes every derived table again from the rows, on PostgreSQL (migration 0016).
pub const RECOUNT: &str = "SELECT report_recount()";

/// PostgreSQL's triggers that keep the derived tables, by table: off during a copy (any other
/// trigger stays on).
pub const DERIVING_TRIGGERS: &[(&str, &str)] = &[
    ("bookings", "report_booking_changed"),
    ("exchanges", "report_exchange_changed"),
    ("exchange_tags", "report_topic_changed"),
    ("intros", "report_intro_changed"),
    ("questions", "report_question_changed"),
    ("outcomes", "report_outcome_changed"),
];

/// Every table, parents before children.
pub const TABLES: &[Table] = &[
    Table {
        name: "users",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("email", Text),
            col("password_hash", Text),
            col("is_admin", Bool),
            col("created_at", Int),
            col("email_verified_at", Int),
        ],
    },
    Table {
        name: "tokens",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("user_id", Uuid),
            col("kind", Text),
            col("token_hash", Text),
            col("name", Text),
            col("created_at", Int),
            col("expires_at", Int),
        ],
    },
    Table {
        name: "profiles",
        key: 1,
        columns: &[
            col("user_id", Uuid),
            col("display_name", Text),
            col("headline", Text),
            col("bio", Text),
            col("offers", Json),
            col("seeking", Json),
            col("seeking_text", Text),
            col("interests", Json),
            col("field", Text),
            col("links", Json),
            col("visibility", Text),
            col("open_to_meet", Bool),
            col("updated_at", Int),
            col("record_visibility", Text),
        ],
    },
    Table {
        name: "venues",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("name", Text),
            col("kind", Text),
            col("address", Text),
            col("city", Text),
            col("city_key", Text),
            col("country", Text),
            col("latitude", Real64),
            col("longitude", Real64),
            col("time_zone", Text),
            col("opening_hours", Json),
            col("closures", Json),
            col("amenities", Json),
            col("house_rules", Text),
            col("no_show_grace_minutes", Int32),
            col("checkin_secret", Bytes),
            col("created_at", Int),
            col("updated_at", Int),
            col("day_pass_price_minor", Int),
            col("day_pass_currency", Text),
            col("requires_approval", Bool),
            col("welcomes_gatherings", Bool),
        ],
    },
    Table {
        name: "venue_staff",
        key: 2,
        columns: &[col("venue_id", Uuid), col("user_id", Uuid), col("role", Text), col("since", Int)],
    },
    Table {
        name: "venue_residents",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("email", Text),
            col("domain", Text),
            col("added_by", Uuid),
            col("created_at", Int),
            col("name", Text),
            col("tags", Json),
            col("tell_due_at", Int),
            col("tell_claimed_until", Int),
            col("tell_attempts", Int32),
            col("told_at", Int),
            col("told_outcome", Text),
        ],
    },
    Table {
        name: "staff_invitations",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("email", Text),
            col("invited_by", Uuid),
            col("created_at", Int),
            col("accepted_at", Int),
        ],
    },
    Table {
        name: "spaces",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("name", Text),
            col("kind", Text),
            col("capacity", Int32),
            col("social_capital_seats", Int32),
            col("created_at", Int),
            col("updated_at", Int),
        ],
    },
    Table {
        name: "exchanges",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("giver_id", Uuid),
            col("receiver_id", Uuid),
            col("proposer_id", Uuid),
            col("venue_id", Uuid),
            col("source", Text),
            col("source_id", Uuid),
            col("tags", Json),
            col("text", Text),
            col("status", Text),
            col("proposed_at", Int),
            col("answered_at", Int),
        ],
    },
    Table {
        name: "exchange_tags",
        key: 2,
        columns: &[col("exchange_id", Uuid), col("tag", Text), col("confirmed_at", Int)],
    },
    Table {
        name: "bookings",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("user_id", Uuid),
            col("venue_id", Uuid),
            col("space_id", Uuid),
            col("date", Date),
            col("start_minute", Int32),
            col("end_minute", Int32),
            col("starts_at", Int),
            col("ends_at", Int),
            col("closes_at", Int),
            col("status", Text),
            col("focus", Text),
            col("pledge", Text),
            col("walk_in", Bool),
            col("checked_in_at", Int),
            col("checked_in_by", Uuid),
            col("checked_out_at", Int),
            col("cancelled_at", Int),
            col("created_at", Int),
            col("approval", Text),
            col("approval_message", Text),
            col("approved_by", Uuid),
            col("rules_accepted_at", Int),
            col("pledge_kept", Bool),
            col("pledge_exchange_id", Uuid),
            col("pledge_answered_at", Int),
            col("resident", Bool),
        ],
    },
    Table {
        name: "questions",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("asker_id", Uuid),
            col("text", Text),
            col("tags", Json),
            col("answered_at", Int),
            col("created_at", Int),
        ],
    },
    Table {
        name: "intros",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("person_a", Uuid),
            col("person_b", Uuid),
            col("score", Real32),
            col("reason", Text),
            col("a_answer", Text),
            col("b_answer", Text),
            col("met_at", Int),
            col("a_useful", Bool),
            col("b_useful", Bool),
            col("created_at", Int),
            col("settled_at", Int),
        ],
    },
    Table {
        name: "screen_tokens",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("kind", Text),
            col("name", Text),
            col("token_hash", Text),
            col("created_at", Int),
            col("revoked_at", Int),
        ],
    },
    Table {
        name: "login_links",
        key: 1,
        columns: &[
            col("token_hash", Text),
            col("user_id", Uuid),
            col("purpose", Text),
            col("created_at", Int),
            col("expires_at", Int),
            col("used_at", Int),
        ],
    },
    Table {
        name: "outcomes",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("owner_id", Uuid),
            col("category", Text),
            col("note", Text),
            col("with_id", Uuid),
            col("with_confirmed_at", Int),
            col("venue_id", Uuid),
            col("value_cents", Int),
            col("currency", Text),
            col("hours", Int32),
            col("sharing", Text),
            col("created_at", Int),
        ],
    },
    Table {
        name: "outcome_links",
        key: 3,
        columns: &[col("outcome_id", Uuid), col("kind", Text), col("target_id", Uuid)],
    },
    Table {
        name: "gatherings",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("organiser_id", Uuid),
            col("venue_id", Uuid),
            col("kind", Text),
            col("title", Text),
            col("description", Text),
            col("tags", Json),
            col("address", Text),
            col("city", Text),
            col("city_key", Text),
            col("time_zone", Text),
            col("start_minute", Int32),
            col("end_minute", Int32),
            col("members_only", Bool),
            col("requires_approval", Bool),
            col("repeat", Text),
            col("created_at", Int),
            col("updated_at", Int),
        ],
    },
    Table {
        name: "gathering_dates",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("gathering_id", Uuid),
            col("venue_id", Uuid),
            col("city_key", Text),
            col("date", Date),
            col("starts_at", Int),
            col("ends_at", Int),
            col("capacity", Int32),
            col("cancelled_at", Int),
            col("answers", Int),
            col("sequence", Int32),
            col("space_id", Uuid),
            col("attendance_confirmed_at", Int),
            col("taken", Int32),
            col("waiting", Int32),
        ],
    },
    Table {
        name: "gathering_rsvps",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("date_id", Uuid),
            col("user_id", Uuid),
            col("status", Text),
            col("position", Int),
            col("offered_until", Int),
            col("moved_up", Text),
            col("created_at", Int),
            col("updated_at", Int),
            col("attended_at", Int),
        ],
    },
    Table {
        name: "gathering_messages",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("date_id", Uuid),
            col("author_id", Uuid),
            col("subject", Text),
            col("body", Text),
            col("created_at", Int),
        ],
    },
    Table {
        name: "calendar_keys",
        key: 1,
        columns: &[col("user_id", Uuid), col("key_hash", Text), col("created_at", Int)],
    },
    Table {
        name: "mail_jobs",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("key", Text),
            col("kind", Text),
            col("user_id", Uuid),
            col("subject_id", Uuid),
            col("due_at", Int),
            col("claimed_until", Int),
            col("attempts", Int32),
            col("done_at", Int),
            col("outcome", Text),
            col("created_at", Int),
        ],
    },
    Table { name: "mail_off", key: 2, columns: &[col("user_id", Uuid), col("kind", Text)] },
    Table {
        name: "board_posts",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("author_id", Uuid),
            col("kind", Text),
            col("category", Text),
            col("title", Text),
            col("body", Text),
            col("tags", Json),
            col("venue_id", Uuid),
            col("city", Text),
            col("city_key", Text),
            col("expires_at", Int),
            col("status", Text),
            col("fulfilled_with", Uuid),
            col("closed_at", Int),
            col("created_at", Int),
            col("updated_at", Int),
        ],
    },
    Table {
        name: "board_messages",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("post_id", Uuid),
            col("member_id", Uuid),
            col("from_id", Uuid),
            col("body", Text),
            col("created_at", Int),
        ],
    },
    Table { name: "attempts", key: 1, columns: &[col("key", Text), col("count", Int32), col("since", Int)] },
    Table {
        name: "outbox",
        key: 1,
        columns: &[
            col("id", Int),
            col("type", Text),
            col("version", Int32),
            col("venue_id", Uuid),
            col("subject_id", Uuid),
            col("data", Json),
            col("occurred_at", Int),
        ],
    },
    Table {
        name: "webhook_endpoints",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("venue_id", Uuid),
            col("url", Text),
            col("events", Json),
            col("enabled", Bool),
            col("disabled_reason", Text),
            col("created_by", Uuid),
            col("created_at", Int),
            col("failing_since", Int),
            col("told_at", Int),
        ],
    },
    Table {
        name: "webhook_secrets",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("endpoint_id", Uuid),
            col("secret", Text),
            col("created_at", Int),
            col("expires_at", Int),
        ],
    },
    Table {
        name: "webhook_deliveries",
        key: 1,
        columns: &[
            col("id", Uuid),
            col("endpoint_id", Uuid),
            col("event_id", Int),
            col("event_type", Text),
            col("body", Text),
            col("status", Text),
            col("attempts", Int32),
            col("next_at", Int),
            col("claimed_until", Int),
            col("last_code", Int32),
            col("last_error", Text),
            col("created_at", Int),
            col("done_at", Int),
        ],
    },
    Table {
        name: "webhook_attempts",
        key: 2,
        columns: &[
            col("delivery_id", Uuid),
            col("attempt", Int32),
            col("at", Int),
            col("code", Int32),
            col("error", Text),
            col("duration_ms", Int32),
        ],
    },
    Table { name: "webhook_cursor", key: 1, columns: &[col("id", Int32), col("last_event", Int)] },
];
