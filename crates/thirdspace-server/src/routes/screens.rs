//! The venue's screens: tokens a host gives a TV or a kiosk, and the dashboard's picture of the
//! venue right now.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use thirdspace_domain::hours;
use thirdspace_domain::profile::Visibility;
use thirdspace_domain::text;
use thirdspace_serendipity::person::{question_needs, tag_labels, terms};
use thirdspace_serendipity::route::Router;
use thirdspace_serendipity::vocabulary::shipped;
use thirdspace_store::{IntroAnswer, Paged, Profile, ScreenKind, ScreenToken};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::PageQuery;
use crate::app::access::{time_zone, venue_for_staff};
use crate::auth::{new_token, token_hash, Auth, MaybeAuth};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::matching::{candidate, first_name, read_reason};
use crate::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenTokenRequest {
    kind: ScreenKind,
    /// Which screen, e.g. "TV by the bar".
    #[schema(schema_with = text::schema::line::<1, 80>, example = "TV by the bar")]
    name: String,
}

/// A new screen token: the secret is shown this once.
#[derive(Serialize, ToSchema)]
pub struct IssuedScreenToken {
    /// Put it in the screen's link as `?token=…`.
    token: String,
    #[serde(flatten)]
    info: ScreenToken,
}

/// Issues a token for one of the venue's screens (its staff).
#[utoipa::path(post, path = "/api/v1/venues/{id}/screen-tokens", tag = "screens", params(("id" = Uuid, Path)),
    request_body = ScreenTokenRequest,
    responses((status = 201, body = IssuedScreenToken), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ScreenTokenRequest>,
) -> ApiResult<(StatusCode, Json<IssuedScreenToken>)> {
    venue_for_staff(&state, id, &auth.user).await?;
    let name = text::bounded("name", &body.name, 1, 80, false)?;
    let token = new_token();
    let info = state.store.create_screen_token(id, body.kind, &name, &token_hash(&token), state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(IssuedScreenToken { token, info })))
}

/// The venue's screen tokens (its staff).
#[utoipa::path(get, path = "/api/v1/venues/{id}/screen-tokens", tag = "screens", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Paged<ScreenToken>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<ScreenToken>>> {
    let page = q.page()?;
    venue_for_staff(&state, id, &auth.user).await?;
    Ok(Json(state.store.screen_tokens(id, page).await?))
}

