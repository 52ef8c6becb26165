//! The words of every mail, in plain text and in HTML. HTML is written with maud, which
//! escapes every value at compile time: a beat title or a display name can never become
//! markup. Mails carry links to pages of the store, never download links.

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use uuid::Uuid;

use super::render::{Rendered, Store};

pub(super) struct Purchase {
    pub id: Uuid,
    pub beat_title: String,
    pub tier_name: String,
    pub price: String,
    pub license_id: String,
    pub buyer_name: String,
    pub producer_name: Option<String>,
    pub paid: bool,
}

/// A paragraph, or a button-like link (`href`, text).
enum Part {
    Text(String),
    Link(String, String),
    Facts(Vec<(&'static str, String)>),
    Small(String),
}

fn mail(store: &Store, subject: String, greeting: &str, parts: Vec<Part>) -> Rendered {
    let mut text = format!("{greeting}\n\n");
    let mut links = Vec::new();
    for part in &parts {
        match part {
            Part::Text(t) | Part::Small(t) => text.push_str(&format!("{t}\n\n")),
            Part::Link(href, label) => {
                text.push_str(&format!("{label}:\n{href}\n\n"));
                links.push(href.clone());
            }
            Part::Facts(rows) => {
                for (name, value) in rows {
                    text.push_str(&format!("{name}: {value}\n"));
                }
                text.push('\n');
            }
        }
    }
    text.push_str(&format!("— {}\n{}\n", store.name, store.public_url));
    let body: Markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (subject) }
            }
            body style="margin:0;padding:24px;background:#f4f4f7;font:16px/1.5 -apple-system,'Segoe UI',Roboto,sans-serif;color:#1b1b22" {
                table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:10px" {
                    tr { td style="padding:28px 32px" {
                        p style="margin:0 0 20px;font-weight:700;font-size:18px;color:#5b3fd9" { (store.name) }
                        p { (greeting) }
                        @for part in &parts {
                            @match part {
                                Part::Text(t) => p { (t) },
                                Part::Small(t) => p style="color:#6b6b7b;font-size:14px" { (t) },
                                Part::Link(href, label) => p style="margin:24px 0" {
                                    a href=(href) style="background:#6d4cff;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block" { (label) }
                                    br;
                                    span style="font-size:12px;color:#6b6b7b;word-break:break-all" { (href) }
                                },
                                Part::Facts(rows) => table cellpadding="0" cellspacing="0" style="margin:8px 0 16px;border-collapse:collapse" {
                                    @for (name, value) in rows {
                                        tr {
                                            td style="padding:4px 16px 4px 0;color:#6b6b7b" { (name) }
                                            td style="padding:4px 0;font-weight:600" { (value) }
                                        }
                                    }
                                },
                            }
                        }
                        p style="margin-top:28px;color:#6b6b7b;font-size:14px" {
                            "— " (store.name) br;
                            a href=(store.public_url) style="color:#6b6b7b" { (store.public_url) }
                        }
                    } }
                }
                (PreEscaped(""))
            }
        }
    };
    Rendered {
        subject: format!("{} · {}", subject, store.name),
        text,
        html: body.into_string(),
        links,
    }
}

fn hello(name: &str) -> String {
    format!("Hi {name},")
}

pub(super) fn verify_email(store: &Store, name: &str, token: &str) -> Rendered {
    mail(
        store,
        "Confirm your email".into(),
        &hello(name),
        vec![
            Part::Text(format!(
                "Welcome to {}. Confirm that this address is yours:",
                store.name
            )),
            Part::Link(
                format!("{}/verify-email?token={token}", store.public_url),
                "Confirm my email".into(),
            ),
            Part::Small(
                "If you did not create an account, ignore this mail: nothing happens without a click."
                    .into(),
            ),
        ],
    )
}

pub(super) fn signup_attempt(store: &Store, name: &str) -> Rendered {
    mail(
        store,
        "Someone tried to sign up with your email".into(),
        &hello(name),
        vec![
            Part::Text(format!(
                "Someone just tried to create an account at {} with this address. You already have one, so nothing was created and nothing changed.",
                store.name
            )),
            Part::Text("If it was you, log in instead:".into()),
            Part::Link(format!("{}/login", store.public_url), "Log in".into()),
            Part::Text("Forgot your password (or never set one)? Choose a new one:".into()),
            Part::Link(
                format!("{}/forgot-password", store.public_url),
                "Reset my password".into(),
            ),
            Part::Small("If it was not you, you need do nothing.".into()),
        ],
    )
}

pub(super) fn password_reset(store: &Store, name: &str, token: &str) -> Rendered {
    mail(
        store,
        "Reset your password".into(),
        &hello(name),
        vec![
            Part::Text(
                "Choose a new password with this link. It works once, for 30 minutes:".into(),
            ),
            Part::Link(
                format!("{}/reset-password?token={token}", store.public_url),
                "Choose a new password".into(),
            ),
            Part::Small(
                "If you did not ask for this, ignore this mail: your password stays as it is."
                    .into(),
            ),
        ],
    )
}

pub(super) fn password_changed(store: &Store, name: &str) -> Rendered {
    mail(
        store,
        "Your password was changed".into(),
        &hello(name),
        vec![
            Part::Text(format!(
                "The password of your {} account was just changed, and every other device was logged out.",
                store.name
            )),
            Part::Text("If this was not you, choose a new password now:".into()),
            Part::Link(
                format!("{}/forgot-password", store.public_url),
                "Reset my password".into(),
            ),
        ],
    )
}

