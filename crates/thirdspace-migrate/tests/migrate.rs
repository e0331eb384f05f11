//! A whole network moved between a real SQLite file and a real PostgreSQL database (a throwaway
//! cluster started by the tests), and every way a move must refuse or roll back.

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::json;
use thirdspace_domain::booking::{self, BookingInput, BookingPlan, VenueClock};
use thirdspace_domain::email::Email;
use thirdspace_domain::exchange::{Answer, ExchangeDraft, ExchangeInput, Role, Source};
use thirdspace_domain::gathering::{GatheringDraft, GatheringInput};
use thirdspace_domain::hours::{ClockTime, OpeningPeriod, Weekday};
use thirdspace_domain::outcome::{Category, OutcomeDraft, OutcomeInput, Sharing};
use thirdspace_domain::profile::{ProfileDraft, ProfileInput, Visibility};
use thirdspace_domain::space::{SpaceDraft, SpaceInput, SpaceKind};
use thirdspace_domain::venue::{Coordinates, DayPass, VenueDraft, VenueInput, VenueKind};
use thirdspace_migrate::{migrate_data, summarize, MigrateError, Summary};
use thirdspace_store::{
    BookingsWhen, CheckIn, Events, IntroStep, LinkPurpose, NewBooking, NewIntro, NewQuestion, NewToken, NewUser, Page,
    Scope, ScreenKind, Store, TokenKind, Where,
};
use thirdspace_store_postgres::cluster::TestCluster;
use thirdspace_store_postgres::PgOptions;
use uuid::Uuid;

/// Monday 7 January 2030, midnight UTC.
const BASE: i64 = 1_893_974_400;
const HOUR: i64 = 3600;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 7).expect("a date")
}

fn venue_draft(name: &str, time_zone: &str, coordinates: Option<Coordinates>) -> VenueDraft {
    let days = Weekday::ALL;
    VenueDraft::parse(VenueInput {
        name: name.to_owned(),
        kind: VenueKind::Library,
        address: "Oudegracht 1".to_owned(),
        city: "Utrecht".to_owned(),
        country: "NL".to_owned(),
        coordinates,
        time_zone: time_zone.to_owned(),
        opening_hours: days
            .into_iter()
            .map(|day| OpeningPeriod { day, opens: ClockTime::MIDNIGHT, closes: ClockTime::END_OF_DAY })
            .collect(),
        closures: vec![NaiveDate::from_ymd_opt(2030, 12, 25).expect("a date")],
        amenities: vec!["wifi".to_owned(), "koffie ☕".to_owned()],
        house_rules: Some("Stilte in de leeszaal — «quiet», 静か".to_owned()),
        no_show_grace_minutes: Some(15),
        day_pass: Some(DayPass { price_minor: 1250, currency: "EUR".to_owned() }),
        requires_approval: true,
        welcomes_gatherings: true,
    })
    .expect("a valid venue")
}

fn plan(venue: &VenueDraft, start: u16, end: u16, now: i64) -> BookingPlan {
    let input = BookingInput {
        space_id: None,
        date: date(),
        start: ClockTime::from_minutes(start * 60).expect("a time"),
        end: ClockTime::from_minutes(end * 60).expect("a time"),
        focus: "Finishing my thesis ✍️".to_owned(),
        pledge: "I can explain Bayesian statistics".to_owned(),
        accept_house_rules: true,
    };
    let clock = VenueClock { time_zone: venue.time_zone, hours: &venue.opening_hours, closures: &venue.closures };
    booking::plan(clock, &input, now).expect("a booking the venue takes")
}

