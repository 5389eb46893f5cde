use std::process::ExitCode;

use clap::Parser;
use mentor_agree::cli::{Cli, Command};
use mentor_agree::commands::{self, EXIT_FAILURE};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Check(args) => commands::check::run(args, &cli.global),
        Command::Terms(args) => commands::terms::run(args),
        Command::Schema(args) => commands::schema::run(args, &cli.global),
        Command::Completions(args) => commands::completions::run(args, &cli.global),
        Command::Man(args) => commands::man::run(args, &cli.global),
        Command::Calendar(args) => commands::calendar::run(args, &cli.global),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
