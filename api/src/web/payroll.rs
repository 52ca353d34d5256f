//! (being written)

use std::sync::Arc;

use axum::Router;

use super::App;

/// Templates of this part, registered with the others.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[];

/// Routes of this part.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
}
