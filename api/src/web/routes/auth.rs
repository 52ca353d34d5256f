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

/// The client's address, when the server knows it (the real server always does).
pub(crate) struct PeerAddr(pub(crate) Option<std::net::IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(PeerAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Log-in. Attempts on one account, and from one address, are answered one at a time, each
/// after the wait its failures in a row have earned ([`crate::accounts::LoginThrottle`]), so
/// parallel guesses are no faster than serial ones. A failure is audited at the first and
/// every tenth in a row (with the count), not a row each.
async fn login_post(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    PeerAddr(ip): PeerAddr,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    use crate::accounts::{account_key, address_key};
    let username = form.get("username").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    if username.len() > 100 || password.len() > 1000 {
        return Err(AppError::bad_request(crate::said::Said::new(
            "username ≤ 100, password ≤ 1000 characters",
            "用户名最多 100 个字符、密码最多 1000 个字符",
        )));
    }
    let account = account_key(&username);
    let address = ip.map(address_key);
    // One attempt at a time per account, then per address (always in this order: no
    // deadlock), each waiting its earned delay while holding its gate.
    let _account_gate = app.throttle.gate(&account).await;
    let _address_gate = match &address {
        Some(a) => Some(app.throttle.gate(a).await),
        None => None,
    };
    let wait = app.throttle.delay(&account).max(
        address
            .as_deref()
            .map_or(std::time::Duration::ZERO, |a| app.throttle.delay(a)),
    );
    tokio::time::sleep(wait).await;
    match app.store.login(&username, &password).await? {
        Some((token, _)) => {
            app.throttle.succeeded(&account);
            let mut r = Redirect::to("/").into_response();
            let secure = if app.behind_tls { "; Secure" } else { "" };
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
                crate::accounts::SESSION_HOURS * 3600
            )) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        None => {
            let n = app.throttle.failed(&account);
            if let Some(a) = &address {
                app.throttle.failed(a);
            }
            if n == 1 || n % 10 == 0 {
                let after = serde_json::json!({
                    "failures_in_a_row": n,
                    "from": ip.map(|i| i.to_string()),
                })
                .to_string();
                app.store
                    .audit("anonymous", "login.failed", &username, None, Some(&after))
                    .await?;
            }
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
