//! One application error type for every handler. Domain and validation errors become 4xx
//! pages (or JSON under `/api/`: [`json_under_api`]) with their message; database and
//! unexpected errors an opaque 500 whose whole chain is logged through `tracing`.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

use crate::month::Error as StepError;
use crate::said::Said;

/// Why a request was not served.
#[derive(Debug)]
pub struct AppError {
    /// Boxed: a response or a chain is large, and errors travel by value through every `?`.
    kind: Box<Kind>,
}

#[derive(Debug)]
enum Kind {
    /// 303 to the log-in page (JSON: 401).
    SignIn,
    /// A status and a message for the user.
    Status(StatusCode, Said),
    /// A status and a JSON body (problems of an upload).
    Detailed(StatusCode, Said, serde_json::Value),
    /// A page already rendered (a form with its notice), with the message for JSON.
    Page(Response, Said),
    /// Not the user's doing: logged, answered with an opaque 500.
    Internal(anyhow::Error),
}

/// What the JSON conversion under `/api/` reads off an error response.
#[derive(Debug, Clone)]
pub(crate) struct ErrorJson {
    status: StatusCode,
    body: serde_json::Value,
}

impl AppError {
    /// Not signed in.
    pub fn sign_in() -> Self {
        AppError {
            kind: Box::new(Kind::SignIn),
        }
    }

    /// A status with a message (in both languages: [`Said`]; a plain `String` is shown as it
    /// is on every page).
    pub fn status(status: StatusCode, message: impl Into<Said>) -> Self {
        AppError {
            kind: Box::new(Kind::Status(status, message.into())),
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<Said>) -> Self {
        Self::status(StatusCode::BAD_REQUEST, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<Said>) -> Self {
        Self::status(StatusCode::NOT_FOUND, message)
    }

    /// 409.
    pub fn conflict(message: impl Into<Said>) -> Self {
        Self::status(StatusCode::CONFLICT, message)
    }

    /// A status, a message and JSON details (for `/api/`).
    pub fn detailed(status: StatusCode, message: impl Into<Said>, body: serde_json::Value) -> Self {
        AppError {
            kind: Box::new(Kind::Detailed(status, message.into(), body)),
        }
    }

    /// 422 for a refused upload: every problem located, the message in the page's language;
    /// the JSON lists each problem in both (`expected`/`found` English, `expected_zh`/`found_zh`
    /// Chinese).
    pub fn import(problems: &crate::excel::table::ImportErrors, lang: &str) -> Self {
        let list: Vec<serde_json::Value> = problems
            .0
            .iter()
            .map(|p| {
                serde_json::json!({
                    "sheet": p.sheet, "row": p.row, "column": p.column,
                    "expected": p.expected, "found": p.found,
                    "expected_zh": p.expected_zh, "found_zh": p.found_zh,
                })
            })
            .collect();
        let _ = lang;
        Self::detailed(
            StatusCode::UNPROCESSABLE_ENTITY,
            Said::new(problems.text_in("en"), problems.text_in("zh")),
            serde_json::json!({"stored": false, "problems": list}),
        )
    }

    /// A page already rendered (its status set), with the message JSON clients get.
    pub fn page(response: Response, message: impl Into<Said>) -> Self {
        AppError {
            kind: Box::new(Kind::Page(response, message.into())),
        }
    }

    /// An unexpected error.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError {
            kind: Box::new(Kind::Internal(e.into())),
        }
    }