/// A network using every table and every kind of value: unicode, NULLs, JSON, floats, a BLOB, a
/// date, every booking status and intro step. Returns its people.
async fn fill(store: &dyn Store) -> Vec<Uuid> {
    let now = BASE - 2 * 86_400;
    let names = ["Hostess Ada", "Zoë Ørsted 🌍", "Kees", "Noor al-Hassan", "Cas", "Staff Sam"];
    let mut people = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let user = store
            .create_user(NewUser {
                email: Email::parse(&format!("person{i}@example.org")).expect("an address"),
                password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${i}"),
                display_name: (*name).to_owned(),
                is_admin: false,
                email_verified: i % 3 != 1,
                now: now + i as i64,
            })
            .await
            .expect("a user");
        people.push(user.id);
    }
    store.set_admin(&Email::parse("person0@example.org").expect("an address"), true).await.expect("admin");
    for (i, person) in people.iter().enumerate() {
        let kind = if i % 2 == 0 { TokenKind::Api } else { TokenKind::Session };
        let expires_at = (kind == TokenKind::Session).then_some(BASE + 30 * 86_400);
        let token = NewToken {
            user: *person,
            kind,
            token_hash: format!("{i:064x}"),
            name: format!("laptop {i}"),
            now,
            expires_at,
        };
        store.insert_token(token).await.expect("a token");
    }
    let profile = |name: &str, visibility, bio: Option<&str>| {
        ProfileDraft::parse(ProfileInput {
            display_name: name.to_owned(),
            headline: Some("Freelance bookkeeper — “creative studios”".to_owned()),
            bio: bio.map(str::to_owned),
            offers: vec!["python".to_owned(), "statistics".to_owned()],
            seeking: vec!["rust".to_owned()],
            seeking_text: Some("Someone who knows async Rust".to_owned()),
            interests: vec!["cycling".to_owned()],
            field: Some("finance".to_owned()),
            links: vec!["https://example.org/zoë".to_owned()],
            visibility,
            open_to_meet: visibility != Visibility::Hidden,
            record_visibility: visibility,
        })
        .expect("a valid profile")
    };
    store
        .put_profile(people[1], &profile("Zoë Ørsted 🌍", Visibility::Public, Some("Line one\nline 'two' \"3\"")), now)
        .await
        .expect("profile");
    store.put_profile(people[2], &profile("Kees", Visibility::Venue, None), now).await.expect("profile");
    store
        .put_profile(people[3], &profile("Noor al-Hassan", Visibility::Hidden, Some("نور")), now)
        .await
        .expect("profile");

    let library = venue_draft("Bibliotheek Neude", "UTC", None);
    let secret: Vec<u8> = (0..=255).collect();
    let venue = store.create_venue(people[0], &library, &[], &secret, now).await.expect("a venue").id;
    let coords = Some(Coordinates { latitude: 52.090_737_4, longitude: 5.121_420_5 });
    let cafe_draft = venue_draft("Café de Zaak", "Europe/Amsterdam", coords);
    let cafe = store.create_venue(people[0], &cafe_draft, &[], b"\0\x01\xff", now).await.expect("a venue").id;
    let space = |name: &str, kind, capacity, seats| {
        SpaceDraft::parse(SpaceInput { name: name.to_owned(), kind, capacity, social_capital_seats: seats })
            .expect("a valid space")
    };
    let floor =
        store.create_space(venue, &space("Leeszaal", SpaceKind::OpenSeating, 20, 8), now).await.expect("space").id;
    store.create_space(venue, &space("Vergaderkamer", SpaceKind::MeetingRoom, 6, 0), now).await.expect("space");
    store.create_space(cafe, &space("Bar", SpaceKind::OpenSeating, 10, 4), now).await.expect("space");

    let staff = store.user(people[5]).await.expect("read").expect("a user");
    let staff_email = Email::parse("person5@example.org").expect("an address");
    let invited = store.invite_staff(venue, &staff_email, people[0], now).await.expect("an invitation");
    store.accept_invitation(invited.id, &staff, now + 10).await.expect("accepted");
    store
        .invite_staff(cafe, &Email::parse("someone.else@example.org").expect("an address"), people[0], now)
        .await
        .expect("invited");
    for resident in [
        thirdspace_domain::resident::Resident::Domain("uni-utrecht.example".to_owned()),
        thirdspace_domain::resident::Resident::Email(Email::parse("ana.de.vries@uni.example").expect("an address")),
    ] {
        store
            .add_resident(venue, &thirdspace_store::NewResident::bare(resident), people[0], now)
            .await
            .expect("a resident");
    }

    let morning = BASE + 8 * HOUR;
    let book = |user: usize, start, end| NewBooking {
        user: people[user],
        venue,
        space: Some(floor),
        plan: plan(&library, start, end, now),
        now,
    };
    let checked_out = store.book(book(1, 9, 12)).await.expect("booked");
    let checked_in = store.book(book(2, 9, 17)).await.expect("booked");
    let cancelled = store.book(book(3, 10, 11)).await.expect("booked");
    store.book(book(4, 9, 10)).await.expect("booked (to be released)");
    store.cancel_booking(cancelled.id, now + 60).await.expect("cancelled");
    let check_in = |user: usize, at_hour: i64, by_staff| CheckIn {
        venue,
        user: people[user],
        today: date(),
        at: ClockTime::from_minutes(u16::try_from(at_hour * 60).expect("minutes")).expect("a time"),
        now: BASE + at_hour * HOUR,
        open_until: BASE + 24 * HOUR,
        walk_in: None,
        by_staff,
    };
    store.check_in(check_in(1, 9, None)).await.expect("checked in");
    store.check_in(check_in(2, 9, Some(people[5]))).await.expect("checked in by staff");
    store.check_out(venue, people[1], BASE + 11 * HOUR).await.expect("checked out");
    assert_eq!(store.release_no_shows(BASE + 10 * HOUR).await.expect("released"), 1);
    let clock = VenueClock { time_zone: library.time_zone, hours: &library.opening_hours, closures: &library.closures };
    let walk_in = booking::walk_in(clock, morning + 4 * HOUR, "Walk-in".to_owned(), "Ask me about SQL".to_owned());
    let mut walk = check_in(5, 12, None);
    walk.walk_in = Some(walk_in.expect("a walk-in"));
    store.check_in(walk).await.expect("walked in");
    assert!(checked_out.id != checked_in.id);

    let asked = |text: &str, tags: &[&str]| NewQuestion {
        venue,
        asker: people[2],
        text: text.to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        now: morning,
    };
    let question =
        store.post_question(asked("Who can review my VAT return? 🧾", &["tax", "bookkeeping"])).await.expect("asked");
    store.post_question(asked("Anyone know Dutch labour law?", &[])).await.expect("asked");
    store.mark_answered(question.id, morning + HOUR).await.expect("answered");

    let pair = |a: usize, b: usize| if people[a] < people[b] { (people[a], people[b]) } else { (people[b], people[a]) };
    let intro = |a: usize, b: usize, venue: Option<Uuid>, score: f32| {
        let (a, b) = pair(a, b);
        NewIntro { venue, a, b, score, reason: format!("Zoë offers python, which Kees is looking for ({score})") }
    };
    let intros = store
        .suggest_intros(
            vec![intro(1, 2, Some(venue), 0.837_412_3), intro(2, 5, Some(venue), 0.1), intro(1, 4, None, 2.5e-7)],
            morning - 30 * 86_400,
            morning,
        )
        .await
        .expect("suggested");
    let first = &intros[0];
    store.step_intro(first.id, first.person_a, IntroStep::Accept, morning + 60).await.expect("accepted");
    store.step_intro(first.id, first.person_b, IntroStep::Accept, morning + 61).await.expect("accepted");
    store.step_intro(first.id, first.person_a, IntroStep::Met, morning + 600).await.expect("met");
    store
        .step_intro(first.id, first.person_b, IntroStep::Feedback { useful: true }, morning + 700)
        .await
        .expect("feedback");
    store.step_intro(intros[1].id, intros[1].person_b, IntroStep::Decline, morning + 90).await.expect("declined");

    // The ledger: an exchange from the introduction they met in, confirmed; one free, declined.
    let exchange = |proposer: Uuid, with: Uuid, source: Option<(Source, Uuid)>, text: &str| {
        let input = ExchangeInput {
            with,
            role: Role::Gave,
            tags: vec!["python".into(), "café owners 🍰".into()],
            text: text.to_owned(),
            venue_id: source.map(|_| venue),
            source: source.map(|(s, _)| s),
            source_id: source.map(|(_, id)| id),
        };
        ExchangeDraft::parse(proposer, input).expect("an exchange")
    };
    let from_intro = exchange(first.person_a, first.person_b, Some((Source::Introduction, first.id)), "Zoë's «tip»");
    let met = store.propose_exchange(&from_intro, morning + 800).await.expect("proposed");
    store.answer_exchange(met.id, first.person_b, Answer::Confirm, morning + 900).await.expect("confirmed");
    let free = store.propose_exchange(&exchange(people[3], people[4], None, "A loan of a lamp"), morning).await;
    let free = free.expect("proposed");
    store.answer_exchange(free.id, people[4], Answer::Decline, morning + 60).await.expect("declined");
    // A pledge kept, naming the exchange it became: the booking refers to the exchange.
    let pledged = exchange(people[1], people[2], Some((Source::Pledge, checked_out.id)), "Explained SQL joins");
    let pledged = store.propose_exchange(&pledged, BASE + 11 * HOUR).await.expect("proposed");
    store.answer_pledge(checked_out.id, true, Some(pledged.id), BASE + 12 * HOUR).await.expect("a pledge kept");
    let outcome = OutcomeInput {
        category: Category::Collaboration,
        note: Some("Building «the» café's booking site together ☕".into()),
        with: Some(first.person_b),
        venue_id: Some(venue),
        exchanges: vec![met.id],
        intros: vec![first.id],
        value_cents: Some(123_456),
        currency: Some("EUR".into()),
        hours: Some(12),
        sharing: Sharing::Venue,
    };
    let outcome = OutcomeDraft::parse(first.person_a, outcome).expect("an outcome");
    let recorded = store.record_outcome(&outcome, morning + 1000).await.expect("recorded");
    store.confirm_outcome(recorded.id, first.person_b, morning + 1100).await.expect("confirmed");

    // A fortnightly coworking day at a home with one place: one going, one in line, moved up.
    let gathering: GatheringInput = serde_json::from_value(json!({
        "kind": "coworking_day", "title": "Coworken bij Zoë 🌍", "address": "Kanaalstraat 3", "city": "Utrecht",
        "time_zone": "Europe/Amsterdam", "date": "2030-01-08", "start": "09:30", "end": "16:00", "capacity": 1,
        "tags": ["writing"], "repeat": "FREQ=WEEKLY;INTERVAL=2;COUNT=3", "except": ["2030-01-22"]
    }))
    .expect("a gathering");
    let gathering = GatheringDraft::parse(gathering, None, now).expect("a valid gathering");
    let made = store.create_gathering(people[0], &gathering, now).await.expect("organised");
    let first_date = store.gathering_dates(made.id).await.expect("dates")[0].id;
    store.answer_gathering(first_date, people[1], now + 10).await.expect("going");
    store.answer_gathering(first_date, people[2], now + 11).await.expect("in line");
    store.move_up(first_date, people[2], "Brings the coffee", now + 12).await.expect("moved up");
    // The organiser's message, a calendar key, e-mails queued and switched off, a board post and
    // a conversation about it.
    let mut work = store.begin().await.expect("a unit of work");
    let message = thirdspace_store::GatheringMessage {
        id: Uuid::now_v7(),
        date_id: first_date,
        author_id: people[0],
        subject: "Bring a mug ☕".into(),
        body: "The café lends none.\nSee you there.".into(),
        created_at: now + 13,
    };
    work.add_gathering_message(&message).await.expect("a message");
    work.set_calendar_key(people[1], Some(&"e".repeat(64)), now + 14).await.expect("a calendar key");
    let reminder = thirdspace_store::NewMail {
        kind: thirdspace_domain::mail::MailKind::GatheringReminder,
        key: Some(format!("gathering_reminder:{first_date}:{}", people[1])),
        user: people[1],
        subject: first_date,
        due_at: now + 86_400,
    };
    work.queue_mail(&reminder, now + 15).await.expect("queued");
    work.set_mail_off(people[2], &[thirdspace_domain::mail::MailKind::BoardExpiry]).await.expect("switched off");
    let post = thirdspace_domain::board::PostDraft {
        kind: thirdspace_domain::board::PostKind::Offer,
        category: thirdspace_domain::board::Category::Equipment,
        title: "Desk lamp to lend 💡".into(),
        body: Some("Warm light.".into()),
        tags: vec!["lighting".into()],
        venue_id: Some(venue),
        city: "Utrecht".into(),
        expires_at: now + 30 * 86_400,
    };
    let post = work.create_post(people[0], &post, now + 16).await.expect("a post");
    let question = thirdspace_store::BoardMessage {
        id: Uuid::now_v7(),
        post_id: post.id,
        member_id: people[1],
        from_id: people[1],
        body: "May I borrow it?".into(),
        created_at: now + 17,
    };
    work.add_board_message(&question).await.expect("a message about it");
    work.commit().await.expect("committed");

    let display_hash = "a".repeat(64);
    let screen =
        store.create_screen_token(venue, ScreenKind::Display, "TV", &display_hash, now).await.expect("a screen");
    store.create_screen_token(venue, ScreenKind::Kiosk, "Tablet", &"b".repeat(64), now).await.expect("a kiosk");
    store.revoke_screen_token(venue, screen.id, now + 5).await.expect("revoked");
    store.create_login_link(people[1], LinkPurpose::LogIn, &"c".repeat(64), now, now + 900).await.expect("a link");
    store
        .create_login_link(people[2], LinkPurpose::ResetPassword, &"d".repeat(64), now, now + 3600)
        .await
        .expect("a link");
    store.use_login_link(&"c".repeat(64), LinkPurpose::LogIn, now + 60).await.expect("used").expect("a user");
    store.count_attempt("log-in person3@example.org", now, 900).await.expect("a failure");
    store.count_attempt("log-in person3@example.org", now + 5, 900).await.expect("a failure");

    // A webhook with a delivery of one event, tried once.
    let from = store.webhook_cursor().await.expect("the cursor");
    let mut work = store.begin().await.expect("a unit of work");
    let endpoint = thirdspace_store::webhooks::NewEndpoint {
        venue_id: Some(venue),
        url: "https://hooks.example.org/in".into(),
        events: vec!["profile.changed".into()],
        created_by: people[0],
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into(),
        now,
    };
    work.create_endpoint(&endpoint).await.expect("an endpoint");
    let changed = thirdspace_store::outbox::NewEvent::profile(people[0], Some(venue), now + 20);
    work.record(&changed).await.expect("an event");
    work.commit().await.expect("committed");
    let events = store.events_after(from, 10).await.expect("the events");
    let to = events.last().expect("one event").id;
    store.fan_out(from, to, &events, now + 21).await.expect("fanned out").expect("at the cursor");
    let claimed = store.claim_deliveries(now + 21, now + 81, 10).await.expect("claimed");
    let tried = thirdspace_store::webhooks::DeliveryAttempt {
        delivery_id: claimed[0].id,
        attempt: 1,
        at: now + 22,
        code: Some(503),
        error: Some("the receiver answered 503".into()),
        duration_ms: 12,
    };
    let mut work = store.begin().await.expect("a unit of work");
    work.finish_delivery(&tried, thirdspace_store::webhooks::DeliveryDone::Retry(now + 30)).await.expect("tried");
    work.commit().await.expect("committed");
    people
}

