//! The routes of the API, assembled with their OpenAPI entries so that no endpoint exists
//! without its documentation.

mod accounts;
mod answers;
mod board;
mod bookings;
mod calendars;
mod exchanges;
mod exports;
mod gatherings;
mod health;
mod imports;
mod intros;
mod links;
mod live;
mod mails;
mod outcomes;
mod presence;
mod profiles;
mod questions;
mod reports;
mod screens;
mod shapes;
mod venues;
mod webhooks;

use crate::auth::SESSION_COOKIE;
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Deserialize;
use thirdspace_store::Page;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "thirdspace API",
        description = "Venues open spare seats; coworkers book them paid in social capital, check in, and meet. \
            Authenticate with a Bearer API token (POST /api/v1/auth/tokens) or the session cookie set at log-in. \
            Every error has the shape {\"error\": {\"code\", \"message\", \"field\"}}.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&Security),
    components(schemas(exports::ExportFile)),
    tags(
        (name = "accounts", description = "Sign up, log in, tokens"),
        (name = "profiles", description = "What people offer and look for, and who may see it"),
        (name = "venues", description = "Places, their spaces and staff"),
        (name = "bookings", description = "Seats paid in social capital"),
        (name = "presence", description = "Check-in, check-out and who is here now"),
        (name = "questions", description = "Asking the people around you"),
        (name = "introductions", description = "Who should meet whom, and what came of it"),
        (name = "social capital", description = "Who helped whom with what, confirmed by both"),
        (name = "gatherings", description = "Casual coworking days, knowledge sessions, meetups: places, the line, offers"),
        (name = "board", description = "The community board: offers and needs beyond skills, and messages about them"),
        (name = "screens", description = "The venue's dashboard and kiosk"),
        (name = "webhooks", description = "Events delivered to your own systems, signed the Standard Webhooks way"),
        (name = "operations", description = "Health"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components
            .add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))));
    }
}

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(accounts::signup))
        .routes(routes!(accounts::login))
        .routes(routes!(accounts::logout))
        .routes(routes!(accounts::token_for_password))
        .routes(routes!(accounts::me))
        .routes(routes!(links::verify_email))
        .routes(routes!(links::ask_again))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::delete_token))
        .routes(routes!(profiles::my_profile, profiles::put_my_profile))
        .routes(routes!(profiles::person))
        .routes(routes!(venues::list, venues::create))
        .routes(routes!(venues::get, venues::update))
        .routes(routes!(venues::residents, venues::add_resident))
        .routes(routes!(venues::remove_resident))
        .routes(routes!(venues::list_spaces, venues::create_space))
        .routes(routes!(venues::update_space))
        .routes(routes!(venues::list_staff, venues::invite_staff))
        .routes(routes!(venues::my_invitations))
        .routes(routes!(venues::accept_invitation))
        .routes(routes!(venues::check_in_code))
        .routes(routes!(bookings::book, bookings::day_view))
        .routes(routes!(bookings::my_bookings))
        .routes(routes!(bookings::get))
        .routes(routes!(bookings::cancel))
        .routes(routes!(bookings::awaiting_approval))
        .routes(routes!(bookings::approve))
        .routes(routes!(bookings::decline))
        .routes(routes!(bookings::pledge))
        .routes(routes!(presence::check_in))
        .routes(routes!(presence::check_out))
        .routes(routes!(presence::here_now))
        .routes(routes!(live::events))
        .routes(routes!(screens::create, screens::list))
        .routes(routes!(screens::revoke))
        .routes(routes!(screens::dashboard))
        .routes(routes!(screens::check_in_qr))
        .routes(routes!(questions::post, questions::list_open))
        .routes(routes!(questions::mark_answered))
        .routes(routes!(questions::answered_by))
        .routes(routes!(intros::answerers))
        .routes(routes!(intros::my_suggestions))
        .routes(routes!(exchanges::propose, exchanges::mine))
        .routes(routes!(exchanges::one))
        .routes(routes!(exchanges::confirm))
        .routes(routes!(exchanges::decline))
        .routes(routes!(exchanges::my_record))
        .routes(routes!(exchanges::record_of))
        .routes(routes!(outcomes::record, outcomes::mine))
        .routes(routes!(outcomes::confirm))
        .routes(routes!(gatherings::organise, gatherings::in_city))
        .routes(routes!(gatherings::one, gatherings::change))
        .routes(routes!(gatherings::at_venue))
        .routes(routes!(gatherings::city_feed))
        .routes(routes!(gatherings::venue_feed))
        .routes(routes!(gatherings::answer_series))
        .routes(routes!(gatherings::answer, gatherings::leave))
        .routes(routes!(gatherings::take))
        .routes(routes!(gatherings::line))
        .routes(routes!(gatherings::cancel_date))
        .routes(routes!(gatherings::approve))
        .routes(routes!(gatherings::decline))
        .routes(routes!(gatherings::move_up))
        .routes(routes!(gatherings::message))
        .routes(routes!(gatherings::reschedule))
        .routes(routes!(gatherings::attendance))
        .routes(routes!(gatherings::confirm_attendance))
        .routes(routes!(mails::get, mails::put))
        .routes(routes!(calendars::rotate, calendars::remove))
        .routes(routes!(calendars::feed))
        .routes(routes!(board::put_up, board::listed))
        .routes(routes!(board::one))
        .routes(routes!(board::renew))
        .routes(routes!(board::fulfil))
        .routes(routes!(board::withdraw))
        .routes(routes!(board::write, board::conversation))
        .routes(routes!(board::suggestions))
        .routes(routes!(reports::venue))
        .routes(routes!(reports::venue_csv))
        .routes(routes!(reports::network))
        .routes(routes!(reports::network_csv))
        .routes(routes!(reports::mine))
        .routes(routes!(reports::mine_csv))
        .routes(routes!(exports::venue))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(imports::members))
                .routes(routes!(imports::venues))
                .layer(axum::extract::DefaultBodyLimit::max(thirdspace_domain::import::MAX_BYTES)),
        )
        .routes(routes!(intros::venue_round))
        .routes(routes!(intros::venue_tables))
        .routes(routes!(intros::my_intros))
        .routes(routes!(intros::accept))
        .routes(routes!(intros::decline))
        .routes(routes!(intros::met))
        .routes(routes!(intros::feedback))
        .routes(routes!(intros::complete))
        .routes(routes!(intros::labels))
        .routes(routes!(webhooks::venue_list, webhooks::venue_create))
        .routes(routes!(webhooks::network_list, webhooks::network_create))
        .routes(routes!(webhooks::show, webhooks::change, webhooks::delete))
        .routes(routes!(webhooks::add_secret))
        .routes(routes!(webhooks::remove_secret))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::delivery))
        .routes(routes!(webhooks::send_again))
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api().into_openapi();
    answers::add(&mut doc);
    doc
}