    /// The HTTP status.
    #[must_use]
    pub fn status_code(&self) -> StatusCode {
        match &*self.kind {
            Kind::SignIn => StatusCode::UNAUTHORIZED,
            Kind::Status(s, _) | Kind::Detailed(s, _, _) => *s,
            Kind::Page(r, _) => r.status(),
            Kind::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown (English).
    #[must_use]
    pub fn message(&self) -> String {
        self.said().en
    }

    /// The message in a page language.
    #[must_use]
    pub fn message_in(&self, lang: &str) -> String {
        self.said().in_lang(lang).to_string()
    }

    pub(crate) fn said(&self) -> Said {
        match &*self.kind {
            Kind::SignIn => Said::new("not signed in", "未登录"),
            Kind::Status(_, m) | Kind::Detailed(_, m, _) | Kind::Page(_, m) => m.clone(),
            Kind::Internal(_) => Said::new("internal error", "服务器内部错误"),
        }
    }
}

impl From<StepError> for AppError {
    fn from(e: StepError) -> Self {
        let status = match &e {
            StepError::NotFound(_) => StatusCode::NOT_FOUND,
            StepError::Invalid(_) => StatusCode::BAD_REQUEST,
            StepError::Conflict(_) => StatusCode::CONFLICT,
            StepError::Refused(_) | StepError::File(_) => StatusCode::UNPROCESSABLE_ENTITY,
            StepError::Internal(_) => return AppError::internal(e),
        };
        if let StepError::File(problems) = &e {
            return AppError::import(problems, "en");
        }
        AppError::status(status, e.said())
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let said = self.said();
        let text = |s: StatusCode| {
            (
                s,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                said.en.clone(),
            )
                .into_response()
        };
        let both = serde_json::json!({"error": said.en, "error_zh": said.zh});
        let (mut r, json, localise) = match *self.kind {
            Kind::SignIn => (Redirect::to("/login").into_response(), both, false),
            Kind::Status(s, _) => (text(s), both, true),
            Kind::Detailed(s, _, mut body) => {
                body["error"] = serde_json::Value::String(said.en.clone());
                body["error_zh"] = serde_json::Value::String(said.zh.clone());
                (text(s), body, true)
            }
            Kind::Page(r, _) => (r, both, false),
            Kind::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "request failed");
                (
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                        "500 internal error · 服务器内部错误（已记录）",
                    )
                        .into_response(),
                    serde_json::json!({"error": "internal error (logged)", "error_zh": "服务器内部错误（已记录）"}),
                    false,
                )
            }
        };
        r.extensions_mut().insert(ErrorJson { status, body: json });
        if localise {
            r.extensions_mut().insert(ErrorText(said));
        }
        r
    }
}

/// The message of a plain-text error answer in both languages: [`json_under_api`] answers
/// with the request's language (the body is English until then).
#[derive(Debug, Clone)]
struct ErrorText(Said);

/// Under `/api/`, an error answers as JSON (`{"error": …}`, plus the problems of an upload),
/// with its status (401 for a request without a session, where pages redirect to log in).
/// Elsewhere a plain-text error is answered in the page language (`?lang=`, else the
/// language cookie, else Chinese).
pub(crate) async fn json_under_api(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = super::extract::lang(req.headers(), req.uri().query());
    let mut r = next.run(req).await;
    if !api {
        if let Some(ErrorText(said)) = r.extensions_mut().remove::<ErrorText>() {
            if lang == "zh" && !said.zh.is_empty() {
                let (mut parts, _) = r.into_parts();
                parts.headers.remove(header::CONTENT_LENGTH);
                return Response::from_parts(parts, axum::body::Body::from(said.zh));
            }
        }
    }
    if api {
        if let Some(e) = r.extensions_mut().remove::<ErrorJson>() {
            let mut j = (e.status, Json(e.body)).into_response();
            j.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return j;
        }
        // A refusal made before a handler ran (a path parameter that is not a number, a body
        // that is not the JSON asked for: axum's own rejections, plain text) is answered as
        // JSON too, with its text.
        let status = r.status();
        let json = r
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/json"));
        if (status.is_client_error() || status.is_server_error()) && !json {
            let text = axum::body::to_bytes(r.into_body(), 64 * 1024)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let mut j = (status, Json(serde_json::json!({ "error": text }))).into_response();
            j.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            return j;
        }
    }
    r
}