/// What the store shows of the network, every field of every record as `Debug` writes it: equal on
/// both backends after a move.
async fn seen(store: &dyn Store, people: &[Uuid]) -> serde_json::Value {
    let mut seen = Vec::new();
    for person in people {
        let user = store.user(*person).await.expect("user");
        let profile = store.profile(*person).await.expect("profile");
        let upcoming =
            store.bookings_of(*person, BookingsWhen::Upcoming, BASE, Page::new(1, 100)).await.expect("bookings");
        let past =
            store.bookings_of(*person, BookingsWhen::Past, BASE + 86_400, Page::new(1, 100)).await.expect("bookings");
        let intros = store.intros_of(*person, Page::new(1, 100)).await.expect("intros");
        let exchanges = store.exchanges_of(*person, Page::new(1, 100)).await.expect("exchanges");
        let record = store.ledger_record(*person).await.expect("record");
        let outcomes = store.outcomes_of(*person, Page::new(1, 100)).await.expect("outcomes");
        let gatherings = store
            .gathering_dates_in(Where::City("utrecht"), (BASE - 86_400, BASE + 60 * 86_400), 100, true)
            .await
            .expect("dates");
        let mut answers = Vec::new();
        for (_, date) in &gatherings {
            answers.push(store.rsvps(date.id).await.expect("answers"));
        }
        let venues = store.staffed_venues(*person).await.expect("venues");
        seen.push(json!({
            "user": format!("{user:?}"), "profile": format!("{profile:?}"), "upcoming": format!("{:?}", upcoming.items),
            "past": format!("{:?}", past.items), "intros": format!("{:?}", intros.items), "venues": format!("{venues:?}"),
            "exchanges": format!("{:?}", exchanges.items), "record": format!("{record:?}"),
            "outcomes": format!("{:?}", outcomes.items), "gatherings": format!("{gatherings:?}"),
            "answers": format!("{answers:?}"),
        }));
    }
    let venues = store.venues(None, Page::new(1, 100)).await.expect("venues").items;
    for venue in &venues {
        let day = store.venue_day(venue.id, date(), Page::new(1, 100)).await.expect("day").items;
        let secret = store.checkin_secret(venue.id).await.expect("secret");
        let spaces = store.spaces(venue.id, Page::new(1, 100)).await.expect("spaces").items;
        let staff = store.staff(venue.id, Page::new(1, 100)).await.expect("staff").items;
        let questions = store.open_questions(venue.id, Page::new(1, 100)).await.expect("questions").items;
        let screens = store.screen_tokens(venue.id, Page::new(1, 100)).await.expect("screens").items;
        seen.push(json!({"venue": format!("{venue:?}"), "day": format!("{day:?}"), "secret": secret,
            "spaces": format!("{spaces:?}"), "staff": format!("{staff:?}"), "questions": format!("{questions:?}"),
            "screens": format!("{screens:?}")}));
    }
    let kiosk = store.screen_token(&"b".repeat(64)).await.expect("kiosk").map(|(v, k)| json!([v, format!("{k:?}")]));
    let token = store
        .token_user(&format!("{:064x}", 1), BASE)
        .await
        .expect("token")
        .map(|(u, k)| json!([format!("{u:?}"), format!("{k:?}")]));
    let invitations =
        store.invitations_for(&Email::parse("someone.else@example.org").expect("an address")).await.expect("inv");
    let failures = store.attempts("log-in person3@example.org").await.expect("failures");
    // The network's daily counts, which the target's own triggers filled as the rows arrived.
    let days = (BASE / 86_400 - 400, BASE / 86_400 + 400);
    let network = store.day_totals(Scope::Network, days).await.expect("the network's days");
    let visitors = store.visitors(Scope::Network, &[days]).await.expect("visitors");
    seen.push(json!({"kiosk": kiosk, "token": token, "invitations": format!("{invitations:?}"), "failures": failures,
        "network": format!("{network:?}"), "visitors": visitors}));
    json!(seen)
}