/// The API's routes with their OpenAPI document (the extractors' and outages' answers added).
pub fn api_router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, mut doc) = api().split_for_parts();
    answers::add(&mut doc);
    (api, doc)
}

/// The API's answer to a route that does not exist, or a method a route does not take.
pub fn no_route(method: bool) -> Response {
    if method {
        ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this route does not take that method")
            .into_response()
    } else {
        ApiError::not_found("route").into_response()
    }
}

/// The API's answer when a handler panicked.
pub fn panicked() -> Response {
    tracing::error!("a handler panicked");
    ApiError::internal().into_response()
}

/// `?page=&per_page=` on every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 1_000_000, nullable = false)]
    pub page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, nullable = false)]
    pub per_page: Option<u32>,
}

impl PageQuery {
    pub fn page(&self) -> ApiResult<Page> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(Page::DEFAULT_PER_PAGE);
        if page == 0 || page > 1_000_000 {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", "page must be between 1 and 1000000")
                .with_field("page"));
        }
        if per_page == 0 || per_page > Page::MAX_PER_PAGE {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("per_page must be between 1 and {}", Page::MAX_PER_PAGE),
            )
            .with_field("per_page"));
        }
        Ok(Page::new(page, per_page))
    }
}

/// The schema of a query parameter that takes one of a few words.
pub(crate) fn one_of(words: &[&str]) -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(words.iter().copied()))
        .build()
}
