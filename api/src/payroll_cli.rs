//! `workforce payroll …` subcommands (owned by the payroll work; see issue 3).