struct Sqlite {
    url: String,
    dir: tempfile::TempDir,
}

impl Sqlite {
    fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("network.db")
    }

    /// A connection that writes what the stores never would.
    async fn raw(&self) -> sqlx::SqlitePool {
        let options: sqlx::sqlite::SqliteConnectOptions = self.url.parse().expect("a URL");
        sqlx::SqlitePool::connect_with(options.create_if_missing(true)).await.expect("pool")
    }

    /// The file's tables and the migrations it records, read straight from it.
    async fn schema(&self) -> Vec<String> {
        let raw = self.raw().await;
        let mut schema: Vec<String> =
            sqlx::query_scalar("SELECT type || ' ' || name FROM sqlite_master").fetch_all(&raw).await.expect("schema");
        if schema.iter().any(|s| s == "table _sqlx_migrations") {
            let versions: Vec<i64> =
                sqlx::query_scalar("SELECT version FROM _sqlx_migrations").fetch_all(&raw).await.expect("versions");
            schema.extend(versions.iter().map(|v| format!("migration {v}")));
        }
        raw.close().await;
        schema.sort();
        schema
    }
}

fn sqlite() -> Sqlite {
    let dir = tempfile::tempdir().expect("a temporary directory");
    Sqlite { url: format!("sqlite://{}", dir.path().join("network.db").display()), dir }
}

