use std::collections::{BTreeSet, HashMap};

use super::*;

fn env_of(pairs: &[(&'static str, &str)]) -> impl Fn(&'static str) -> Option<String> {
    let map: HashMap<&'static str, String> =
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    move |name| map.get(name).cloned()
}

fn loaded(pairs: &[(&'static str, &str)]) -> Result<Config, ConfigError> {
    let mut config = Config::default();
    config.apply_env(env_of(pairs))?;
    config.validate()?;
    Ok(config)
}

fn refusal(pairs: &[(&'static str, &str)]) -> String {
    match loaded(pairs) {
        Ok(_) => panic!("{pairs:?} was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn environment_overrides_file_and_names_the_bad_variable() {
    let mut config: Config = toml::from_str(
        "bind = \"0.0.0.0:9000\"\n[worker]\nconcurrency = 3\n[uploads]\nmaster_bytes = 10\n",
    )
    .unwrap();
    assert_eq!(config.worker.concurrency, 3);
    assert_eq!(
        config.uploads.trackout_bytes,
        8 * GIB,
        "unset keys keep defaults"
    );

    config
        .apply_env(env_of(&[("TRACKOUT_WORKER_CONCURRENCY", "7")]))
        .unwrap();
    assert_eq!(config.worker.concurrency, 7);
    assert_eq!(config.bind.port(), 9000);

    let err = config
        .apply_env(env_of(&[("TRACKOUT_JOB_LEASE_SECONDS", "soon")]))
        .unwrap_err();
    assert!(
        err.to_string().contains("TRACKOUT_JOB_LEASE_SECONDS"),
        "{err}"
    );
}

#[test]
fn a_signing_secret_that_is_empty_or_short_refuses_to_start() {
    for secret in ["", "short", &"x".repeat(31)] {
        let message = refusal(&[("TRACKOUT_JWT_SECRET", secret)]);
        assert!(message.contains("TRACKOUT_JWT_SECRET"), "{message}");
        assert!(message.contains("at least 32"), "{message}");
    }
    assert!(loaded(&[("TRACKOUT_JWT_SECRET", &"x".repeat(32))]).is_ok());
    assert!(
        loaded(&[]).unwrap().jwt_secret.is_none(),
        "unset: a generated key is used"
    );
}

#[test]
fn a_half_done_stripe_setup_refuses_to_start() {
    let message = refusal(&[("STRIPE_SECRET_KEY", "")]);
    assert!(
        message.contains("STRIPE_SECRET_KEY is set but empty"),
        "{message}"
    );
    let message = refusal(&[("STRIPE_SECRET_KEY", "sk_test_1")]);
    assert!(message.contains("needs STRIPE_WEBHOOK_SECRET"), "{message}");
    let message = refusal(&[
        ("STRIPE_SECRET_KEY", "sk_test_1"),
        ("STRIPE_WEBHOOK_SECRET", " , "),
    ]);
    assert!(message.contains("needs STRIPE_WEBHOOK_SECRET"), "{message}");
    let message = refusal(&[("STRIPE_WEBHOOK_SECRET", "whsec_1")]);
    assert!(message.contains("without STRIPE_SECRET_KEY"), "{message}");
    let message = refusal(&[
        ("STRIPE_SECRET_KEY", "sk_test_1"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_1"),
        ("TRACKOUT_EXCLUSIVE_HOLD_MINUTES", "30"),
    ]);
    assert!(message.contains("at least 31"), "{message}");
    let config = loaded(&[
        ("STRIPE_SECRET_KEY", "sk_test_1"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_1,whsec_2"),
    ])
    .unwrap();
    assert!(config.uses_stripe());
    assert_eq!(config.commerce.stripe_webhook_secrets.len(), 2);
}

#[test]
fn the_development_payment_page_exists_only_where_nothing_says_the_store_is_public() {
    let allowed = |pairs: &[(&'static str, &str)]| loaded(pairs).unwrap().dev_payments_allowed();
    assert!(allowed(&[]), "the embedded default listens on 127.0.0.1");
    assert!(allowed(&[("TRACKOUT_PUBLIC_URL", "http://localhost:8080")]));
    assert!(allowed(&[("TRACKOUT_PUBLIC_URL", "http://[::1]:8080/")]));
    assert!(
        !allowed(&[("TRACKOUT_BIND", "0.0.0.0:8080")]),
        "a public address needs TRACKOUT_DEV_PAYMENTS"
    );
    assert!(
        !allowed(&[("TRACKOUT_PUBLIC_URL", "https://beats.example.com")]),
        "loopback behind a reverse proxy with a public URL is a public store"
    );
    assert!(!allowed(&[(
        "TRACKOUT_PUBLIC_URL",
        "http://127.0.0.1.example.com"
    )]));
    assert!(allowed(&[
        ("TRACKOUT_PUBLIC_URL", "https://beats.example.com"),
        ("TRACKOUT_DEV_PAYMENTS", "true"),
    ]));
    assert!(
        !allowed(&[
            ("TRACKOUT_DEV_PAYMENTS", "true"),
            ("STRIPE_SECRET_KEY", "sk_live_x"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_x"),
        ]),
        "never beside real payments"
    );
}

#[test]
fn a_public_url_must_be_an_http_address() {
    let message = refusal(&[("TRACKOUT_PUBLIC_URL", "beats.example.com")]);
    assert!(message.contains("TRACKOUT_PUBLIC_URL"), "{message}");
    let config = loaded(&[("TRACKOUT_PUBLIC_URL", "https://beats.example.com/")]).unwrap();
    assert!(config.public_is_https());
    assert_eq!(config.public_url(), "https://beats.example.com");
}

#[test]
fn password_hashing_costs_outside_argon2s_bounds_are_refused() {
    for (name, value) in [
        ("TRACKOUT_PASSWORD_HASH_MEMORY_KIB", "4"),
        ("TRACKOUT_PASSWORD_HASH_MEMORY_KIB", "8388608"),
        ("TRACKOUT_PASSWORD_HASH_PASSES", "0"),
    ] {
        let message = refusal(&[(name, value)]);
        assert!(message.contains(name), "{name}={value}: {message}");
    }
    let raised = loaded(&[
        ("TRACKOUT_PASSWORD_HASH_MEMORY_KIB", "65536"),
        ("TRACKOUT_PASSWORD_HASH_PASSES", "3"),
    ])
    .unwrap();
    assert!(!raised.limits.hashing.below_recommended());
    assert!(!Config::default().limits.hashing.below_recommended());
}

#[test]
fn s3_without_bucket_is_refused() {
    assert!(refusal(&[("TRACKOUT_STORAGE", "s3")]).contains("TRACKOUT_S3_BUCKET"));
}

#[test]
fn embedded_default_lives_under_data() {
    let config = Config::default();
    assert_eq!(
        config.database_url(),
        "sqlite://./data/trackout.db?mode=rwc"
    );
    assert_eq!(config.objects_dir(), PathBuf::from("./data/objects"));
    assert_eq!(config.public_url(), "http://127.0.0.1:8080");
}

/// The variables named in the README's configuration tables (rows starting with a variable).
fn readme_variables() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md at the workspace root");
    readme
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .flat_map(|cell| {
            let cell = cell.split(" |").next().unwrap_or_default();
            cell.split(", ")
                .map(|name| name.trim_matches('`').to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        })
        .collect()
}

#[test]
fn every_variable_the_store_reads_is_documented_and_every_documented_one_is_read() {
    let read: BTreeSet<String> = Config::default()
        .apply_env(|_| None)
        .unwrap()
        .into_iter()
        .chain(OTHER_VARIABLES)
        .map(str::to_owned)
        .collect();
    let documented = readme_variables();
    let undocumented: Vec<_> = read.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "read by the code but missing from the README's configuration tables: {undocumented:?}"
    );
    let stale: Vec<_> = documented.difference(&read).collect();
    assert!(
        stale.is_empty(),
        "in the README's configuration tables but never read: {stale:?}"
    );
}

#[test]
fn selling_defaults_to_single_seller_and_a_fee_needs_the_marketplace() {
    let config = loaded(&[]).unwrap();
    assert_eq!(
        config.commerce.selling,
        crate::domain::SellingMode::SingleSeller
    );
    assert_eq!(config.commerce.platform_fee().on(10_000), 0);

    let market = loaded(&[
        ("TRACKOUT_SELLING", "marketplace"),
        ("TRACKOUT_PLATFORM_FEE_PERCENT", "12.5"),
        ("TRACKOUT_PLATFORM_FEE_CENTS", "30"),
    ])
    .unwrap();
    assert_eq!(market.commerce.platform_fee().on(10_000), 1_280);

    let message = refusal(&[("TRACKOUT_PLATFORM_FEE_PERCENT", "10")]);
    assert!(message.contains("marketplace"), "{message}");
    let message = refusal(&[("TRACKOUT_SELLING", "bazaar")]);
    assert!(message.contains("TRACKOUT_SELLING"), "{message}");
    let message = refusal(&[
        ("TRACKOUT_SELLING", "marketplace"),
        ("TRACKOUT_PLATFORM_FEE_PERCENT", "101"),
    ]);
    assert!(
        message.contains("TRACKOUT_PLATFORM_FEE_PERCENT"),
        "{message}"
    );
    let message = refusal(&[
        ("TRACKOUT_SELLING", "marketplace"),
        ("TRACKOUT_PLATFORM_FEE_CENTS", "-1"),
    ]);
    assert!(message.contains("TRACKOUT_PLATFORM_FEE_CENTS"), "{message}");
}

#[test]
fn a_stripe_marketplace_needs_the_connect_webhook_secret_and_nothing_else_takes_one() {
    let stripe = [
        ("STRIPE_SECRET_KEY", "sk_test_x"),
        ("STRIPE_WEBHOOK_SECRET", "whsec_platform"),
    ];
    let market = [stripe[0], stripe[1], ("TRACKOUT_SELLING", "marketplace")];
    let message = refusal(&market);
    assert!(
        message.contains("STRIPE_CONNECT_WEBHOOK_SECRET"),
        "{message}"
    );
    let empty = [
        market[0],
        market[1],
        market[2],
        ("STRIPE_CONNECT_WEBHOOK_SECRET", " , "),
    ];
    assert!(refusal(&empty).contains("STRIPE_CONNECT_WEBHOOK_SECRET"));
    let config = loaded(&[
        market[0],
        market[1],
        market[2],
        ("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_new, whsec_old"),
    ])
    .unwrap();
    assert_eq!(config.commerce.stripe_connect_webhook_secrets.len(), 2);
    assert!(config.commerce.uses_connect());

    // A single seller pays nobody out, and the development provider has no Connect.
    for without in [
        vec![
            stripe[0],
            stripe[1],
            ("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_c"),
        ],
        vec![
            ("TRACKOUT_SELLING", "marketplace"),
            ("STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_c"),
        ],
    ] {
        let message = refusal(&without);
        assert!(
            message.contains("STRIPE_CONNECT_WEBHOOK_SECRET"),
            "{message}"
        );
    }
    assert!(
        loaded(&stripe).is_ok(),
        "single seller with Stripe as before"
    );
}
