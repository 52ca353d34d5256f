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

/// The roster of a month and whether it is published: the stored one, else
/// `roster-YYYY-MM.json` in the rosters folder (not published). Other pages (payroll,
/// exports, compliance) take their roster from here.
///
/// # Errors
/// A file or database error.
#[allow(dead_code)] // used by the payroll pages being written
pub(crate) async fn roster_doc(
    app: &App,
    month: &str,
) -> anyhow::Result<Option<(scheduler::RosterFile, bool)>> {
    let path = app.config.rosters.join(format!("roster-{month}.json"));
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some((crate::roster_cli::read_roster(&path)?, false)))
}
