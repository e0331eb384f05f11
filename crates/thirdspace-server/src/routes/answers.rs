//! The answers a route gives by the way it is built rather than by what it does: a body, query
//! or path the extractors refuse, no valid credentials, a database that does not answer. They
//! are added to the OpenAPI document from what each operation declares, so that a new route
//! cannot forget them and the document says exactly what the server may answer.

use std::collections::HashSet;

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, Header, OpenApi, Ref, RefOr, Response, ResponseBuilder};

/// Routes that never reach the database: nothing there can be unavailable.
const WITHOUT_DATABASE: &[&str] = &["/api/v1/vocabulary/complete"];

/// Adds the answers of `extract.rs`, `auth.rs` and an unavailable database to every operation
/// of `doc` that can give them (an answer an operation already declares is kept as it is).
pub(super) fn add(doc: &mut OpenApi) {
    let password_bodies = schemas_with_property(doc, "password");
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations =
            [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch, &mut item.head];
        for operation in operations.into_iter().flatten() {
            let asks_password = operation.request_body.as_ref().is_some_and(|body| {
                body.content
                    .values()
                    .any(|c| matches!(&c.schema, Some(RefOr::Ref(r)) if password_bodies.contains(&r.ref_location)))
            });
            add_to(operation, !WITHOUT_DATABASE.contains(&path.as_str()), asks_password);
        }
    }
}

fn add_to(operation: &mut Operation, uses_database: bool, asks_password: bool) {
    let has = |within: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&within))
    };
    let (query, path) = (has(ParameterIn::Query), has(ParameterIn::Path));
    let body = operation.request_body.is_some();
    let authenticates = operation.security.iter().flatten().any(|s| *s != SecurityRequirement::default());
    let mut answer = |status: &str, response: Response| {
        let declared = operation.responses.responses.entry(status.to_owned()).or_insert(RefOr::T(response.clone()));
        // One declared by hand gets these words if it has none, and these headers (`Retry-After`).
        if let RefOr::T(declared) = declared {
            if declared.description.is_empty() {
                declared.description = response.description;
            }
            for (name, header) in response.headers {
                declared.headers.entry(name).or_insert(header);
            }
        }
    };
    if body {
        answer("400", error("The body is not JSON, or could not be read"));
        answer("413", error("The body is larger than the server accepts"));
        answer("415", error("The body was not sent with Content-Type: application/json"));
        answer("422", error("A field is missing, of the wrong type, or outside its bounds (`field` names it)"));
    }
    if query {
        answer("400", error("A query parameter does not parse or is outside its bounds (`field` names it)"));
    }
    if path {
        answer("404", error("No such resource, or a malformed ID"));
    }
    if authenticates {
        answer("401", error("The API token or session is missing, expired or revoked where one is needed"));
        answer(
            "403",
            error("Not allowed to you, or sent with the session cookie from another site (`cross_site`): send it from thirdspace's pages or with an API token"),
        );
    }
    answer("408", error("The request was not received or answered within the server's time limit"));
    if uses_database {
        let why = if asks_password {
            "The database is unavailable, or the server is busy checking other passwords: try again after `Retry-After` seconds"
        } else {
            "The database is unavailable: try again after `Retry-After` seconds"
        };
        answer("503", retry_later(why));
    }
}

/// An error answer, with the API's one error shape.
fn error(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
        .build()
}

/// A 503 answer, which says in `Retry-After` when to try again.
fn retry_later(description: &str) -> Response {
    let seconds = utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Integer)
        .minimum(Some(0))
        .build();
    let mut response = error(description);
    response.headers.insert(
        "Retry-After".to_owned(),
        Header::builder().schema(seconds).description(Some("Seconds to wait before trying again")).build(),
    );
    response
}

/// The `$ref`s of the component schemas that have a property `name`.
fn schemas_with_property(doc: &OpenApi, name: &str) -> HashSet<String> {
    let Some(components) = &doc.components else { return HashSet::new() };
    components
        .schemas
        .iter()
        .filter(|(_, schema)| matches!(schema, RefOr::T(Schema::Object(o)) if o.properties.contains_key(name)))
        .map(|(schema, _)| Ref::from_schema_name(schema).ref_location)
        .collect()
}
