//! The extractors: every handler gets its signed-in, allowed, CSRF-checked request from here.
//!
//! [`authorize`] is the one check: the session cookie names a live session (else sign in:
//! a redirect for pages, 401 under `/api/`), the rights table allows the route's area (else
//! 403, before anything of the body is read), and on a POST the session's CSRF token is
//! given (the form's `csrf` field, or the `X-CSRF-Token` header). [`Signed`] is a GET;
//! [`Posted`] is a POST with its body read as the route wants it ([`Fields`], [`JsonBody`],
//! [`RawBody`], [`Upload`]). The area is a marker type per route family, so the route table
//! reads as the rights it checks.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};

use super::{allowed, App, AppError, Area, Ctx, COOKIE, LANG_COOKIE};

/// An area of the rights table, as a type.
pub trait AreaOf: Send + Sync + 'static {
    /// The area.
    const AREA: Area;
}

macro_rules! areas {
    ($($name:ident),* $(,)?) => {
        /// Marker types of the areas ([`AreaOf`]).
        pub mod areas {
            $(
                #[doc = concat!("The `", stringify!($name), "` area.")]
                #[derive(Debug, Clone, Copy)]
                pub struct $name;
                impl super::AreaOf for $name {
                    const AREA: super::Area = super::Area::$name;
                }
            )*
        }
    };
}

areas!(
    Home,
    Attendance,
    ExportsPage,
    PayrollExport,
    ComplianceExport,
    Audit,
    Me,
    RosterView,
    RosterEdit,
    Payroll,
    PayrollApprove,
    Compliance,
    Staff,
    StaffEdit,
    Reports,
    Requests,
    RequestsDecide,
    Corrections,
);

/// A cookie's value.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// The page language: `?lang=`, else the language cookie, else Chinese.
pub(crate) fn lang(headers: &HeaderMap, query: Option<&str>) -> String {
    let asked = query.and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .map(|(_, v)| v)
    });
    match asked {
        Some("en") => "en".into(),
        Some("zh") => "zh".into(),
        _ => match cookie(headers, LANG_COOKIE) {
            Some("en") => "en".into(),
            _ => "zh".into(),
        },
    }
}

/// The one check of every route: signed in, allowed in `area`, and on a POST the CSRF token
/// `csrf` (or the `X-CSRF-Token` header) equal to the session's.
///
/// # Errors
/// Sign in (no live session), 403 (not allowed, or a missing or wrong CSRF token).
pub async fn authorize(
    parts: &Parts,
    app: &Arc<App>,
    area: Area,
    csrf: Option<&str>,
) -> Result<Ctx, AppError> {
    let lang = lang(&parts.headers, parts.uri.query());
    let token = cookie(&parts.headers, COOKIE).ok_or_else(AppError::sign_in)?;
    let session = app
        .store
        .session(token)
        .await
        .map_err(AppError::internal)?
        .ok_or_else(AppError::sign_in)?;
    let ctx = Ctx {
        app: app.clone(),
        lang,
        session,
    };
    if !allowed(ctx.session.user.role, area) {
        let message = ctx.text("forbidden");
        return Err(AppError::page(
            ctx.error_page(StatusCode::FORBIDDEN, &message),
            "not allowed for this role",
        ));
    }
    if parts.method == axum::http::Method::POST {
        let header = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok());
        let given = csrf.or(header);
        if given != Some(ctx.session.csrf.as_str()) {
            return Err(AppError::status(
                StatusCode::FORBIDDEN,
                crate::said::Said::new(
                    "CSRF token missing or wrong",
                    "CSRF 令牌缺失或错误，请刷新页面后重试",
                ),
            ));
        }
    }
    Ok(ctx)
}

/// A signed-in GET allowed in `A`, with its query parameters.
pub struct Signed<A> {
    /// The request's context.
    pub ctx: Ctx,
    /// The query parameters.
    pub query: HashMap<String, String>,
    _area: PhantomData<A>,
}

impl<A: AreaOf> FromRequestParts<Arc<App>> for Signed<A> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, AppError> {
        let ctx = authorize(parts, app, A::AREA, None).await?;
        let query = query_map(parts.uri.query());
        Ok(Signed {
            ctx,
            query,
            _area: PhantomData,
        })
    }
}

/// Query parameters, percent-decoded (a repeated name keeps its last value).
pub(crate) fn query_map(query: Option<&str>) -> HashMap<String, String> {
    query
        .map(|q| {
            serde_urlencoded_pairs(q.as_bytes())
                .into_iter()
                .collect::<HashMap<String, String>>()
        })
        .unwrap_or_default()
}