async fn filled_sqlite() -> (Sqlite, Vec<Uuid>) {
    let db = sqlite();
    let store = thirdspace_store_sqlite::open(&db.url).await.expect("open");
    let people = fill(&store).await;
    store.close().await;
    (db, people)
}

/// A fresh database on the test cluster; `None` (loudly) when PostgreSQL is missing outside CI.
async fn postgres() -> Option<String> {
    Some(TestCluster::shared()?.create_database().await.expect("a database"))
}

fn empty(summaries: &[(&str, Summary)]) -> bool {
    summaries.iter().all(|(_, s)| s.rows == 0)
}

#[tokio::test]
async fn a_whole_network_moves_from_sqlite_to_postgres_and_back_without_loss() {
    let Some(pg) = postgres().await else { return };
    let (source, people) = filled_sqlite().await;

    let report = migrate_data(&source.url, &pg).await.expect("moved");
    assert!(report.matches());
    for table in &report.tables {
        assert!(table.source.rows > 0, "the network fills every table, {} too", table.table);
    }
    // Read again afterwards, each side on its own: the same counts and checksums.
    let before = summarize(&source.url).await.expect("summary");
    let after = summarize(&pg).await.expect("summary");
    assert_eq!(before, after);
    assert_eq!(before.iter().map(|(_, s)| s.rows).sum::<u64>(), report.rows());

    // What the stores show is the same, down to the check-in secret's bytes.
    let sqlite_store = thirdspace_store_sqlite::open(&source.url).await.expect("open");
    let pg_store: Arc<dyn Store> =
        Arc::new(thirdspace_store_postgres::open(&pg, PgOptions::default()).await.expect("open"));
    let shown = seen(&sqlite_store, &people).await;
    assert_eq!(shown, seen(&*pg_store, &people).await);
    assert!(shown.to_string().contains("Zoë Ørsted 🌍") && shown.to_string().contains("52.0907374"));
    // The outbox's order goes on where the source's stopped.
    let last = sqlite_store.last_event_id().await.expect("the outbox");
    assert!(last > 0);
    assert_eq!(pg_store.last_event_id().await.expect("the outbox"), last);
    // Closed and gone, as a stopped instance is (a connection returned to the pool just as it
    // closes may stay idle in it until the pool itself is dropped).
    pg_store.close().await;
    drop(pg_store);

    // And back again, into a new file: the same content as the original.
    let back = sqlite();
    let report = migrate_data(&pg, &back.url).await.expect("moved back");
    assert!(report.matches());
    assert_eq!(summarize(&back.url).await.expect("summary"), before);
    let back_store = thirdspace_store_sqlite::open(&back.url).await.expect("open");
    assert_eq!(seen(&back_store, &people).await, shown);

    // A change after a move gets the next id on either side.
    let pg_store = thirdspace_store_postgres::open(&pg, PgOptions::default()).await.expect("open");
    for store in [&back_store as &dyn Store, &pg_store] {
        assert_eq!(store.last_event_id().await.expect("the outbox"), last);
        change_a_profile(store, people[0]).await;
        assert_eq!(store.last_event_id().await.expect("the outbox"), last + 1);
    }
    pg_store.close().await;
}

async fn change_a_profile(store: &dyn Store, person: Uuid) {
    let profile = store.profile(person).await.expect("read").expect("a profile");
    let draft = thirdspace_domain::profile::ProfileDraft {
        visibility: profile.visibility,
        open_to_meet: false,
        ..thirdspace_domain::profile::ProfileDraft::new_member(profile.display_name)
    };
    store.put_profile(person, &draft, 1_900_000_000).await.expect("a change after the move");
}

#[tokio::test]
async fn a_target_that_holds_data_is_refused_and_left_as_it_was() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    migrate_data(&source.url, &pg).await.expect("moved");
    let before = summarize(&pg).await.expect("summary");
    let again = migrate_data(&source.url, &pg).await;
    assert!(matches!(again, Err(MigrateError::NotEmpty { table: "users", rows: 6 })), "{again:?}");
    assert_eq!(summarize(&pg).await.expect("summary"), before);
}

