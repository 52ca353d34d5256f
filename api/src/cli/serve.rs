//! `workforce serve` and `workforce user add`.

use std::io::BufRead as _;
use std::path::PathBuf;

use crate::accounts::Role;
use crate::db::{database_url, Store};

use super::Global;

/// Arguments of `workforce serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the chosen address is printed).
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// On an empty database, create one demo account per role (printed at start).
    #[arg(long)]
    pub demo: bool,
    /// A folder of roster files (`roster-YYYY-MM.json`) imported into the store at start for
    /// the months it lacks (an import, not the state: the store is).
    #[arg(long)]
    pub rosters: Option<PathBuf>,
    /// The first wait after a failed log-in, in milliseconds (doubled per failure in a row, at
    /// most 16 times this).
    #[arg(long, env = "LOGIN_DELAY_MS", default_value_t = 250)]
    pub login_delay_ms: u64,
    /// The server is reached over HTTPS (behind a TLS proxy): session cookies are marked
    /// `Secure` and pages send `Strict-Transport-Security`.
    #[arg(long, env = "BEHIND_TLS")]
    pub behind_tls: bool,
    /// Roster solves run at once; more requests wait in order (each solve takes a core and a
    /// few hundred MB).
    #[arg(long, env = "SOLVES", default_value_t = 1)]
    pub solves: usize,
}

/// `workforce user …`.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add an account; the password is read from standard input (one line, at least 10
    /// characters), never from the command line.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Role: admin, ops_manager, hr or auditor.
        #[arg(long)]
        role: String,
        /// Name shown.
        #[arg(long)]
        display_name: Option<String>,
    },
}

/// Runs the server until Ctrl-C.
///
/// # Errors
/// Binding, database or configuration errors.
pub fn serve(a: &ServeArgs, g: &Global) -> anyhow::Result<()> {
    let config = crate::web::Config {
        data_dir: g.data_dir.clone(),
        site: g.site.clone(),
        rosters: a.rosters.clone(),
        db_url: database_url(g.db.as_deref()),
        login_delay: std::time::Duration::from_millis(a.login_delay_ms),
        behind_tls: a.behind_tls,
        solves: a.solves,
    };
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(crate::web::serve(&a.bind, config, a.demo))
}

/// Runs a user subcommand.
///
/// # Errors
/// A bad role, a short password, a taken name, or a database error.
pub fn user(cmd: UserCommand, g: &Global) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            username,
            role,
            display_name,
        } => {
            let role = Role::parse(&role)?;
            let mut password = String::new();
            std::io::stdin().lock().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']).to_string();
            let url = database_url(g.db.as_deref());
            crate::db::runtime()?.block_on(async {
                let store = Store::open(&url).await?;
                let id = store
                    .add_user(
                        &username,
                        display_name.as_deref().unwrap_or(&username),
                        role,
                        &password,
                        "cli",
                    )
                    .await;
                store.close().await;
                println!(
                    "user #{} {username} ({}) added in {}",
                    id?,
                    role.code(),
                    crate::db::redacted(&url)
                );
                Ok(())
            })
        }
    }
}