/// `application/x-www-form-urlencoded` pairs, in order (names may repeat, as checkboxes do).
fn serde_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    let decode = |s: &[u8]| -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            match s[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < s.len() => {
                    let hex = std::str::from_utf8(&s[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(b) => {
                            out.push(b);
                            i += 2;
                        }
                        None => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    bytes
        .split(|b| *b == b'&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let mut it = kv.splitn(2, |b| *b == b'=');
            let k = it.next().unwrap_or_default();
            let v = it.next().unwrap_or_default();
            (decode(k), decode(v))
        })
        .collect()
}

/// How a POST's body is read.
pub trait BodyKind: Sized + Send {
    /// Reads the body (after the rights are checked); the CSRF token if the body carries it.
    fn read(
        req: Request,
        app: &Arc<App>,
    ) -> impl std::future::Future<Output = Result<(Self, Option<String>), AppError>> + Send;
}

/// A form's fields, in order (names may repeat, as checkboxes do).
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The last value of a field.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a field.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The fields as a map (last value wins).
    #[must_use]
    pub fn map(&self) -> HashMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

impl BodyKind for Fields {
    async fn read(req: Request, app: &Arc<App>) -> Result<(Self, Option<String>), AppError> {
        let bytes = axum::body::Bytes::from_request(req, app)
            .await
            .map_err(|e| AppError::status(e.status(), e.body_text()))?;
        let pairs = serde_urlencoded_pairs(&bytes);
        let csrf = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.clone());
        Ok((Fields(pairs), csrf))
    }
}

/// A JSON body of type `T` (a bad body is a 400 naming what is wrong).
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned + Send> BodyKind for JsonBody<T> {
    async fn read(req: Request, app: &Arc<App>) -> Result<(Self, Option<String>), AppError> {
        let bytes = axum::body::Bytes::from_request(req, app)
            .await
            .map_err(|e| AppError::status(e.status(), e.body_text()))?;
        let v = serde_json::from_slice(&bytes).map_err(|e| {
            AppError::bad_request(crate::said::Said::new(
                format!("body: {e}"),
                format!("请求内容：{e}"),
            ))
        })?;
        Ok((JsonBody(v), None))
    }
}

/// The body's bytes (an uploaded file sent as the body).
pub struct RawBody(pub axum::body::Bytes);

impl BodyKind for RawBody {
    async fn read(req: Request, app: &Arc<App>) -> Result<(Self, Option<String>), AppError> {
        let bytes = axum::body::Bytes::from_request(req, app)
            .await
            .map_err(|e| AppError::status(e.status(), e.body_text()))?;
        Ok((RawBody(bytes), None))
    }
}

/// A multipart form: its text fields and its one file (name and bytes).
pub struct Upload {
    /// Text fields.
    pub fields: HashMap<String, String>,
    /// The file field `file`: its name and bytes.
    pub file: Option<(String, Vec<u8>)>,
}

impl BodyKind for Upload {
    async fn read(req: Request, app: &Arc<App>) -> Result<(Self, Option<String>), AppError> {
        // Too large by its own declaration: 413 before a byte is read (the limit would
        // otherwise surface as a broken multipart field, a 400).
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > crate::web::MAX_UPLOAD) {
            return Err(AppError::status(
                StatusCode::PAYLOAD_TOO_LARGE,
                crate::said::Said::new(
                    format!(
                        "the upload is larger than {} MB",
                        crate::web::MAX_UPLOAD >> 20
                    ),
                    format!("上传文件不得超过 {} MB", crate::web::MAX_UPLOAD >> 20),
                ),
            ));
        }
        let mut multipart = axum::extract::Multipart::from_request(req, app)
            .await
            .map_err(|e| AppError::status(e.status(), e.body_text()))?;
        let mut fields = HashMap::new();
        let mut file = None;
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(e) => return Err(AppError::status(e.status(), e.body_text())),
            };
            let name = field.name().unwrap_or_default().to_string();
            if name == "file" {
                let file_name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::status(StatusCode::PAYLOAD_TOO_LARGE, e.body_text()))?;
                file = Some((file_name, bytes.to_vec()));
            } else {
                let text = field.text().await.unwrap_or_default();
                fields.insert(name, text);
            }
        }
        let csrf = fields.get("csrf").cloned();
        Ok((Upload { fields, file }, csrf))
    }
}

/// A signed-in POST allowed in `A`, CSRF checked, with its body read as `B` (after the rights
/// are checked: a refused role gets 403 whatever it sent).
pub struct Posted<A, B> {
    /// The request's context.
    pub ctx: Ctx,
    /// The query parameters.
    pub query: HashMap<String, String>,
    /// The body.
    pub body: B,
    _area: PhantomData<A>,
}

impl<A: AreaOf, B: BodyKind> FromRequest<Arc<App>> for Posted<A, B> {
    type Rejection = AppError;

    async fn from_request(req: Request, app: &Arc<App>) -> Result<Self, AppError> {
        let (parts, body) = req.into_parts();
        // Rights first (no CSRF check yet: the token may be in the body).
        let mut get_parts = parts.clone();
        get_parts.method = axum::http::Method::GET;
        authorize(&get_parts, app, A::AREA, None).await?;
        let query = query_map(parts.uri.query());
        let (body, csrf) = B::read(Request::from_parts(parts.clone(), body), app).await?;
        let ctx = authorize(&parts, app, A::AREA, csrf.as_deref()).await?;
        Ok(Posted {
            ctx,
            query,
            body,
            _area: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            axum::http::HeaderValue::from_static("a=1; hw_session=abc; hw_lang=en"),
        );
        assert_eq!(cookie(&h, "hw_session"), Some("abc"));
        assert_eq!(cookie(&h, "hw_lang"), Some("en"));
        assert_eq!(cookie(&h, "hw"), None);
    }

    #[test]
    fn form_pairs_are_decoded_in_order() {
        let p =
            serde_urlencoded_pairs(b"csrf=ab%2Fc&note=%E6%97%B7%E5%B7%A5+1&item=x&item=y&bad=%zz");
        assert_eq!(
            p,
            [
                ("csrf".to_string(), "ab/c".to_string()),
                ("note".into(), "旷工 1".into()),
                ("item".into(), "x".into()),
                ("item".into(), "y".into()),
                ("bad".into(), "%zz".into()),
            ]
        );
        assert_eq!(query_map(Some("month=2026-03&lang=en"))["month"], "2026-03");
    }
}
