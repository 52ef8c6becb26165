//! `trackout upload`: check a trackout here, then send the master, trackout and voice tag to
//! a store resumably and wait until the beat is publishable. Exit status: 0 publishable;
//! 1 the trackout check found errors (here, so nothing was sent; or at the store); 2 the
//! command could not run (arguments, token, network, a refusal); 3 uploaded, but something
//! other than the check stands in the way (printed), or processing outlasted `--wait`.

mod answers;
mod folder;
mod multipart;
mod poll;
mod progress;
mod resume;
mod store;
mod transport;
mod tus;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, anyhow};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use trackout_media::music::Key;
use trackout_media::{Listed, TerminalProgress, check_path_as_listed};
use uuid::Uuid;

use self::progress::Meter;
use self::store::{Failure, Store};
use self::transport::{Retry, SendError, Transport};

#[derive(clap::Args, Debug)]
pub struct UploadArgs {
    /// The beat the files are for (create it in the dashboard or with `POST /api/v1/beats`).
    #[arg(long)]
    beat: Uuid,
    /// The master WAV.
    #[arg(long)]
    master: PathBuf,
    /// The trackout: a .zip of the stems, or a folder (zipped on the way, stored).
    #[arg(long)]
    trackout: PathBuf,
    /// Your voice tag WAV, mixed into the preview.
    #[arg(long)]
    voice_tag: Option<PathBuf>,
    /// Upload even when the check finds errors (the store will not publish the beat).
    #[arg(long)]
    force: bool,
    /// How long to wait for processing after the last byte, in seconds.
    #[arg(long, default_value_t = 900)]
    wait: u64,
    /// Bytes per request, in MiB: a dropped connection costs at most what was in flight.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=4096))]
    chunk_mib: u64,
    /// Failed requests in a row, with no byte gained between them, before giving up on a
    /// file (waiting 0.5 s before the first retry, doubling up to 30 s).
    #[arg(long, default_value_t = 8)]
    retries: u32,
    /// The store's address (or TRACKOUT_URL), e.g. https://beats.example.com.
    #[arg(long, env = "TRACKOUT_URL")]
    url: String,
}

/// A run that ended with an exit status other than 2 (which any error gets).
struct Ended(u8);