#[tokio::test]
async fn a_value_postgresql_cannot_hold_stops_the_move_and_writes_nothing() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    let raw = sqlx::SqlitePool::connect(&source.url).await.expect("pool");
    sqlx::query("UPDATE questions SET text = 'before' || char(0) || 'after' WHERE answered_at IS NULL")
        .execute(&raw)
        .await
        .expect("update");
    raw.close().await;
    let moved = migrate_data(&source.url, &pg).await;
    let Err(MigrateError::Value { table: "questions", column: "text", message, .. }) = &moved else {
        panic!("the NUL character is named: {moved:?}")
    };
    assert!(message.contains("NUL"), "{message}");
    assert!(empty(&summarize(&pg).await.expect("summary")), "users and venues went in before, and were rolled back");
}

#[tokio::test]
async fn an_unreadable_value_in_the_source_is_named_with_its_row() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    let raw = sqlx::SqlitePool::connect(&source.url).await.expect("pool");
    let id: String = sqlx::query_scalar("SELECT id FROM bookings WHERE status = 'cancelled'")
        .fetch_one(&raw)
        .await
        .expect("a booking");
    sqlx::query("UPDATE bookings SET date = '07/01/2030' WHERE id = ?").bind(&id).execute(&raw).await.expect("update");
    raw.close().await;
    let moved = migrate_data(&source.url, &pg).await;
    let Err(error @ MigrateError::Value { table: "bookings", column: "date", row, .. }) = &moved else {
        panic!("the bad date is named: {moved:?}")
    };
    assert_eq!(row, &id);
    assert!(error.to_string().contains("07/01/2030") && error.to_string().contains("nothing was moved"), "{error}");
    assert!(empty(&summarize(&pg).await.expect("summary")));
}

#[tokio::test]
async fn a_target_that_changes_what_it_stores_is_caught_by_the_checksum_and_rolled_back() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    // A target that silently alters one value and drops one row, as a lossy copy would.
    thirdspace_store_postgres::open(&pg, PgOptions::default()).await.expect("the schema").close().await;
    let raw = sqlx::PgPool::connect(&pg).await.expect("pool");
    for statement in [
        "CREATE FUNCTION shout() RETURNS trigger AS $$ BEGIN NEW.bio := upper(NEW.bio); RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER shout BEFORE INSERT ON profiles FOR EACH ROW EXECUTE FUNCTION shout()",
        "CREATE FUNCTION forget() RETURNS trigger AS $$ BEGIN RETURN NULL; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER forget BEFORE INSERT ON login_links FOR EACH ROW WHEN (NEW.purpose = 'log_in') \
         EXECUTE FUNCTION forget()",
    ] {
        sqlx::query(statement).execute(&raw).await.expect("a trigger");
    }
    raw.close().await;
    let moved = migrate_data(&source.url, &pg).await;
    let Err(MigrateError::Mismatch(report)) = &moved else { panic!("the difference is caught: {moved:?}") };
    let differing: Vec<&str> = report.tables.iter().filter(|t| t.source != t.target).map(|t| t.table).collect();
    assert_eq!(differing, ["profiles", "login_links"]);
    let message = moved.as_ref().map(|_| ()).unwrap_err().to_string();
    assert!(message.contains("profiles: same 6 rows, other content"), "{message}");
    assert!(message.contains("login_links: 2 rows, 1 arrived"), "{message}");
    assert!(empty(&summarize(&pg).await.expect("summary")));
}

#[tokio::test]
async fn a_missing_source_file_is_refused_and_not_created() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("typo.db");
    let target = sqlite();
    let moved = migrate_data(&format!("sqlite://{}", missing.display()), &target.url).await;
    assert!(
        matches!(&moved, Err(MigrateError::Open { side: thirdspace_migrate::Side::Source, message }) if message.contains("does not exist")),
        "{moved:?}"
    );
    assert!(!missing.exists());
    assert!(!target.path().exists(), "the target is not created when the source is refused");
    let unknown = migrate_data("mysql://db/thirdspace", &target.url).await;
    assert!(matches!(unknown, Err(MigrateError::Unsupported { side: thirdspace_migrate::Side::Source })));
}

#[tokio::test]
async fn a_source_with_a_column_this_version_does_not_move_is_refused() {
    let (source, _) = filled_sqlite().await;
    let raw = sqlx::SqlitePool::connect(&source.url).await.expect("pool");
    sqlx::query("ALTER TABLE users ADD COLUMN nickname TEXT").execute(&raw).await.expect("alter");
    raw.close().await;
    let target = sqlite();
    let moved = migrate_data(&source.url, &target.url).await;
    let Err(error @ MigrateError::Schema { .. }) = &moved else { panic!("refused: {moved:?}") };
    assert!(error.to_string().contains("nickname"), "{error}");
    assert!(!target.path().exists(), "the target is not created when the source is refused");
}

#[tokio::test]
async fn sqlite_to_sqlite_copies_a_network_too() {
    let (source, people) = filled_sqlite().await;
    let target = sqlite();
    let report = migrate_data(&source.url, &target.url).await.expect("copied");
    assert!(report.matches() && report.rows() > 30);
    let (a, b) = (
        thirdspace_store_sqlite::open(&source.url).await.expect("open"),
        thirdspace_store_sqlite::open(&target.url).await.expect("open"),
    );
    assert_eq!(seen(&a, &people).await, seen(&b, &people).await);
}

/// A database of the test cluster, read and written straight.
async fn pg_raw(url: &str) -> sqlx::PgPool {
    sqlx::PgPool::connect(url).await.expect("pool")
}

async fn pg_tables(url: &str) -> Vec<String> {
    let raw = pg_raw(url).await;
    let tables = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
    )
    .fetch_all(&raw)
    .await
    .expect("tables");
    raw.close().await;
    tables
}

