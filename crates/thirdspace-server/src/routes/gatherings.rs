//! Gatherings over the API: organise, list by city or venue, say you come (to a date or the
//! whole series), withdraw, take a place offered; the organiser's line, yes, no and moving up.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thirdspace_domain::gathering::{DateChange, GatheringInput};
use thirdspace_store::Where;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::shapes::{GatheringDateView, GatheringView, LinePlaceView, ListedGatheringDate, RsvpView};
use crate::app::gatherings;
use crate::auth::{Auth, MaybeAuth};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{calendar, AppState};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingQuery {
    /// The city (any case and spacing); required when listing by city.
    #[param(nullable = false)]
    city: Option<String>,
    /// The first date listed (`YYYY-MM-DD`, from its midnight UTC); today when left out.
    #[param(value_type = Option<String>, format = Date, nullable = false)]
    from: Option<NaiveDate>,
    /// How many days, 1 to 62; 30 when left out.
    #[param(minimum = 1, maximum = 62, nullable = false)]
    days: Option<u32>,
}

impl ListingQuery {
    fn span(&self, state: &AppState) -> (i64, u32) {
        let today = chrono::DateTime::from_timestamp(state.clock.now(), 0).map(|t| t.date_naive());
        let from = self.from.or(today).map_or(0, |d| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
        (from, self.days.unwrap_or(30))
    }
}

/// Organises a gathering: a casual coworking day, a knowledge session, a group meetup, or a
/// venue's own event. At a venue only its staff may; elsewhere give an address (shown only to the
/// people going), a city and a time zone. A series repeats by an RFC 5545 rule that ends.
#[utoipa::path(post, path = "/api/v1/gatherings", tag = "gatherings", request_body = GatheringInput,
    responses((status = 201, body = GatheringView), (status = 401, body = ErrorBody),
        (status = 403, description = "Not this venue's staff", body = ErrorBody),
        (status = 409, description = "The venue's open seating has not that many seats free over one of the dates (`gathering_no_seats`)", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn organise(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<GatheringInput>,
) -> ApiResult<(StatusCode, Json<GatheringView>)> {
    Ok((StatusCode::CREATED, Json(gatherings::organise(&state, &auth.user, body).await?.into())))
}

/// The dates of gatherings in a city, soonest first (at most 200). Members-only gatherings are
/// listed to members; addresses never.
#[utoipa::path(get, path = "/api/v1/gatherings", tag = "gatherings", params(ListingQuery),
    responses((status = 200, body = Vec<ListedGatheringDate>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn in_city(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiQuery(q): ApiQuery<ListingQuery>,
) -> ApiResult<Json<Vec<ListedGatheringDate>>> {
    let city = gatherings::city(q.city.as_deref().unwrap_or(""))?;
    let (from, days) = q.span(&state);
    let found = gatherings::listed(&state, viewer.as_ref(), Where::City(&city), from, days).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// The dates of gatherings at a venue, soonest first (at most 200).
#[utoipa::path(get, path = "/api/v1/venues/{id}/gatherings", tag = "gatherings", params(("id" = Uuid, Path), ListingQuery),
    responses((status = 200, body = Vec<ListedGatheringDate>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn at_venue(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ListingQuery>,
) -> ApiResult<Json<Vec<ListedGatheringDate>>> {
    let (from, days) = q.span(&state);
    let found = gatherings::listed(&state, viewer.as_ref(), Where::Venue(id), from, days).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

/// The calendar feed of the dates in `found`: one event a date (see [`calendar`]), without
/// addresses (a feed is read without signing in).
fn feed(
    state: &AppState,
    name: &str,
    found: &[(thirdspace_store::Gathering, thirdspace_store::GatheringDate)],
) -> Response {
    let (base, now) = (&state.config.public_url, state.clock.now());
    let events = found.iter().filter_map(|(g, d)| calendar::gathering_date(g, d, None, base, now));
    ([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], calendar::feed(name, events)).into_response()
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CityQuery {
    /// The city (any case and spacing).
    city: String,
}

/// A city's gatherings as a calendar feed to subscribe to (a month back, a year ahead; open
/// gatherings only, without addresses).
#[utoipa::path(get, path = "/api/v1/gatherings.ics", tag = "gatherings", params(CityQuery),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn city_feed(State(state): State<AppState>, ApiQuery(q): ApiQuery<CityQuery>) -> ApiResult<Response> {
    let city = gatherings::city(&q.city)?;
    let found = gatherings::feed(&state, Where::City(&city)).await?;
    Ok(feed(&state, &format!("Gatherings in {}", q.city.trim()), &found))
}

/// A venue's gatherings as a calendar feed to subscribe to (a month back, a year ahead; open
/// gatherings only).
#[utoipa::path(get, path = "/api/v1/venues/{id}/gatherings.ics", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn venue_feed(State(state): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let found = gatherings::feed(&state, Where::Venue(id)).await?;
    Ok(feed(&state, "Gatherings", &found))
}

/// A gathering with its dates and your answers. A members-only one is not found without signing in.
#[utoipa::path(get, path = "/api/v1/gatherings/{id}", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = GatheringView), (status = 404, body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    MaybeAuth(viewer): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<GatheringView>> {
    Ok(Json(gatherings::show(&state, viewer.as_ref(), id).await?.into()))
}

/// Says you come to every date of a series still ahead: going where a place is free, in line
/// where not, all or none.
#[utoipa::path(post, path = "/api/v1/gatherings/{id}/rsvp", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RsvpView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "No date ahead", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn answer_series(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<RsvpView>>> {
    let answers = gatherings::answer_series(&state, &auth.user, id).await?;
    Ok(Json(answers.into_iter().map(Into::into).collect()))
}

/// Says you come to one date: going while a place is free, else in line (or waiting for the
/// organiser's yes). Saying it twice changes nothing.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/rsvp", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = RsvpView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The date started, passed or was cancelled", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<RsvpView>> {
    Ok(Json(gatherings::answer(&state, &auth.user, id).await?.into()))
}

/// Withdraws from a date; a place you held goes to the first in line.
#[utoipa::path(delete, path = "/api/v1/gathering-dates/{id}/rsvp", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = RsvpView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "No answer of yours, or the date started", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn leave(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<RsvpView>> {
    Ok(Json(gatherings::leave(&state, &auth.user, id).await?.rsvp.into()))
}

/// Takes the place offered to you, before its deadline.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/rsvp/take", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = RsvpView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "No place offered to you, or its deadline passed", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn take(State(state): State<AppState>, auth: Auth, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<RsvpView>> {
    Ok(Json(gatherings::take_offer(&state, &auth.user, id).await?.into()))
}

/// Everyone who answered for a date, in the line's order (its organiser only).
#[utoipa::path(get, path = "/api/v1/gathering-dates/{id}/line", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<LinePlaceView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn line(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<LinePlaceView>>> {
    Ok(Json(gatherings::line(&state, &auth.user, id).await?.into_iter().map(Into::into).collect()))
}

/// Cancels one date before it starts (its organiser); the people going or in line are told by
/// e-mail, and the calendar feeds show it cancelled. Cancelling twice changes nothing.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/cancel", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = GatheringDateView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "The date has started", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn cancel_date(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<GatheringDateView>> {
    Ok(Json(gatherings::cancel_date(&state, &auth.user, id).await?.into()))
}

/// Says yes to someone waiting for it: going while a place is free, else in line.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/line/{user_id}/approve", tag = "gatherings",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 200, body = RsvpView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Not waiting for your yes", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, user)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<RsvpView>> {
    Ok(Json(gatherings::decide(&state, &auth.user, id, user, true).await?.rsvp.into()))
}

