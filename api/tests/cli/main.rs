//! The real `trackout` binary, as a producer or an operator runs it.
// Test and bench code: a failed unwrap is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod check;
mod flood;
mod moto;
mod sale;
mod serve;
mod slow_clients;
mod upload;

use std::io::Cursor;
use std::path::Path;

/// A 24-bit stereo sine stem of `seconds`.
pub fn write_stem(path: &Path, seconds: f64, freq: f64) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 44_100.0) as u32 {
        let v = (0.5 * 8_388_607.0 * (std::f64::consts::TAU * freq * f64::from(n) / 44_100.0).sin())
            as i32;
        writer.write_sample(v).unwrap();
        writer.write_sample(v).unwrap();
    }
    writer.finalize().unwrap();
}

/// The master of stems written by [`write_stem`] at `freqs`: their sum, turned down on the
/// bus so it does not clip (the check reports that as an info, never an error).
pub fn write_mix(path: &Path, seconds: f64, freqs: &[f64]) {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 24,
        sample_format: hound::SampleFormat::Int,
    };
    let gain = 1.0 / freqs.len() as f64;
    let mut writer = hound::WavWriter::create(path, spec).unwrap();
    for n in 0..(seconds * 44_100.0) as u32 {
        let t = f64::from(n) / 44_100.0;
        let x: f64 = freqs
            .iter()
            .map(|f| 0.5 * (std::f64::consts::TAU * f * t).sin())
            .sum();
        let v = (gain * x * 8_388_607.0) as i32;
        writer.write_sample(v).unwrap();
        writer.write_sample(v).unwrap();
    }
    writer.finalize().unwrap();
}

/// A stored zip of every file in `dir`.
pub fn zip_dir(dir: &Path) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        zip.start_file(path.file_name().unwrap().to_str().unwrap(), options)
            .unwrap();
        std::io::copy(&mut std::fs::File::open(&path).unwrap(), &mut zip).unwrap();
    }
    zip.finish().unwrap();
    out.into_inner()
}

/// The operator's invitation for `email`, as `trackout invite-producer` prints it, run in the
/// store's folder with the store's environment.
pub fn invitation(dir: &Path, env: &[(&str, String)], email: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trackout"))
        .args(["invite-producer", email])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = String::from_utf8(out.stdout).unwrap();
    link.trim()
        .split_once("invitation=")
        .expect("a sign-up link with its invitation")
        .1
        .to_owned()
}

/// Signs up (`202`), then logs in; answers the session token. A producer on a single-seller
/// store needs the operator's `invitation`.
pub fn sign_up(
    client: &reqwest::blocking::Client,
    base: &str,
    email: &str,
    role: &str,
    invitation: Option<&str>,
) -> String {
    let response = client
        .post(format!("{base}/api/v1/auth/register"))
        .json(
            &serde_json::json!({"email": email, "password": "a long enough password",
                                  "display_name": role, "role": role, "invitation": invitation}),
        )
        .send()
        .unwrap();
    assert_eq!(response.status(), 202);
    let body: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": "a long enough password"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    body["token"].as_str().expect("a session").to_owned()
}

/// Quoted-printable soft breaks and `=XX` escapes, enough to read a link out of an `.eml`.
fn unquote(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let bytes = joined.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'=', Some(hex))
                if u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16).is_ok() =>
            {
                out.push(u8::from_str_radix(std::str::from_utf8(hex).unwrap(), 16).unwrap());
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Waits for the verification mail to `email` in `outbox` (an `.eml` file), and follows it.
pub fn verify_from_outbox(
    client: &reqwest::blocking::Client,
    base: &str,
    outbox: &Path,
    email: &str,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let token = loop {
        let found = std::fs::read_dir(outbox)
            .into_iter()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .map(|raw| unquote(&raw))
            .filter(|text| text.contains(&format!("To: {email}")))
            .find_map(|text| {
                let start = text.find("/verify-email?token=")? + "/verify-email?token=".len();
                Some(
                    text[start..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
                        .collect::<String>(),
                )
            });
        if let Some(token) = found {
            break token;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no verification mail for {email} in {}",
            outbox.display()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let response = client
        .post(format!("{base}/api/v1/auth/verify"))
        .json(&serde_json::json!({"token": token}))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200, "verifying {email}");
}