/// Revokes a screen token (its venue's staff): new requests are refused at once, and its open
/// live streams end within ten seconds.
#[utoipa::path(delete, path = "/api/v1/venues/{id}/screen-tokens/{token_id}", tag = "screens",
    params(("id" = Uuid, Path), ("token_id" = Uuid, Path)),
    responses((status = 200, body = ScreenToken), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, token_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<ScreenToken>> {
    venue_for_staff(&state, id, &auth.user).await?;
    Ok(Json(state.store.revoke_screen_token(id, token_id, state.clock.now()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreenQuery {
    /// A display token of this venue (or log in as its staff).
    #[param(nullable = false)]
    pub token: Option<String>,
}

/// Fails unless `token` is a live screen token of `kind` for `venue`.
pub async fn screen_opens(state: &AppState, venue: Uuid, token: &str, kind: ScreenKind) -> ApiResult<()> {
    match state.store.screen_token(&token_hash(token)).await? {
        Some((v, k)) if v == venue && k == kind => Ok(()),
        _ => Err(ApiError::forbidden(match kind {
            ScreenKind::Display => "this token does not open this venue's dashboard (it may have been revoked)",
            ScreenKind::Kiosk => "this token does not open this venue's kiosk (it may have been revoked)",
        })),
    }
}

/// Whether a request may see a venue's dashboard: a live display token of that venue, or its staff.
pub async fn may_show(
    state: &AppState,
    venue: Uuid,
    token: Option<&str>,
    user: Option<&thirdspace_store::User>,
) -> ApiResult<()> {
    if let Some(token) = token {
        return screen_opens(state, venue, token, ScreenKind::Display).await;
    }
    match user {
        Some(user) => venue_for_staff(state, venue, user).await.map(|_| ()).map_err(ApiError::from),
        None => Err(ApiError::unauthenticated()),
    }
}

/// The QR code the venue's screen shows: it opens the self check-in page for today with the
/// venue's check-in code (a display token, or the venue's staff). An SVG image.
#[utoipa::path(get, path = "/api/v1/venues/{id}/check-in-qr.svg", tag = "screens", params(("id" = Uuid, Path), ScreenQuery),
    responses((status = 200, description = "An SVG image", content_type = "image/svg+xml", body = String),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn check_in_qr(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ScreenQuery>,
    headers: axum::http::HeaderMap,
) -> ApiResult<impl axum::response::IntoResponse> {
    let venue = state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    may_show(&state, id, q.token.as_deref(), user.as_ref()).await?;
    let secret = state.store.checkin_secret(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let (today, _) = hours::local_now(time_zone(&venue)?, state.clock.now());
    let code = thirdspace_domain::checkin::daily_code(&secret, today);
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']')))
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies { "https" } else { "http" };
    let link = format!("{scheme}://{host}/check-in/{id}?code={code}");
    let qr = qrcode::QrCode::new(link.as_bytes()).map_err(|e| {
        tracing::error!(error = %e, "the check-in link does not fit a QR code");
        ApiError::internal()
    })?;
    let svg = qr.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build();
    Ok(([(axum::http::header::CONTENT_TYPE, "image/svg+xml"), (axum::http::header::CACHE_CONTROL, "no-store")], svg))
}

/// Someone on the dashboard.
#[derive(Serialize, ToSchema)]
pub struct ScreenPerson {
    display_name: String,
    headline: Option<String>,
    offers: Vec<String>,
    seeking: Vec<String>,
    focus: String,
}

#[derive(Serialize, ToSchema)]
pub struct ScreenIntro {
    a: String,
    b: String,
    reason: String,
    /// Both said yes.
    accepted: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ScreenQuestion {
    text: String,
    tags: Vec<String>,
    asker: Option<String>,
    /// People here who may be able to help, best first.
    who_can_help: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Counters {
    /// Everyone checked in, shown or not.
    here: u32,
    intros_suggested_today: u32,
    intros_accepted_today: u32,
    /// Distinct knowledge topics offered by the people here.
    topics: u32,
}

/// What a venue's screen shows now.
#[derive(Serialize, ToSchema)]
pub struct Dashboard {
    venue_id: Uuid,
    venue_name: String,
    /// Local time at the venue, "HH:MM".
    local_time: String,
    /// Today's check-in code, for people who type it instead of scanning the QR code.
    check_in_code: String,
    /// While the venue is closed: that it is, and when it opens again (the screen then shows
    /// this instead of inviting people to check in).
    closed: Option<String>,
    /// The local date at the venue: the check-in QR code changes with it.
    #[schema(value_type = String, format = Date)]
    local_date: chrono::NaiveDate,
    people: Vec<ScreenPerson>,
    intros: Vec<ScreenIntro>,
    questions: Vec<ScreenQuestion>,
    counters: Counters,
}

/// The venue's screen shows people whose visibility is `public` or `venue` (the screen is at the
/// venue); hidden people are only counted.
fn on_screen(profile: &Profile) -> bool {
    profile.visibility != Visibility::Hidden
}

/// What the venue's dashboard shows now (a display token, or the venue's staff).
#[utoipa::path(get, path = "/api/v1/venues/{id}/dashboard", tag = "screens", params(("id" = Uuid, Path), ScreenQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security((), ("bearer" = []), ("cookie" = [])))]
pub async fn dashboard(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ScreenQuery>,
) -> ApiResult<Json<Dashboard>> {
    let venue = state.store.venue(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    may_show(&state, id, q.token.as_deref(), user.as_ref()).await?;
    let now = state.clock.now();
    let (today, at) = hours::local_now(time_zone(&venue)?, now);
    let secret = state.store.checkin_secret(id).await?.ok_or_else(|| ApiError::not_found("venue"))?;
    let check_in_code = thirdspace_domain::checkin::daily_code(&secret, today);
    let weekly = hours::WeeklyHours::parse(venue.opening_hours.clone())?;
    let closed = hours::closed_now(&weekly, &venue.closures, today, at);
    let present = state.store.present(id, now).await?;
    let v = shipped();
    let shown: Vec<&thirdspace_store::PresentPerson> = present.iter().filter(|p| on_screen(&p.profile)).collect();
    let name_of = |user: Uuid| shown.iter().find(|p| p.profile.user_id == user).map(|p| p.profile.display_name.clone());
    let mut topics: Vec<_> = present.iter().flat_map(|p| terms(v, &p.profile.offers)).collect();
    topics.sort();
    topics.dedup();
    let day_start = now - 86_400;
    let intros = state.store.venue_intros(id, day_start, 200).await?;
    let accepted =
        |i: &thirdspace_store::Intro| i.a_answer == IntroAnswer::Accepted && i.b_answer == IntroAnswer::Accepted;
    let counters = Counters {
        here: present.len() as u32,
        intros_suggested_today: intros.len() as u32,
        intros_accepted_today: intros.iter().filter(|i| accepted(i)).count() as u32,
        topics: topics.len() as u32,
    };
    let screen_intros = intros
        .iter()
        .filter(|i| i.met_at.is_none())
        .filter_map(|i| {
            let (a, b) = (name_of(i.person_a)?, name_of(i.person_b)?);
            let first = |id: Uuid| first_name(if id == i.person_a { &a } else { &b });
            let reason = read_reason(&i.reason, None, first).unwrap_or_else(|| i.reason.clone());
            Some(ScreenIntro { a, b, reason, accepted: accepted(i) })
        })
        .take(12)
        .collect();
    let candidates: Vec<_> = shown.iter().map(|p| candidate(v, &p.profile, 0)).collect();
    let router = Router::new(&candidates);
    let open = state.store.open_questions(id, thirdspace_store::Page::new(1, 10)).await?;
    let questions = open
        .items
        .into_iter()
        .map(|question| {
            let needs = question_needs(v, &question.tags, &question.text);
            let who_can_help = router
                .scored(v, &needs, &question.text, |i| shown[i as usize].profile.user_id == question.asker_id)
                .into_iter()
                .take(3)
                .map(|(i, _)| shown[i as usize].profile.display_name.clone())
                .collect();
            ScreenQuestion { asker: name_of(question.asker_id), text: question.text, tags: question.tags, who_can_help }
        })
        .collect();
    let people = shown
        .iter()
        .map(|p| ScreenPerson {
            display_name: p.profile.display_name.clone(),
            headline: p.profile.headline.clone(),
            offers: tag_labels(v, &p.profile.offers),
            seeking: tag_labels(v, &p.profile.seeking),
            focus: p.focus.clone(),
        })
        .collect();
    Ok(Json(Dashboard {
        venue_id: id,
        venue_name: venue.name,
        local_time: at.to_string(),
        check_in_code,
        closed,
        local_date: today,
        people,
        intros: screen_intros,
        questions,
        counters,
    }))
}
