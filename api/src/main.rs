//! `workforce`: the Hotline Workforce command line. Thin: the library's `cli::main` parses and
//! dispatches; the logging of the web app's errors goes to standard error.

use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    api::cli::main()
}
