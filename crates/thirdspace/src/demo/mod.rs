//! `thirdspace demo`: a fresh database seeded with a small network, served at once.

mod cast;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use rand::RngCore;
use thirdspace_domain::booking::{self, BookingInput, BookingPlan, VenueClock};
use thirdspace_domain::email::Email;
use thirdspace_domain::exchange::{Answer, ExchangeDraft, ExchangeInput, Role};
use thirdspace_domain::gathering::{AtVenue, GatheringDraft, GatheringInput};
use thirdspace_domain::hours::{self, ClockTime, Span, WeeklyHours};
use thirdspace_domain::profile::{ProfileDraft, Visibility};
use thirdspace_domain::resident::Resident;
use thirdspace_domain::space::SpaceDraft;
use thirdspace_domain::venue::VenueDraft;
use thirdspace_domain::{checkin, tag};
use thirdspace_server::app::{access, board};
use thirdspace_server::clock::SystemClock;
use thirdspace_server::{matching, password, AppState, Application};
use thirdspace_store::{
    CheckIn, Decision, NewBooking, NewQuestion, NewResident, NewUser, ScreenKind, Store, StoreError, User, Venue,
};
use uuid::Uuid;

use crate::config::Config;
use crate::open;

/// How many of the people checked in at a venue the demo names; it counts the rest.
const SHOWN_HERE: usize = 3;

/// Social-capital seats each venue keeps free in the demo, for whoever tries booking.
const SEATS_KEPT_FREE: u32 = 2;

/// Every demo account's password.
pub const DEMO_PASSWORD: &str = "coworking-demo";
const DEMO_FILE: &str = "thirdspace-demo.db";

const LOCK_FILE: &str = "thirdspace-demo.lock";

/// Holds this folder's demo lock while the demo runs, so that a second demo started here refuses
/// to start instead of replacing the running one's database.
pub fn lock_folder() -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(LOCK_FILE)
        .with_context(|| format!("opening {LOCK_FILE}"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(anyhow!("another demo is running in this folder: stop it, or start this one in another folder"))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e).context("locking the demo folder"),
    }
}

/// A new, empty demo database in the working directory (an older one is removed).
pub fn fresh_database_url() -> Result<String> {
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{DEMO_FILE}{suffix}");
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("removing the old demo database {path}")),
        }
    }
    Ok(format!("sqlite://{DEMO_FILE}"))
}

struct SeededVenue {
    venue: Venue,
    host: User,
    code: String,
    /// Members checked in here now, to log in as and try suggestions.
    here: Vec<User>,
    /// The display token of the venue's screen.
    screen: String,
    /// The kiosk token of the tablet at the venue's door.
    kiosk: String,
}

