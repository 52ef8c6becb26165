//! The sessions behind session tokens. A token names its row (`sid`); a request is signed in
//! only while that row is neither revoked nor expired. The answer is cached in-process for
//! [`CACHE_SECONDS`], so checking stays a map lookup: a revocation made by this process takes
//! effect at once, one made by another process (another API machine) within that bound.
//! Last-seen times are written in batches, at most once a minute per session.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::session;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Result;
use crate::auth::{SessionClaims, Tokens};
use crate::domain::Role;

/// How stale a session check may be across processes.
pub const CACHE_SECONDS: u64 = 2;
const CACHE_ENTRIES: usize = 50_000;
/// A session's last-seen time is written at most this often.
const SEEN_EVERY: Duration = Duration::from_secs(60);
const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Where a sign-in came from, recorded on the session.
#[derive(Debug, Clone, Default)]
pub struct Client {
    pub user_agent: String,
    pub address: Option<String>,
}

#[derive(Clone, Copy)]
struct Cached {
    live: bool,
    checked: Instant,
}

#[derive(Clone)]
pub struct SessionStore {
    db: DatabaseConnection,
    cache: Arc<Mutex<HashMap<Uuid, Cached>>>,
    last_written: Arc<Mutex<HashMap<Uuid, Instant>>>,
    seen: Arc<Mutex<HashSet<Uuid>>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    /// A readable device, e.g. "Chrome on Linux".
    pub device: String,
    pub user_agent: String,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Accurate to about a minute.
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The session this request is made with.
    pub current: bool,
}

pub struct NewSession {
    pub token: String,
    pub expires_at: u64,
    pub id: Uuid,
}