#[tokio::test]
async fn every_kind_of_value_a_target_changes_is_caught() {
    if TestCluster::shared().is_none() {
        return;
    }
    let (source, _) = filled_sqlite().await;
    // One column of each kind, changed on its way in by a trigger.
    let changes = [
        ("users", "NEW.is_admin := NOT NEW.is_admin"),
        ("tokens", "NEW.expires_at := NEW.expires_at + 1"),
        ("profiles", "NEW.offers := NEW.offers || '[\"x\"]'::jsonb"),
        ("venues", "NEW.latitude := NEW.latitude + 0.000001"),
        ("venue_staff", "NEW.since := NEW.since + 1"),
        ("spaces", "NEW.capacity := NEW.capacity + 1"),
        ("bookings", "NEW.date := NEW.date + 1"),
        ("intros", "NEW.score := NEW.score * 2"),
        ("screen_tokens", "NEW.name := NEW.name || ' '"),
        ("venues", "NEW.checkin_secret := NEW.checkin_secret || '\\x00'::bytea"),
        ("intros", "NEW.venue_id := NULL"),
    ];
    for (table, change) in changes {
        let pg = postgres().await.expect("a database");
        thirdspace_store_postgres::open(&pg, PgOptions::default()).await.expect("the schema").close().await;
        let raw = pg_raw(&pg).await;
        let function = format!(
            "CREATE FUNCTION alter() RETURNS trigger AS $$ BEGIN {change}; RETURN NEW; END $$ LANGUAGE plpgsql"
        );
        sqlx::query(&function).execute(&raw).await.expect("a function");
        let trigger = format!("CREATE TRIGGER alter BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION alter()");
        sqlx::query(&trigger).execute(&raw).await.expect("a trigger");
        raw.close().await;
        let moved = migrate_data(&source.url, &pg).await;
        let Err(MigrateError::Mismatch(report)) = &moved else { panic!("{change}: caught: {moved:?}") };
        let differing: Vec<&str> = report.tables.iter().filter(|t| t.source != t.target).map(|t| t.table).collect();
        assert_eq!(differing, [table], "{change}");
        assert!(empty(&summarize(&pg).await.expect("summary")), "{change}: rolled back");
    }
}

#[tokio::test]
async fn a_change_a_target_makes_to_a_table_already_copied_is_caught() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    thirdspace_store_postgres::open(&pg, PgOptions::default()).await.expect("the schema").close().await;
    let raw = pg_raw(&pg).await;
    for statement in [
        "CREATE FUNCTION promote() RETURNS trigger AS $$ BEGIN UPDATE users SET is_admin = TRUE; RETURN NEW; END $$ \
         LANGUAGE plpgsql",
        "CREATE TRIGGER promote AFTER INSERT ON intros FOR EACH STATEMENT EXECUTE FUNCTION promote()",
    ] {
        sqlx::query(statement).execute(&raw).await.expect("a trigger");
    }
    raw.close().await;
    let moved = migrate_data(&source.url, &pg).await;
    let Err(MigrateError::Mismatch(report)) = &moved else { panic!("caught: {moved:?}") };
    assert_eq!(report.tables.iter().filter(|t| t.source != t.target).map(|t| t.table).collect::<Vec<_>>(), ["users"]);
}

#[tokio::test]
async fn more_rows_than_one_batch_move_whole() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    let raw = source.raw().await;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234) \
         INSERT INTO users (id, email, password_hash, is_admin, created_at) \
         SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) \
         || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))), 'bulk' || i || '@example.org', 'h', 0, i FROM n",
    )
    .execute(&raw)
    .await
    .expect("insert");
    raw.close().await;
    let report = migrate_data(&source.url, &pg).await.expect("moved");
    let users = report.tables.iter().find(|t| t.table == "users").expect("users");
    assert_eq!((users.source.rows, users.target.rows), (1240, 1240));
    assert_eq!(summarize(&source.url).await.expect("summary"), summarize(&pg).await.expect("summary"));
}

#[tokio::test]
async fn numbers_that_would_not_move_exactly_are_refused_and_named() {
    let Some(pg) = postgres().await else { return };
    let cases = [
        ("UPDATE profiles SET offers = '[0.1000000000000000000001]' WHERE display_name = 'Kees'", "profiles", "offers"),
        ("UPDATE intros SET score = 0.1", "intros", "score"),
        ("UPDATE spaces SET capacity = 3000000000 WHERE rowid = 1", "spaces", "capacity"),
    ];
    for (update, table, column) in cases {
        let (source, _) = filled_sqlite().await;
        let raw = source.raw().await;
        sqlx::query(update).execute(&raw).await.expect("update");
        raw.close().await;
        let moved = migrate_data(&source.url, &pg).await;
        assert!(
            matches!(&moved, Err(MigrateError::Value { table: t, column: c, .. }) if *t == table && *c == column),
            "{update}: {moved:?}"
        );
    }
    assert!(empty(&summarize(&pg).await.expect("summary")));
}

#[tokio::test]
async fn text_sqlite_holds_in_a_form_the_stores_never_write_is_refused() {
    let (source, _) = filled_sqlite().await;
    let raw = source.raw().await;
    sqlx::query("PRAGMA foreign_keys = OFF").execute(&raw).await.expect("pragma");
    sqlx::query("UPDATE questions SET id = upper(id)").execute(&raw).await.expect("update");
    raw.close().await;
    let target = sqlite();
    let moved = migrate_data(&source.url, &target.url).await;
    let Err(MigrateError::Value { table: "questions", column: "id", row, .. }) = &moved else { panic!("{moved:?}") };
    assert!(row.starts_with("number "), "a row whose key is unreadable is named by its place: {row}");
    assert!(!target.path().exists(), "the file this move created is removed");
}

#[tokio::test]
async fn a_nan_on_postgresql_is_refused_on_the_way_back_to_sqlite() {
    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    migrate_data(&source.url, &pg).await.expect("moved");
    let raw = pg_raw(&pg).await;
    sqlx::query("UPDATE venues SET latitude = 'NaN' WHERE latitude IS NOT NULL").execute(&raw).await.expect("update");
    raw.close().await;
    let back = sqlite();
    let moved = migrate_data(&pg, &back.url).await;
    assert!(matches!(&moved, Err(MigrateError::Value { table: "venues", column: "latitude", .. })), "{moved:?}");
    assert!(!back.path().exists());
}