pub fn run(args: UploadArgs) -> ExitCode {
    // A token on the command line would show in `ps` and the shell's history.
    let Some(token) = std::env::var("TRACKOUT_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    else {
        eprintln!(
            "trackout upload: set TRACKOUT_TOKEN to a session token of the producer's account \
             (README: API > Uploads > trackout upload)"
        );
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("trackout upload: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(upload(args, SecretString::from(token.trim().to_owned()))) {
        Ok(Ended(code)) => ExitCode::from(code),
        Err(e) => {
            eprintln!("trackout upload: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn refused(what: &str, failure: Failure) -> anyhow::Error {
    match failure {
        Failure::Refused { status, .. } if status == reqwest::StatusCode::UNAUTHORIZED => anyhow!(
            "{what}: the store did not accept TRACKOUT_TOKEN ({failure}); log in again for a new one"
        ),
        other => anyhow!("{what}: {other}"),
    }
}

async fn upload(args: UploadArgs, token: SecretString) -> anyhow::Result<Ended> {
    for (what, path) in [
        ("--master", Some(&args.master)),
        ("--voice-tag", args.voice_tag.as_ref()),
    ] {
        if let Some(path) = path
            && !path.is_file()
        {
            anyhow::bail!("{what} {} is not a file", path.display());
        }
    }
    if !args.trackout.exists() {
        anyhow::bail!("--trackout {} does not exist", args.trackout.display());
    }
    let store = Store::new(&args.url, token)?;
    let beat = store
        .beat(args.beat)
        .await
        .map_err(|f| refused(&format!("reading beat {}", args.beat), f))?;

    // The same check the store runs, against the same listing.
    let listed = Listed {
        bpm: Some(f64::from(beat.bpm)).filter(|b| *b > 0.0),
        key: Key::parse(&beat.key),
    };
    let (trackout, master) = (args.trackout.clone(), args.master.clone());
    let report = tokio::task::spawn_blocking(move || {
        check_path_as_listed(
            &trackout,
            Some(&master),
            &listed,
            &super::check::limits(),
            &TerminalProgress::new(),
        )
    })
    .await?
    .context("the trackout could not be checked")?;
    print!("{}", report.render_text());
    if !report.passes {
        let errors = report
            .findings
            .iter()
            .filter(|f| f.level == trackout_media::Level::Error)
            .count();
        if !args.force {
            eprintln!(
                "trackout upload: the check found {errors} error(s); nothing was uploaded. Fix \
                 them, or pass --force to upload anyway (the store will not publish it)"
            );
            return Ok(Ended(1));
        }
        eprintln!("trackout upload: the check found {errors} error(s); uploading anyway (--force)");
    }

    // A folder goes up as a zip written for the purpose; it lives until the upload ends.
    let zipped = if args.trackout.is_dir() {
        let root = args.trackout.clone();
        eprintln!("trackout: zipping {} (stored)…", root.display());
        Some(
            tokio::task::spawn_blocking(move || folder::zip_folder(&root, &super::check::limits()))
                .await??,
        )
    } else {
        None
    };
    let trackout_file = zipped
        .as_ref()
        .map_or(args.trackout.as_path(), |z| z.path());
    let trackout_name = match &zipped {
        Some(_) => format!("{}.zip", file_name(&args.trackout)),
        None => file_name(&args.trackout),
    };

    let retry = Retry {
        backoff_start: Duration::from_millis(500),
        backoff_max: Duration::from_secs(30),
        give_up_after: args.retries,
    };
    // Smallest first: the preview waits for the master and voice tag, the check for the
    // master and trackout; whatever the order, the store renders each once for the final set.
    let mut files = Vec::new();
    if let Some(tag) = &args.voice_tag {
        files.push(("voice_tag", "voice tag", tag.as_path(), file_name(tag)));
    }
    files.push((
        "master",
        "master",
        args.master.as_path(),
        file_name(&args.master),
    ));
    files.push(("trackout", "trackout", trackout_file, trackout_name));
    let remembered = resume::Remembered::open();
    for (kind, label, path, name) in files {
        // The zip of a folder is written anew each run: nothing to go on from.
        let key = match &zipped {
            Some(z) if z.path() == path => None,
            _ => resume::key(&args.url, args.beat, kind, path),
        };
        let file = File {
            kind,
            label,
            path,
            name: &name,
            key: key.as_deref(),
        };
        send_one(&store, &args, &retry, &remembered, file).await?;
    }
    drop(zipped);

    poll::until_settled(
        &store,
        args.beat,
        &beat.title,
        Duration::from_secs(args.wait),
    )
    .await
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload".to_owned())
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = std::io::Read::read(&mut file, &mut buffer)?;
        if n == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buffer[..n]);
    }
}

/// One of the beat's files, as it is sent.
struct File<'a> {
    kind: &'a str,
    label: &'a str,
    path: &'a Path,
    name: &'a str,
    /// Where an unfinished session of an earlier run is remembered, if it can be.
    key: Option<&'a str>,
}

/// The session an earlier run left open for this file, if the store still has it.
async fn left_open(
    store: &Store,
    remembered: &resume::Remembered,
    key: &str,
    size: u64,
) -> Option<Transport> {
    let open = match remembered.find(key)? {
        resume::Entry::Tus(url) => {
            let probe = tus::Tus::new(url.clone(), size, 0);
            match probe.head(store).await {
                Ok(at) if at <= size => Some(Transport::Tus(tus::Tus::new(url, size, at))),
                _ => None,
            }
        }
        resume::Entry::Multipart(session) => {
            let multipart = multipart::Multipart::new(session, size);
            multipart
                .is_open(store)
                .await
                .then_some(Transport::Multipart(multipart))
        }
    };
    if open.is_none() {
        remembered.forget(key);
    }
    open
}

async fn send_one(
    store: &Store,
    args: &UploadArgs,
    retry: &Retry,
    remembered: &resume::Remembered,
    file: File<'_>,
) -> anyhow::Result<()> {
    let File {
        kind,
        label,
        path,
        name,
        key,
    } = file;
    let size = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len();
    // Hashed beside the upload, to hold the store's record against: the file it stored is
    // this one, byte for byte, however many times the connection dropped.
    let hashing = {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || sha256_file(&path))
    };
    let earlier = match key {
        Some(key) => left_open(store, remembered, key, size).await,
        None => None,
    };
    let transport = match earlier {
        Some(transport) => {
            eprintln!(
                "{label}: an earlier run left this upload open; going on from where the store stopped"
            );
            transport
        }
        None => {
            let session = store
                .open_session(args.beat, kind, size, name)
                .await
                .map_err(|f| refused(&format!("opening the {label} upload"), f))?;
            let transport = Transport::for_session(&session).map_err(|e| anyhow!(e))?;
            if let Some(key) = key {
                match &transport {
                    Transport::Tus(_) => {
                        if let Some(url) = &session.upload_url {
                            remembered.remember(key, resume::Entry::Tus(url.clone()));
                        }
                    }
                    Transport::Multipart(m) => {
                        remembered.remember(key, resume::Entry::Multipart(m.session().clone()));
                    }
                }
            }
            transport
        }
    };
    let mut meter = Meter::new(label, size);
    let sent = transport
        .send(store, path, args.chunk_mib << 20, retry, &mut meter)
        .await;
    let local = hashing
        .await?
        .with_context(|| format!("hashing {}", path.display()))?;
    // Kept only when it gave up: running the command again goes on from there.
    if let Some(key) = key
        && !matches!(sent, Err(SendError::GaveUp(_)))
    {
        remembered.forget(key);
    }
    let recorded = match sent {
        Ok(accepted) => accepted.upload,
        Err(SendError::Unconfirmed) => store
            .processing(args.beat)
            .await
            .map_err(|f| refused("reading back the upload", f))?
            .uploads
            .into_iter()
            .find(|u| u.kind == kind && u.sha256 == local)
            .ok_or_else(|| {
                anyhow!("the {label} upload session ended before the store recorded the file")
            })?,
        Err(SendError::Refused(why)) => anyhow::bail!("the store refused the {label}: {why}"),
        Err(SendError::GaveUp(why)) if key.is_some() => anyhow::bail!(
            "gave up sending the {label}: {why}. Run the same command again to go on from where the store stopped"
        ),
        Err(SendError::GaveUp(why)) => anyhow::bail!(
            "gave up sending the {label}: {why}. Run the command again to upload it anew"
        ),
    };
    if recorded.sha256 != local || recorded.size_bytes != size {
        anyhow::bail!(
            "the store recorded a different {label} ({} bytes, SHA-256 {}) from {} ({size} bytes, SHA-256 {local})",
            recorded.size_bytes,
            recorded.sha256,
            path.display()
        );
    }
    meter.finish(&format!(
        "uploaded {name} ({}), SHA-256 {} as stored",
        trackout_audio::text::bytes(size),
        &local[..16]
    ));
    Ok(())
}