fn receipt_facts(p: &Purchase) -> Part {
    let mut rows = vec![
        ("Beat", p.beat_title.clone()),
        ("License", p.tier_name.clone()),
        ("Paid", p.price.clone()),
        ("License ID", p.license_id.clone()),
        ("Licensed to", p.buyer_name.clone()),
    ];
    if let Some(producer) = &p.producer_name {
        rows.insert(1, ("Producer", producer.clone()));
    }
    Part::Facts(rows)
}

fn files_link(store: &Store, p: &Purchase, claim: Option<&str>) -> Part {
    match claim {
        Some(token) => Part::Link(
            format!("{}/claim?token={token}", store.public_url),
            "Open my library".into(),
        ),
        None => Part::Link(
            format!("{}/library/{}", store.public_url, p.id),
            "Open my library".into(),
        ),
    }
}

pub(super) fn receipt(
    store: &Store,
    p: &Purchase,
    files_ready: bool,
    claim: Option<&str>,
) -> Rendered {
    let mut parts = vec![
        Part::Text(format!(
            "Thank you for your purchase. This is your receipt for {}.",
            p.beat_title
        )),
        receipt_facts(p),
        Part::Text(if files_ready {
            "Your files and the license agreement are ready in your library.".into()
        } else {
            "Your files are still being prepared; we will mail you again when they are ready. The license is valid from now.".into()
        }),
        files_link(store, p, claim),
        Part::Text("Anyone can check that your license is genuine here:".into()),
        Part::Link(
            format!("{}/licenses/{}", store.public_url, p.license_id),
            "Verify the license".into(),
        ),
    ];
    if claim.is_some() {
        parts.push(Part::Small(
            "The library link signs you in once (it works for 7 days); after that, log in with this email. No password yet? Use \"Forgot password\" to choose one."
                .into(),
        ));
    }
    mail(
        store,
        format!("Your receipt: {} — {}", p.beat_title, p.tier_name),
        &hello(&p.buyer_name),
        parts,
    )
}

pub(super) fn files_ready(store: &Store, p: &Purchase, claim: Option<&str>) -> Rendered {
    mail(
        store,
        format!("Your files are ready: {}", p.beat_title),
        &hello(&p.buyer_name),
        vec![
            Part::Text(format!(
                "Everything you bought with {} ({}) is ready to download.",
                p.beat_title, p.tier_name
            )),
            files_link(store, p, claim),
            Part::Small(format!("License ID {}", p.license_id)),
        ],
    )
}

pub(super) fn sale_notice(store: &Store, p: &Purchase) -> Rendered {
    let name = p.producer_name.clone().unwrap_or_default();
    mail(
        store,
        format!("You made a sale: {} — {}", p.beat_title, p.tier_name),
        &hello(&name),
        vec![
            Part::Text(format!(
                "{} just bought a license to {}.",
                p.buyer_name, p.beat_title
            )),
            receipt_facts(p),
            Part::Link(
                format!("{}/dashboard", store.public_url),
                "See your sales".into(),
            ),
        ],
    )
}

pub(super) fn share_link(
    store: &Store,
    artist: &str,
    beat_title: &str,
    label: &str,
    link: &str,
    expires_at: DateTime<Utc>,
) -> Rendered {
    mail(
        store,
        format!("{artist} shared the stems of {beat_title} with you"),
        "Hi,",
        vec![
            Part::Text(format!(
                "{artist} sent you the trackout of {beat_title} ({label}): every stem, ready to import at bar 1. You need no account."
            )),
            Part::Link(link.to_owned(), "Open the stems".into()),
            Part::Small(format!(
                "The link is meant for you: it works until {} unless {artist} revokes it sooner.",
                expires_at.format("%Y-%m-%d %H:%M UTC")
            )),
        ],
    )
}

pub(super) fn collaborator_invite(
    store: &Store,
    producer: &str,
    beat_title: &str,
    role: &str,
    profit: &str,
    publishing: &str,
) -> Rendered {
    mail(
        store,
        format!("{producer} named you a collaborator on {beat_title}"),
        "Hi,",
        vec![
            Part::Text(format!(
                "{producer} credits you as {role} on {beat_title} and shares its sales with you."
            )),
            Part::Facts(vec![
                ("Share of each sale", format!("{profit} %")),
                ("Publishing share", format!("{publishing} %")),
            ]),
            Part::Text(
                "Your share of every sale is kept for you. To be paid, sign up (or log in) with this email address, confirm it, and connect a payout account from your payouts page: what accrued is paid then, once.".into(),
            ),
            Part::Link(format!("{}/payouts", store.public_url), "Set up payouts".into()),
            Part::Small(
                "Each sale keeps the shares it was made with; a later change applies to later sales only.".into(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_every_value_and_text_holds_the_links() {
        let store = Store {
            name: "Night <Shift> & Co",
            public_url: "http://127.0.0.1:8080".into(),
        };
        let m = verify_email(&store, "<script>alert(1)</script>", "abc.def");
        assert!(!m.html.contains("<script>alert"), "{}", m.html);
        assert!(m.html.contains("&lt;script&gt;"));
        assert!(m.html.contains("Night &lt;Shift&gt; &amp; Co"));
        assert!(
            m.text
                .contains("http://127.0.0.1:8080/verify-email?token=abc.def")
        );
        assert_eq!(
            m.links,
            ["http://127.0.0.1:8080/verify-email?token=abc.def"]
        );
        assert!(m.subject.ends_with("Night <Shift> & Co"));
    }
}