struct Seeded {
    /// The posts on the board: title, id and the author's e-mail address.
    board: Vec<(String, Uuid, String)>,
    /// The gatherings organised: title, id and the organiser's e-mail address.
    gatherings: Vec<(String, Uuid, String)>,
    admin: User,
    venues: Vec<SeededVenue>,
    people: Vec<(User, Visibility, &'static str)>,
    booked: usize,
    checked_in: usize,
    for_tomorrow: bool,
    /// A few of the introductions suggested at each venue: venue name, score, reason.
    intros: Vec<(String, f32, String)>,
    /// Exchanges confirmed over the last months.
    exchanges: usize,
    /// Visits over the last months, and the residents listed.
    visits: usize,
    residents: Vec<User>,
}

pub async fn run(config: &Config, listener: tokio::net::TcpListener, people: usize) -> Result<()> {
    let lock = open::sqlite_lock(&config.database_url)?;
    let store = open::store(config, &config.database_url, false).await?;
    let mut seeded = seed(store.as_ref(), people).await?;
    let mut server = config.server(listener.local_addr()?);
    // The demo shows its metrics on a port of their own unless one was set.
    server.metrics_bind = server.metrics_bind.or_else(|| Some(SocketAddr::from(([127, 0, 0, 1], 0))));
    let state = AppState::new(store.clone(), Arc::new(SystemClock), server).with_mailer(config.mailer()?);
    seeded.board = put_up_posts(&state, &seeded).await?;
    let app = Application::on(listener, state).await?;
    let shutdown = open::shutdown_signal();
    print_welcome(&format!("http://{}", app.local_addr()?), &seeded, &config.database_url, app.metrics_addr());
    app.run_until(shutdown).await?;
    store.close().await;
    drop(lock);
    Ok(())
}

/// Where an operator and an integrator look: metrics, health, imports, exports and webhooks.
fn print_operations(base: &str, metrics: SocketAddr, v: &SeededVenue) {
    let id = v.venue.id;
    println!();
    println!("Operations (log in as {} for the venue's pages):", v.host.email);
    println!(
        "  Metrics (Prometheus)  http://{metrics}/metrics   (a listener of its own; off unless metrics_bind is set)"
    );
    println!("  Ready                 {base}/readyz");
    println!("  Import members (CSV)  {base}/host/venues/{id}/import");
    println!("  Export bookings (CSV) {base}/api/v1/venues/{id}/exports/bookings.csv");
    println!("  Webhooks              {base}/host/venues/{id}/webhooks   (signed deliveries of the venue's events)");
    println!("  Back up the database  thirdspace backup --to FILE   (while it runs)");
}

fn email(raw: &str) -> Result<Email> {
    Email::parse(raw).map_err(|e| anyhow!("demo e-mail {raw}: {e}"))
}

async fn seed(store: &dyn Store, count: usize) -> Result<Seeded> {
    let now = chrono::Utc::now().timestamp();
    let password_hash = password::hash_blocking(DEMO_PASSWORD).map_err(|e| anyhow!("{e}"))?;
    let new_user = |address: Email, display_name: &str, is_admin: bool| NewUser {
        email: address,
        password_hash: password_hash.clone(),
        display_name: display_name.to_owned(),
        is_admin,
        email_verified: true,
        now,
    };
    let admin = store.create_user(new_user(email("admin@demo.thirdspace.test")?, "Network Admin", true)).await?;

    let mut venues = Vec::new();
    for (i, demo) in cast::venues().into_iter().enumerate() {
        let draft = VenueDraft::parse(demo.venue).map_err(|e| anyhow!("demo venue: {e}"))?;
        let host_name = format!("Host of {}", draft.name);
        let host = store
            .create_user(new_user(email(&format!("host{}@demo.thirdspace.test", i + 1))?, &host_name, false))
            .await?;
        let mut secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        let venue = store.create_venue(host.id, &draft, &[], &secret, now).await?;
        for space in demo.spaces {
            let space = SpaceDraft::parse(space).map_err(|e| anyhow!("demo space: {e}"))?;
            store.create_space(venue.id, &space, now).await?;
        }
        let (today, _) = hours::local_now(draft.time_zone, now);
        let screen = thirdspace_server::auth::new_token();
        let hash = thirdspace_server::auth::token_hash(&screen);
        store.create_screen_token(venue.id, ScreenKind::Display, "Demo screen", &hash, now).await?;
        let kiosk = thirdspace_server::auth::new_token();
        let hash = thirdspace_server::auth::token_hash(&kiosk);
        store.create_screen_token(venue.id, ScreenKind::Kiosk, "Demo kiosk", &hash, now).await?;
        let code = checkin::daily_code(&secret, today);
        venues.push(SeededVenue { code, venue, host, here: Vec::new(), screen, kiosk });
    }

    let mut seeded_people = Vec::new();
    let (mut booked, mut checked_in, mut for_tomorrow) = (0, 0, false);
    let cast = cast::people(2026, count);
    for person in &cast {
        let profile = ProfileDraft::parse(person.profile.clone()).map_err(|e| anyhow!("demo profile: {e}"))?;
        let user = store.create_user(new_user(email(&person.email)?, &profile.display_name, false)).await?;
        store.put_profile(user.id, &profile, now).await?;
        seeded_people.push((user, profile.visibility, person.role));
    }
    // The months behind today come first: a check-in then is not mistaken for one of today's.
    let visits = visit_history(store, &seeded_people, &venues, now).await?;
    for (i, (person, (user, _, _))) in cast.iter().zip(&seeded_people).enumerate() {
        // Most people come in today; every fifth stays home.
        if i % 5 == 4 {
            continue;
        }
        // Each venue keeps a few seats free for whoever tries the demo; a person goes to the next
        // venue when theirs is nearly full.
        let arrive = (i / venues.len()) % 3 != 2;
        for k in (0..venues.len()).map(|k| (i + k) % venues.len()) {
            let (focus, pledge) = (person.focus.clone(), person.pledge.clone());
            let (venue, host) = (&venues[k].venue, venues[k].host.id);
            match book_today(store, venue, host, user, focus, pledge, arrive, now).await? {
                Outcome::CheckedIn => {
                    booked += 1;
                    checked_in += 1;
                    venues[k].here.push(user.clone());
                }
                Outcome::Booked { tomorrow } => {
                    booked += 1;
                    for_tomorrow |= tomorrow;
                }
                Outcome::Full => continue,
            }
            break;
        }
    }
    ask_questions(store, &venues, now).await?;
    let intros = introduce(store, &venues, now).await?;
    let exchanges = exchange_history(store, &seeded_people, &venues, now).await?;
    // The library lists two of its regulars as residents: they come in without a booking.
    let mut residents = Vec::new();
    if let Some(library) = venues.get(1) {
        for (person, (user, _, _)) in cast.iter().zip(&seeded_people).rev().take(2) {
            let listed = NewResident {
                resident: Resident::Email(email(&user.email)?),
                name: Some(user.display_name.clone()),
                tags: thirdspace_domain::tag::normalise_list("tags", &person.profile.interests)
                    .map_err(|e| anyhow!("demo tags: {}", e.message))?
                    .into_iter()
                    .take(3)
                    .collect(),
            };
            store.add_resident(library.venue.id, &listed, library.host.id, now).await?;
            residents.push(user.clone());
        }
    }
    let gatherings = organise_gatherings(store, &seeded_people, &venues, now).await?;
    Ok(Seeded {
        board: Vec::new(),
        gatherings,
        admin,
        venues,
        people: seeded_people,
        booked,
        checked_in,
        for_tomorrow,
        intros,
        exchanges,
        visits,
        residents,
    })
}

enum Outcome {
    CheckedIn,
    Booked { tomorrow: bool },
    Full,
}

/// Books the person for the rest of today's opening period (checking them in when `arrive`), or
/// for tomorrow when the venue is closed now.
#[allow(clippy::too_many_arguments)]
async fn book_today(
    store: &dyn Store,
    venue: &Venue,
    host: uuid::Uuid,
    user: &User,
    focus: String,
    pledge: String,
    arrive: bool,
    now: i64,
) -> Result<Outcome> {
    let tz: chrono_tz::Tz = venue.time_zone.parse().map_err(|_| anyhow!("demo venue time zone"))?;
    let weekly = WeeklyHours::parse(venue.opening_hours.clone()).map_err(|e| anyhow!("{e}"))?;
    let clock = VenueClock { time_zone: tz, hours: &weekly, closures: &venue.closures };
    let (today, at) = hours::local_now(tz, now);
    let quarter = ClockTime::from_minutes(at.minutes() - at.minutes() % 15).unwrap_or(at);
    let open_now = hours::open_period_at(&weekly, &venue.closures, today, at)
        .filter(|p| p.end.minutes() > at.minutes() + Span::MIN_MINUTES);
    let (date, start, end, arrive) = match open_now {
        Some(period) if arrive => (today, quarter, period.end, true),
        Some(period) => {
            let later = ClockTime::from_minutes(quarter.minutes() + 30).unwrap_or(period.end);
            (today, later, period.end, false)
        }
        None => {
            let later_today = weekly.on(hours::Weekday::of(today)).find(|p| p.start > at);
            let tomorrow = today.succ_opt().unwrap_or(today);
            match later_today {
                Some(period) => (today, period.start, period.end, false),
                None => {
                    let Some(first) = weekly.on(hours::Weekday::of(tomorrow)).next() else { return Ok(Outcome::Full) };
                    (tomorrow, first.start, first.end, false)
                }
            }
        }
    };
    let input = BookingInput { space_id: None, date, start, end, focus, pledge, accept_house_rules: true };
    let Ok(plan) = booking::plan_with_terms(clock, access::terms(venue), &input, now) else { return Ok(Outcome::Full) };
    if store.free_seats(venue.id, date, (plan.starts_at, plan.ends_at), now).await? <= SEATS_KEPT_FREE {
        return Ok(Outcome::Full);
    }
    let plan_end = plan.closes_at;
    match store.book(NewBooking { user: user.id, venue: venue.id, space: None, plan, now }).await {
        // Where the host approves bookings, those arriving now were approved; the rest wait.
        Ok(booked) if arrive && booked.approval.is_some() => {
            let welcome = Some("Welcome! Ask at the desk for the group room if you need it.".to_owned());
            store.decide_booking(booked.id, Decision { approve: true, by: host, message: welcome }, now).await?;
        }
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => return Ok(Outcome::Full),
        Err(e) => return Err(e.into()),
    }
    if !arrive {
        return Ok(Outcome::Booked { tomorrow: date != today });
    }
    let open_until = plan_end;
    store
        .check_in(CheckIn { venue: venue.id, user: user.id, today, at, now, open_until, walk_in: None, by_staff: None })
        .await?;
    Ok(Outcome::CheckedIn)
}

/// A round of introductions at each venue for the people checked in, recorded as suggestions.
async fn introduce(store: &dyn Store, venues: &[SeededVenue], now: i64) -> Result<Vec<(String, f32, String)>> {
    let v = thirdspace_serendipity::vocabulary::shipped();
    let mut shown = Vec::new();
    for seeded in venues {
        let present = store.present(seeded.venue.id, now).await?;
        let people: Vec<_> = present.iter().map(|p| matching::person(v, &p.profile, Some(&p.focus))).collect();
        let round = thirdspace_serendipity::round::round(v, &people, &Default::default(), 2);
        let new = matching::new_intros(v, &people, &round, Some(seeded.venue.id));
        for intro in store.suggest_intros(new, now, now).await?.into_iter().take(2) {
            shown.push((seeded.venue.name.clone(), intro.score, intro.reason));
        }
    }
    Ok(shown)
}

/// Four months of members helping each other, each with something they offer, at one of the
/// venues, confirmed by whoever was helped a few hours later; one in six was never confirmed
/// (pending, or lapsed once a month has passed). How many were confirmed.
async fn exchange_history(
    store: &dyn Store,
    people: &[(User, Visibility, &'static str)],
    venues: &[SeededVenue],
    now: i64,
) -> Result<usize> {
    const SHARED: [&str; 4] = [
        "Answered my questions about {} over coffee",
        "Showed how they approach {} on a real case",
        "Reviewed a draft with me: {}",
        "Pointed me to the right people for {}",
    ];
    let mut profiles = Vec::with_capacity(people.len());
    for (user, _, _) in people {
        if let Some(profile) = store.profile(user.id).await? {
            profiles.push(profile);
        }
    }
    let mut confirmed = 0;
    for (i, giver) in profiles.iter().enumerate() {
        for k in 1..=3usize {
            let receiver = &profiles[(i + 7 * k) % profiles.len()];
            let Some(topic) = giver.offers.get(k % giver.offers.len().max(1)) else { continue };
            if receiver.user_id == giver.user_id || venues.is_empty() {
                continue;
            }
            let days_ago = ((i * 13 + k * 29) % 120) as i64 + 1;
            let at = now - days_ago * 86_400;
            let input = ExchangeInput {
                with: giver.user_id,
                role: Role::Received,
                tags: vec![topic.clone()],
                text: SHARED[(i + k) % SHARED.len()].replace("{}", topic),
                venue_id: Some(venues[(i + k) % venues.len()].venue.id),
                source: None,
                source_id: None,
            };
            let draft = ExchangeDraft::parse(receiver.user_id, input).map_err(|e| anyhow!("demo exchange: {e}"))?;
            let proposed = store.propose_exchange(&draft, at).await?;
            if (i + k) % 6 != 0 {
                let confirmed_at = at + 3_600 * (1 + k as i64);
                store.answer_exchange(proposed.id, giver.user_id, Answer::Confirm, confirmed_at).await?;
                confirmed += 1;
            }
        }
    }
    Ok(confirmed)
}

/// Three months of visits: each day a few members came to one of the venues from 09:00 to 17:00,
/// checked in, left at 16:00, and most said they kept their pledge. How many visits.
async fn visit_history(
    store: &dyn Store,
    people: &[(User, Visibility, &'static str)],
    venues: &[SeededVenue],
    now: i64,
) -> Result<usize> {
    const DAYS: i64 = 90;
    const A_DAY: usize = 4;
    let (nine, five) = (ClockTime::from_minutes(9 * 60), ClockTime::from_minutes(17 * 60));
    let (Some(nine), Some(five)) = (nine, five) else { return Ok(0) };
    let mut visits = 0;
    for days_ago in 1..=DAYS {
        for k in 0..A_DAY {
            let i = (days_ago as usize * 7 + k * 11) % people.len().max(1);
            let (Some((user, _, _)), Some(seeded)) =
                (people.get(i), venues.get((days_ago as usize + k) % venues.len().max(1)))
            else {
                continue;
            };
            let venue = &seeded.venue;
            let tz: chrono_tz::Tz = venue.time_zone.parse().map_err(|_| anyhow!("demo venue time zone"))?;
            let (today, _) = hours::local_now(tz, now);
            let date = today - chrono::Duration::days(days_ago);
            let (starts_at, ends_at) = (hours::instant(tz, date, nine), hours::instant(tz, date, five));
            let plan = BookingPlan {
                date,
                span: Span { start: nine, end: five },
                starts_at,
                ends_at,
                closes_at: ends_at,
                focus: "Working on my own project".to_owned(),
                pledge: "Happy to share what I know with the people here".to_owned(),
                approval: None,
                rules_accepted: true,
                resident: false,
            };
            let new = NewBooking { user: user.id, venue: venue.id, space: None, plan, now: starts_at - 86_400 };
            let booked = match store.book(new).await {
                Ok(booked) => booked,
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            };
            let arrive = CheckIn {
                venue: venue.id,
                user: user.id,
                today: date,
                at: nine,
                now: starts_at + 600,
                open_until: ends_at,
                walk_in: None,
                by_staff: None,
            };
            store.check_in(arrive).await?;
            store.check_out(venue.id, user.id, ends_at - 3_600).await?;
            if !(days_ago as usize + k).is_multiple_of(4) {
                store.answer_pledge(booked.id, true, None, ends_at).await?;
            }
            visits += 1;
        }
    }
    Ok(visits)
}

/// A few open questions from people who are here.
/// A fortnightly casual coworking day at a member's home, and a knowledge session at the first
/// venue that is already full, with people in line.
async fn organise_gatherings(
    store: &dyn Store,
    people: &[(User, Visibility, &'static str)],
    venues: &[SeededVenue],
    now: i64,
) -> Result<Vec<(String, Uuid, String)>> {
    let (Some((organiser, _, _)), Some(venue)) = (people.first(), venues.first()) else { return Ok(Vec::new()) };
    let tz = access::time_zone(&venue.venue).map_err(|e| anyhow!("demo venue: {e:?}"))?;
    let (today, _) = hours::local_now(tz, now);
    let day = |n: i64| (today + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
    let host_name = organiser.display_name.split_whitespace().next().unwrap_or("a member's");
    let home: GatheringInput = serde_json::from_value(serde_json::json!({
        "kind": "coworking_day", "title": format!("Casual coworking at {}'s", host_name), "description":
        "Bring your laptop, we bring coffee and a big table. Quiet mornings, lunch together at one.",
        "tags": ["coworking", "writing"], "address": "Lange Nieuwstraat 12, first floor", "city": venue.venue.city,
        "time_zone": tz.name(), "date": day(2), "start": "09:30", "end": "16:30", "capacity": 6,
        "repeat": "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
    }))?;
    let home = GatheringDraft::parse(home, None, now).map_err(|e| anyhow!("demo gathering: {e:?}"))?;
    let home = store.create_gathering(organiser.id, &home, now).await?;
    let session: GatheringInput = serde_json::from_value(serde_json::json!({
        "kind": "knowledge_session", "title": "VAT for freelancers, in one hour",
        "description": "What to charge, what to reclaim, and the three deadlines that matter. Questions welcome.",
        "tags": ["vat", "freelancing"], "venue_id": venue.venue.id, "date": day(3), "start": "12:00", "end": "13:00",
        "capacity": 4
    }))?;
    let at = AtVenue { time_zone: tz, city: &venue.venue.city };
    let session = GatheringDraft::parse(session, Some(at), now).map_err(|e| anyhow!("demo gathering: {e:?}"))?;
    let session = store.create_gathering(venue.host.id, &session, now).await?;
    for (gathering, answering) in [(&home, 4), (&session, 7)] {
        let first = store.gathering_dates(gathering.id).await?;
        let Some(first) = first.first() else { continue };
        for (user, _, _) in people.iter().skip(1).take(answering) {
            store.answer_gathering(first.id, user.id, now).await?;
        }
    }
    Ok(vec![(home.title, home.id, organiser.email.clone()), (session.title, session.id, venue.host.email.clone())])
}

/// A few posts on the board, put up by members through the application like any other (each
/// author is reminded before it comes down): a lamp to lend at the café, a spare monitor at the
/// library, a co-founder and a proofreader wanted in the city; and one member writing to the
/// lamp's author.
async fn put_up_posts(state: &AppState, seeded: &Seeded) -> Result<Vec<(String, Uuid, String)>> {
    let (Some(cafe), Some(library)) = (seeded.venues.first(), seeded.venues.get(1)) else { return Ok(Vec::new()) };
    let city = cafe.venue.city.clone();
    let posts = [
        serde_json::json!({"kind": "offer", "category": "equipment", "title": "Desk lamp to lend",
            "body": "A warm LED desk lamp with a dimmer. Borrow it for a week or two; it stays behind the bar.",
            "tags": ["lighting", "ergonomics"], "venue_id": cafe.venue.id}),
        serde_json::json!({"kind": "offer", "category": "equipment", "title": "Spare 24-inch monitor",
            "body": "A second screen I no longer use (HDMI, cable included). Free to a good home.",
            "tags": ["hardware"], "venue_id": library.venue.id}),
        serde_json::json!({"kind": "need", "category": "people", "title": "Looking for a co-founder for a climate app",
            "body": "An app that helps households cut their energy use. I build the backend; looking for someone \
            who knows product design or the energy market.", "tags": ["climate", "product design"], "city": city}),
        serde_json::json!({"kind": "need", "category": "service", "title": "Proofreader for a grant application",
            "body": "Twelve pages in English, due in three weeks. Happy to pay, or to swap for help with Python.",
            "tags": ["proofreading", "english"], "city": city}),
    ];
    let mut put_up = Vec::new();
    for (body, (author, _, _)) in posts.into_iter().zip(&seeded.people) {
        let input = serde_json::from_value(body)?;
        let view = board::put_up(state, author, input).await.map_err(|e| anyhow!("demo post: {e:?}"))?;
        put_up.push((view.post.title, view.post.id, author.email.clone()));
    }
    if let (Some((_, lamp, _)), Some((writer, _, _))) = (put_up.first(), seeded.people.get(4)) {
        let body = "Could I borrow the lamp on Thursday? My corner of the café gets dark by four.";
        board::write(state, writer, *lamp, body, None).await.map_err(|e| anyhow!("demo message: {e:?}"))?;
    }
    Ok(put_up)
}

async fn ask_questions(store: &dyn Store, venues: &[SeededVenue], now: i64) -> Result<()> {
    const QUESTIONS: [(&str, &[&str]); 3] = [
        (
            "Does anyone know how VAT works when I sell online courses to customers in other EU countries?",
            &["vat", "bookkeeping"],
        ),
        (
            "Looking for someone to look at my pitch deck for ten minutes before Friday's investor meeting.",
            &["pitch deck", "fundraising"],
        ),
        (
            "Our Kubernetes pods keep restarting under load. Anyone around who has debugged OOM kills before?",
            &["kubernetes", "devops"],
        ),
    ];
    for (seeded, (text, tags)) in venues.iter().zip(QUESTIONS) {
        let present = store.present(seeded.venue.id, now).await?;
        let Some(asker) = present.first() else { continue };
        let tags = tag::normalise_list("tags", &tags.iter().map(|t| t.to_string()).collect::<Vec<_>>())
            .map_err(|e| anyhow!("{e}"))?;
        store
            .post_question(NewQuestion {
                venue: seeded.venue.id,
                asker: asker.profile.user_id,
                text: text.to_owned(),
                tags,
                now,
            })
            .await?;
    }
    Ok(())
}

fn print_welcome(base: &str, seeded: &Seeded, database_url: &str, metrics: Option<SocketAddr>) {
    println!();
    println!("thirdspace demo is running at {base}");
    println!();
    println!("  Web app               {base}/   (find a seat; log in with a demo login below)");
    println!("  Sign up               {base}/signup");
    println!("  Run a venue           {base}/host   (log in as a host below)");
    println!("  E-mail                no mail server in the demo: log-in and password links are written to this log");
    println!("  API documentation     {base}/api/docs");
    println!("  OpenAPI document      {base}/api/openapi.json");
    println!("  Health                {base}/healthz");
    println!("  All venues            {base}/api/v1/venues");
    for v in &seeded.venues {
        println!();
        println!("  {} ({}, {})", v.venue.name, v.venue.kind.as_str().replace('_', " "), v.venue.city);
        println!("    live screen         {base}/venues/{}/screen?token={}", v.venue.id, v.screen);
        println!("    kiosk at the door   {base}/venues/{}/kiosk?token={}", v.venue.id, v.kiosk);
        println!("    check in (the QR)   {base}/check-in/{}?code={}", v.venue.id, v.code);
        println!("    venue page          {base}/venues/{}", v.venue.id);
        println!("    host's day          {base}/host/venues/{}/today", v.venue.id);
        println!("    venue (API)         {base}/api/v1/venues/{}", v.venue.id);
        println!("    who is here now     {base}/api/v1/venues/{}/presence", v.venue.id);
        println!("    open questions      {base}/api/v1/venues/{}/questions", v.venue.id);
        println!("    today's check-in code: {}   host login: {}", v.code, v.host.email);
        for member in v.here.iter().take(SHOWN_HERE) {
            println!("    checked in now: {} ({})", member.email, member.display_name);
        }
        if v.here.len() > SHOWN_HERE {
            println!("    and {} more checked in (who is here now, above)", v.here.len() - SHOWN_HERE);
        }
    }
    println!();
    println!(
        "  {} people, {} bookings{}, {} checked in now.",
        seeded.people.len(),
        seeded.booked,
        if seeded.for_tomorrow { " (some venues have closed for today: those bookings are for tomorrow)" } else { "" },
        seeded.checked_in
    );
    if seeded.exchanges > 0 {
        println!();
        println!(
            "Social capital: {} exchanges confirmed over the last four months. Log in as any member below and open {base}/me/social-capital",
            seeded.exchanges
        );
    }
    println!();
    println!("What the seats produced ({} visits over the last three months):", seeded.visits);
    for v in &seeded.venues {
        println!("  {:<28} {base}/host/venues/{}/report   (log in as {})", v.venue.name, v.venue.id, v.host.email);
    }
    let today = chrono::Utc::now().date_naive();
    let (from, to) = (today - chrono::Duration::days(120), today + chrono::Duration::days(1));
    println!("  the whole network      {base}/api/v1/network/report?from={from}&to={to}   (the network admin)");
    println!("  a member's own         {base}/api/v1/me/report?from={from}&to={to}   (any member)");
    println!("  pledges                a member's past visits ask whether they kept it: {base}/me/bookings");
    if let Some(campus) = seeded.venues.iter().find(|v| v.venue.requires_approval) {
        println!();
        println!(
            "{} approves bookings: later ones wait for its host at {base}/host/venues/{}",
            campus.venue.name, campus.venue.id
        );
    }
    println!();
    println!("Gatherings (organised, with people going and in line; the organiser sees each date's line):");
    for (title, id, organiser) in &seeded.gatherings {
        println!("  {title:<40} {base}/gatherings/{id}   (organiser: {organiser})");
        println!("  {:<40} {base}/api/v1/gatherings/{id}", "  (API)");
    }
    if let Some(v) = seeded.venues.first() {
        let city = v.venue.city.replace(' ', "%20");
        println!("  in {:<37} {base}/gatherings?city={city}", v.venue.city);
        println!("  {:<40} {base}/api/v1/gatherings?city={city}", "  (API)");
    }
    println!();
    println!("The board (offers and needs; members write to a post's author here, no address shown):");
    for (title, id, author) in &seeded.board {
        println!("  {title:<44} {base}/board/{id}   (author: {author})");
    }
    if let Some(v) = seeded.venues.first() {
        let city = v.venue.city.replace(' ', "%20");
        println!("  in {:<41} {base}/board?city={city}", v.venue.city);
        println!("  {:<44} {base}/api/v1/board?city={city}", "  (API)");
    }
    for resident in &seeded.residents {
        println!("Resident of the library (checks in without a booking): {}", resident.email);
    }
    if !seeded.intros.is_empty() {
        println!();
        println!("Suggested introductions (each member sees theirs at GET /api/v1/me/intros):");
        for (venue, score, reason) in &seeded.intros {
            println!("  [{venue}, score {score:.2}] {reason}");
        }
    }
    println!();
    println!("Demo logins (every password is {DEMO_PASSWORD}):");
    println!("  {:<44} network admin", seeded.admin.email);
    for v in &seeded.venues {
        println!("  {:<44} host of {}", v.host.email, v.venue.name);
    }
    for (user, visibility, role) in seeded.people.iter().take(6) {
        println!("  {:<44} {}, {role} (visibility: {})", user.email, user.display_name, visibility.as_str());
    }
    println!(
        "  … and {} more members, each firstname.lastname@demo.thirdspace.test (accents dropped)",
        seeded.people.len().saturating_sub(6)
    );
    println!();
    println!("Get an API token:");
    println!(
        "  curl -s -X POST {base}/api/v1/auth/tokens -H 'content-type: application/json' \\\n    -d '{{\"email\":\"{}\",\"password\":\"{DEMO_PASSWORD}\",\"name\":\"demo\"}}'",
        seeded
            .venues
            .iter()
            .find_map(|v| v.here.first())
            .map_or(seeded.admin.email.as_str(), |member| member.email.as_str())
    );
    println!("then, with TOKEN set to the \"token\" it returns:");
    println!("  curl -s {base}/api/v1/me/suggestions -H \"authorization: Bearer $TOKEN\"");
    if let (Some(metrics), Some(v)) = (metrics, seeded.venues.first()) {
        print_operations(base, metrics, v);
    }
    println!();
    println!("The demo's data is in {} (a new one at each start).", crate::config::masked(database_url));
    println!("Press Ctrl-C to stop.");
}
