use std::process::ExitCode;

use clap::Parser;
use trackout_api::cli::{Cli, run};

fn main() -> ExitCode {
    run(Cli::parse())
}