/// Says no to someone waiting for it.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/line/{user_id}/decline", tag = "gatherings",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 200, body = RsvpView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Not waiting for your yes", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, user)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<RsvpView>> {
    Ok(Json(gatherings::decide(&state, &auth.user, id, user, false).await?.rsvp.into()))
}

/// Why someone is moved up the line.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveUp {
    #[schema(min_length = 1, max_length = 200, example = "Gives the opening talk")]
    pub reason: String,
}

/// Moves someone in line to its front, saying why; a free place is offered at once.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/line/{user_id}/move-up", tag = "gatherings",
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)), request_body = MoveUp,
    responses((status = 200, body = RsvpView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Not in line", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn move_up(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath((id, user)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<MoveUp>,
) -> ApiResult<Json<RsvpView>> {
    Ok(Json(gatherings::move_up(&state, &auth.user, id, user, &body.reason).await?.rsvp.into()))
}

/// The organiser's message to everyone going.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    #[schema(min_length = 1, max_length = 120, example = "We start in room 2 today")]
    pub subject: String,
    #[schema(
        min_length = 1,
        max_length = 4000,
        example = "The library moved us upstairs: take the lift to the second floor."
    )]
    pub body: String,
}

/// To how many people a message goes.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageSent {
    /// The people going (the organiser apart); each gets it by e-mail unless they switched such
    /// messages off.
    pub sent_to: usize,
}