impl SessionStore {
    /// Starts the last-seen writer on the current runtime.
    pub fn start(db: DatabaseConnection) -> SessionStore {
        let store = SessionStore {
            db,
            cache: Arc::default(),
            last_written: Arc::default(),
            seen: Arc::default(),
        };
        let flusher = store.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(FLUSH_EVERY);
            loop {
                every.tick().await;
                flusher.flush_seen().await;
                // Stop once the store is gone (only this task holds a clone then).
                if Arc::strong_count(&flusher.seen) == 1 {
                    return;
                }
            }
        });
        store
    }

    /// A new session row and its token, in the caller's connection or transaction.
    pub async fn create<C: ConnectionTrait>(
        &self,
        conn: &C,
        tokens: &Tokens,
        user_id: Uuid,
        role: Role,
        client: &Client,
    ) -> Result<NewSession> {
        let now = Utc::now();
        let ttl =
            chrono::Duration::from_std(tokens.session_ttl()).unwrap_or(chrono::Duration::days(7));
        let expires = now + ttl;
        let id = Uuid::now_v7();
        let agent: String = client.user_agent.chars().take(255).collect();
        session::ActiveModel {
            id: Set(id),
            user_id: Set(user_id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(expires),
            revoked_at: Set(None),
            user_agent: Set(agent),
            address: Set(client.address.clone()),
        }
        .insert(conn)
        .await?;
        let exp = expires.timestamp().max(0) as u64;
        Ok(NewSession {
            token: tokens.issue_session(user_id, id, role, exp),
            expires_at: exp,
            id,
        })
    }

    /// Whether the session a verified token names is still live.
    pub async fn is_live(&self, claims: &SessionClaims) -> Result<bool> {
        let cached = self
            .cache
            .lock()
            .expect("session cache")
            .get(&claims.sid)
            .copied();
        let live = match cached {
            Some(c) if c.checked.elapsed() < Duration::from_secs(CACHE_SECONDS) => c.live,
            _ => {
                let row = session::Entity::find_by_id(claims.sid)
                    .one(&self.db)
                    .await?;
                let live = row.is_some_and(|s| {
                    s.user_id == claims.sub && s.revoked_at.is_none() && s.expires_at > Utc::now()
                });
                self.remember(claims.sid, live);
                live
            }
        };
        if live {
            self.touch(claims.sid);
        }
        Ok(live)
    }

    fn remember(&self, sid: Uuid, live: bool) {
        let mut cache = self.cache.lock().expect("session cache");
        if cache.len() >= CACHE_ENTRIES {
            let fresh = Duration::from_secs(CACHE_SECONDS);
            cache.retain(|_, c| c.checked.elapsed() < fresh);
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
        }
        cache.insert(
            sid,
            Cached {
                live,
                checked: Instant::now(),
            },
        );
    }

    fn touch(&self, sid: Uuid) {
        let mut written = self.last_written.lock().expect("last seen");
        let due = written
            .get(&sid)
            .is_none_or(|at| at.elapsed() >= SEEN_EVERY);
        if due {
            if written.len() >= CACHE_ENTRIES {
                written.retain(|_, at| at.elapsed() < SEEN_EVERY);
            }
            written.insert(sid, Instant::now());
            self.seen.lock().expect("seen").insert(sid);
        }
    }

    /// Writes the last-seen time of every session used since the last flush, in one statement.
    pub async fn flush_seen(&self) {
        let batch: Vec<Uuid> = std::mem::take(&mut *self.seen.lock().expect("seen"))
            .into_iter()
            .collect();
        for chunk in batch.chunks(500) {
            let result = session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, Expr::value(Utc::now()))
                .filter(session::Column::Id.is_in(chunk.to_vec()))
                .exec(&self.db)
                .await;
            if let Err(e) = result {
                tracing::warn!(error = %e, sessions = chunk.len(), "recording last-seen times failed");
            }
        }
    }

    /// Ends one session of `user_id`.
    pub async fn revoke<C: ConnectionTrait>(
        &self,
        conn: &C,
        user_id: Uuid,
        sid: Uuid,
    ) -> Result<()> {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .filter(session::Column::Id.eq(sid))
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null())
            .exec(conn)
            .await?;
        self.remember(sid, false);
        Ok(())
    }

    /// Ends every session of `user_id` but `except`.
    pub async fn revoke_all<C: ConnectionTrait>(
        &self,
        conn: &C,
        user_id: Uuid,
        except: Option<Uuid>,
    ) -> Result<()> {
        let live = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null())
            .all(conn)
            .await?;
        let mut update = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(Utc::now())))
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null());
        if let Some(keep) = except {
            update = update.filter(session::Column::Id.ne(keep));
        }
        update.exec(conn).await?;
        for s in live {
            if Some(s.id) != except {
                self.remember(s.id, false);
            }
        }
        Ok(())
    }

    /// The account's live sessions, most recently used first.
    pub async fn list(&self, user_id: Uuid, current: Uuid) -> Result<Vec<SessionView>> {
        self.flush_seen().await;
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(Utc::now()))
            .order_by_desc(session::Column::LastSeenAt)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                device: device(&s.user_agent),
                current: s.id == current,
                user_agent: s.user_agent,
                address: s.address,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                expires_at: s.expires_at,
            })
            .collect())
    }
}

/// "Firefox on Windows", "curl", "Unknown device": enough for a person to recognise it.
pub fn device(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    if ua.is_empty() {
        return "Unknown device".into();
    }
    let browser = [
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chromium/", "Chromium"),
        ("headlesschrome/", "Headless Chrome"),
        ("chrome/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
        ("reqwest", "a script"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let system = [
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("android", "Android"),
        ("windows", "Windows"),
        ("mac os x", "macOS"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} on {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn devices_read_like_a_person_says_them() {
        assert_eq!(
            super::device(
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
            ),
            "Chrome on Linux"
        );
        assert_eq!(
            super::device(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Gecko/20100101 Firefox/121.0"
            ),
            "Firefox on macOS"
        );
        assert_eq!(super::device(""), "Unknown device");
        assert_eq!(super::device("curl/8.5.0"), "curl");
    }
}
