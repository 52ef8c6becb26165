//! The `trackout` command: one binary for the whole store.

mod check;
mod invite;
mod outbox;
mod serve;
mod upload;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "trackout",
    version,
    about = "Trackout, the beat store for professionals"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the store: the HTTP API and, unless --no-worker, a worker in the same process.
    Serve {
        /// Run the API only; jobs are left to separate `trackout worker` processes.
        #[arg(long)]
        no_worker: bool,
        /// Address to listen on (overrides TRACKOUT_BIND).
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
    },
    /// Run a worker alone: claims and runs background jobs until stopped.
    Worker,
    /// Apply database migrations and exit.
    Migrate,
    /// List outgoing mail, newest first: state (queued, retrying, sent, dead, skipped),
    /// attempts and the last error.
    Outbox {
        /// Only messages in this state (e.g. `dead`).
        #[arg(long)]
        state: Option<String>,
        /// How many messages to list.
        #[arg(long, default_value_t = 50)]
        limit: u64,
        /// Print JSON lines instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Invite a producer to sign up (single-seller stores): prints their sign-up link.
    InviteProducer {
        /// The email address the producer signs up with.
        email: String,
    },
    /// Check a trackout (a zip or a folder of WAV stems) the way the store does on upload.
    Check {
        /// The trackout: a .zip file or a folder.
        path: PathBuf,
        /// The master (stereo mixdown) to measure loudness and true peak on.
        #[arg(long)]
        master: Option<PathBuf>,
        /// Print the JSON report instead of the readable one.
        #[arg(long)]
        json: bool,
        /// The listed tempo, set against the tempo heard in the master (`bpm_mismatch`).
        #[arg(long)]
        bpm: Option<f64>,
        /// The listed key (`A min`, `F#m`…), set against the key heard in the master
        /// (`key_mismatch`).
        #[arg(long)]
        key: Option<String>,
    },
    /// Check a trackout here, upload it with the master and voice tag resumably, and wait
    /// until the beat is publishable.
    ///
    /// The store is TRACKOUT_URL; TRACKOUT_TOKEN is a session token of the producer's account
    /// (from `POST /api/v1/auth/login`). Exit status: 0 publishable, 1 the check found errors,
    /// 2 could not run, 3 uploaded but not publishable.
    Upload(upload::UploadArgs),
}

/// Exit status: 0 success, 1 the check found errors, 2 the command could not run.
pub fn run(cli: Cli) -> ExitCode {
    crate::telemetry::init();
    match cli.command {
        Command::Check {
            path,
            master,
            json,
            bpm,
            key,
        } => check::run(&path, master.as_deref(), json, bpm, key.as_deref()),
        Command::Serve { no_worker, bind } => serve::block_on(serve::serve(!no_worker, bind)),
        Command::Worker => serve::block_on(serve::worker()),
        Command::Migrate => serve::block_on(serve::migrate()),
        Command::Outbox { state, limit, json } => serve::block_on(outbox::run(state, limit, json)),
        Command::InviteProducer { email } => serve::block_on(invite::run(&email)),
        Command::Upload(args) => upload::run(args),
    }
}
