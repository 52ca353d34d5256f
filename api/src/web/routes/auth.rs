//! Log-in, log-out, who am I, and the API's description.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::web::extract::{areas, cookie, lang, Fields, Posted, Signed};
use crate::web::{render_login, App, AppError, COOKIE};

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(login_page).post(login_post))
        .route("/logout", post(logout))
        .route("/api/me", get(api_me))
        .route("/api/openapi.json", get(api_openapi))
}

async fn login_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let query = q.get("lang").map(|l| format!("lang={l}"));
    let lang = lang(&headers, query.as_deref());
    render_login(&app, &lang, None)
}

async fn login_post(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    tokio::time::sleep(app.throttle.delay(&username)).await;
    match app.store.login(&username, &password).await? {
        Some((token, _)) => {
            app.throttle.succeeded(&username);
            let mut r = Redirect::to("/").into_response();
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
                crate::accounts::SESSION_HOURS * 3600
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        None => {
            app.throttle.failed(&username);
            let lang = lang(&headers, None);
            let mut r = render_login(&app, &lang, Some(app.text(&lang, "login_failed")));
            *r.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(r)
        }
    }
}

async fn logout(headers: HeaderMap, p: Posted<areas::Me, Fields>) -> Result<Response, AppError> {
    if let Some(token) = cookie(&headers, COOKIE) {
        p.ctx.app.store.logout(token, p.ctx.actor()).await?;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("hw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(r)
}

/// `GET /api/me`: who is signed in, and the CSRF token for `X-CSRF-Token` on JSON POSTs.
async fn api_me(s: Signed<areas::Me>) -> Response {
    let u = &s.ctx.session.user;
    Json(serde_json::json!({
        "id": u.id, "username": u.username, "display_name": u.display_name,
        "role": u.role, "csrf": s.ctx.session.csrf,
    }))
    .into_response()
}

async fn api_openapi(_s: Signed<areas::Me>) -> Response {
    Json(crate::web::openapi::document()).into_response()
}