/// Writes to everyone going to a date (its organiser), by e-mail, until the date is over.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/message", tag = "gatherings", params(("id" = Uuid, Path)),
    request_body = MessageInput,
    responses((status = 202, body = MessageSent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, description = "Too many messages this hour (30)", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn message(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<MessageInput>,
) -> ApiResult<(StatusCode, Json<MessageSent>)> {
    let sent_to = gatherings::message(&state, &auth.user, id, &body.subject, &body.body).await?;
    Ok((StatusCode::ACCEPTED, Json(MessageSent { sent_to })))
}

/// What to change of a gathering; what is left out stays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    #[schema(min_length = 1, max_length = 120)]
    pub title: Option<String>,
    /// An empty text removes it.
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[schema(max_items = 30)]
    pub tags: Option<Vec<String>>,
    /// Places on every date still to come: never fewer than people going; at a venue the seats
    /// must be free.
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<u32>,
}

/// Changes a gathering (its organiser): every date still to come raises its calendar `SEQUENCE`;
/// more places go to the line at once.
#[utoipa::path(patch, path = "/api/v1/gatherings/{id}", tag = "gatherings", params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses((status = 200, body = GatheringView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Fewer places than people going, or the venue's seats are taken", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn change(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> ApiResult<Json<GatheringView>> {
    let input = gatherings::ChangeInput {
        title: body.title,
        description: body.description.map(Some),
        tags: body.tags,
        capacity: body.capacity,
    };
    Ok(Json(gatherings::change(&state, &auth.user, id, input).await?.into()))
}

/// Moves one date still to come to another day or times, in the gathering's time zone (its
/// organiser); whoever answered is told by e-mail and calendars see its `SEQUENCE` raised.
#[utoipa::path(patch, path = "/api/v1/gathering-dates/{id}", tag = "gatherings", params(("id" = Uuid, Path)),
    request_body = DateChange,
    responses((status = 200, body = GatheringDateView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The date has started or was cancelled, or the venue's seats are taken", body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn reschedule(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<DateChange>,
) -> ApiResult<Json<GatheringDateView>> {
    Ok(Json(gatherings::reschedule(&state, &auth.user, id, body).await?.into()))
}

/// Someone who checked in at the venue during a date.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendeeView {
    pub user_id: Uuid,
    /// Their name, where they allow you to see it.
    pub display_name: Option<String>,
    #[serde(serialize_with = "super::shapes::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub checked_in_at: i64,
}

/// Who came to a date (its organiser): the people going who checked in at its venue during it,
/// or up to half an hour before.
#[utoipa::path(get, path = "/api/v1/gathering-dates/{id}/attendance", tag = "gatherings", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<AttendeeView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn attendance(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<AttendeeView>>> {
    let came = gatherings::attendance(&state, &auth.user, id).await?;
    Ok(Json(
        came.into_iter()
            .map(|a| AttendeeView { user_id: a.user_id, display_name: a.name, checked_in_at: a.checked_in_at })
            .collect(),
    ))
}

/// What confirming who came recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceConfirmedView {
    pub attended: usize,
    /// For a knowledge session: exchanges proposed from its giver to each person who came, each
    /// counting once that person confirms it.
    pub exchanges: usize,
}

/// Confirms who came to a date that has begun (its organiser, once); for a knowledge session the
/// ledger gets an exchange from its giver to each person who came.
#[utoipa::path(post, path = "/api/v1/gathering-dates/{id}/attendance/confirm", tag = "gatherings",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AttendanceConfirmedView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Not begun, cancelled, or already confirmed", body = ErrorBody)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn confirm_attendance(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AttendanceConfirmedView>> {
    let done = gatherings::confirm_attendance(&state, &auth.user, id).await?;
    Ok(Json(AttendanceConfirmedView { attended: done.attended, exchanges: done.exchanges }))
}