#[tokio::test]
async fn a_database_of_something_else_is_refused_and_never_changed() {
    let other = sqlite();
    let raw = other.raw().await;
    sqlx::query("CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL)").execute(&raw).await.expect("create");
    raw.close().await;
    let before = other.schema().await;
    let (network, _) = filled_sqlite().await;

    let as_source = migrate_data(&other.url, &sqlite().url).await;
    assert!(
        matches!(&as_source, Err(MigrateError::Schema { side: thirdspace_migrate::Side::Source, .. })),
        "{as_source:?}"
    );
    let as_target = migrate_data(&network.url, &other.url).await;
    assert!(
        matches!(&as_target, Err(MigrateError::Schema { side: thirdspace_migrate::Side::Target, .. })),
        "{as_target:?}"
    );
    assert_eq!(other.schema().await, before, "no thirdspace table or migration was added");

    // An out-of-date network is not brought up to date behind its owner's back either.
    let raw = network.raw().await;
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .execute(&raw)
        .await
        .expect("delete");
    raw.close().await;
    let before = network.schema().await;
    let old = migrate_data(&network.url, &sqlite().url).await;
    let Err(error @ MigrateError::Schema { .. }) = &old else { panic!("{old:?}") };
    assert!(error.to_string().contains("thirdspace serve"), "{error}");
    assert_eq!(network.schema().await, before);

    let Some(pg) = postgres().await else { return };
    let raw = pg_raw(&pg).await;
    sqlx::query("CREATE TABLE orders (id BIGINT PRIMARY KEY)").execute(&raw).await.expect("create");
    raw.close().await;
    let (network, _) = filled_sqlite().await;
    let into_pg = migrate_data(&network.url, &pg).await;
    assert!(
        matches!(&into_pg, Err(MigrateError::Schema { side: thirdspace_migrate::Side::Target, .. })),
        "{into_pg:?}"
    );
    assert_eq!(pg_tables(&pg).await, ["orders"]);
}

#[tokio::test]
async fn a_database_a_server_still_runs_on_is_refused() {
    let (source, _) = filled_sqlite().await;
    let target = sqlite();
    let serving = thirdspace_store_sqlite::serving::lock_for_serving(&source.url).expect("a server's lock");
    let moved = migrate_data(&source.url, &target.url).await;
    assert!(
        matches!(&moved, Err(MigrateError::Open { message, .. }) if message.contains("server is running")),
        "{moved:?}"
    );
    drop(serving);
    assert!(migrate_data(&source.url, &target.url).await.expect("moved once it stopped").matches());

    let Some(pg) = postgres().await else { return };
    let (source, _) = filled_sqlite().await;
    migrate_data(&source.url, &pg).await.expect("moved");
    let instance = thirdspace_store_postgres::open(&pg, PgOptions::default()).await.expect("an instance");
    let back = sqlite();
    let moved = migrate_data(&pg, &back.url).await;
    assert!(
        matches!(&moved, Err(MigrateError::Open { message, .. }) if message.contains("stop every instance")),
        "{moved:?}"
    );
    assert!(!back.path().exists());
    instance.close().await;
    drop(instance);
    assert!(migrate_data(&pg, &back.url).await.expect("moved once it stopped").matches());
}

#[tokio::test]
async fn a_target_in_a_folder_that_does_not_exist_or_of_an_unknown_kind_is_refused() {
    let (source, _) = filled_sqlite().await;
    let before = summarize(&source.url).await.expect("summary");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let nowhere = dir.path().join("no such folder").join("network.db");
    let moved = migrate_data(&source.url, &format!("sqlite://{}", nowhere.display())).await;
    assert!(
        matches!(&moved, Err(MigrateError::Open { side: thirdspace_migrate::Side::Target, message }) if message.contains("folder")),
        "{moved:?}"
    );
    assert!(!nowhere.parent().expect("a folder").exists(), "the folder is not made either");
    let unknown = migrate_data(&source.url, "mysql://db/thirdspace").await;
    assert!(
        matches!(unknown, Err(MigrateError::Unsupported { side: thirdspace_migrate::Side::Target })),
        "{unknown:?}"
    );
    assert!(unknown.map(|_| ()).unwrap_err().to_string().contains("sqlite://"), "the message says what works");
    assert_eq!(summarize(&source.url).await.expect("summary"), before, "the source is as it was");
}

#[tokio::test]
async fn an_sqlite_target_that_holds_data_is_refused_and_left_as_it_was() {
    let (source, _) = filled_sqlite().await;
    let (target, _) = filled_sqlite().await;
    let before = summarize(&target.url).await.expect("summary");
    let again = migrate_data(&source.url, &target.url).await;
    assert!(matches!(again, Err(MigrateError::NotEmpty { table: "users", rows: 6 })), "{again:?}");
    assert_eq!(summarize(&target.url).await.expect("summary"), before);
}

#[tokio::test]
async fn an_sqlite_target_a_server_runs_on_is_refused_until_it_stops() {
    let (source, _) = filled_sqlite().await;
    let target = sqlite();
    thirdspace_store_sqlite::open(&target.url).await.expect("an empty network").close().await;
    let serving = thirdspace_store_sqlite::serving::lock_for_serving(&target.url).expect("a server's lock");
    let moved = migrate_data(&source.url, &target.url).await;
    assert!(
        matches!(&moved, Err(MigrateError::Open { side: thirdspace_migrate::Side::Target, message }) if message.contains("server is running")),
        "{moved:?}"
    );
    drop(serving);
    assert!(empty(&summarize(&target.url).await.expect("summary")), "nothing was written under the server");
    assert!(migrate_data(&source.url, &target.url).await.expect("moved once it stopped").matches());
}
