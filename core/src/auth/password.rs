//! Password hashing that cannot take the machine down. Argon2id at its recommended cost
//! (19 MiB, 2 passes; configurable) takes tens of milliseconds of one core per hash; 300
//! logins at once used to start 300 of them on the blocking pool. Here at most `concurrency`
//! hashes run (one per core by default), at most `queue` more wait, and anything beyond
//! answers `busy` at once.
//!
//! Each slot also owns its Argon2 memory, reused hash after hash. Letting Argon2 allocate its
//! own made every blocking-pool thread's malloc arena keep a 19 MiB block: the
//! process grew to hundreds of megabytes that it never gave back.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::HashingLimits;
use crate::domain::Password;
use crate::{Error, Result};

/// The bounded hasher. Clones share the same slots.
#[derive(Clone)]
pub struct PasswordHasher {
    slots: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    queue: usize,
    /// The cost of hashes made now; a stored hash is checked at the cost it was made with.
    params: Params,
    /// One Argon2 working memory per slot, allocated on first use and kept.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
}

/// Takes one back off the waiting count however the wait ends (a client that hangs up too).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl PasswordHasher {
    /// Fails when the cost is outside Argon2's bounds (the configuration checks them first).
    pub fn new(limits: &HashingLimits) -> Result<Self> {
        let params = Params::new(
            limits.memory_kib,
            limits.passes,
            1,
            Some(Params::DEFAULT_OUTPUT_LEN),
        )
        .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
        Ok(PasswordHasher {
            slots: Arc::new(Semaphore::new(limits.concurrency.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            queue: limits.queue,
            params,
            memory: Arc::default(),
        })
    }

    async fn slot(&self) -> Result<OwnedSemaphorePermit> {
        if let Ok(permit) = self.slots.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(Error::Busy {
                retry_after_seconds: 1,
            });
        }
        let _waiting = Waiting(&self.waiting);
        self.slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("the password hasher is closed".into()))
    }

    /// Runs `work` on the blocking pool in a slot, with the slot's memory. The slot is held
    /// until the work is done, even if the request that asked for it is gone, so the bound
    /// holds.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = self.slot().await?;
        let pool = Arc::clone(&self.memory);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut memory = pool
                .lock()
                .expect("argon2 memory pool")
                .pop()
                .unwrap_or_default();
            let result = work(&mut memory);
            pool.lock().expect("argon2 memory pool").push(memory);
            result
        })
        .await
        .map_err(|e| Error::Internal(format!("password task: {e}")))?
    }

    /// Argon2id at the configured cost (by default 19 MiB, 2 passes) and a fresh 16-byte
    /// salt, as a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
    pub async fn hash(&self, password: Password) -> Result<String> {
        let params = self.params.clone();
        self.run(move |memory| {
            let mut salt = [0u8; Salt::RECOMMENDED_LENGTH];
            rand::rng().fill_bytes(&mut salt);
            let out = argon2id(&params, password.expose().as_bytes(), &salt, memory)?;
            let phc = PasswordHash {
                algorithm: argon2::ARGON2ID_IDENT,
                version: Some(Version::V0x13.into()),
                params: ParamsString::try_from(&params)
                    .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?,
                salt: Some(Salt::new(&salt).map_err(|e| Error::Internal(format!("salt: {e}")))?),
                hash: Some(Output::new(&out).map_err(|e| Error::Internal(format!("hash: {e}")))?),
            };
            Ok(phc.to_string())
        })
        .await
    }

    /// `stored` is `None` when there is nothing to compare with (no such account, or an
    /// account without a password): the same time is spent on a hash at the configured
    /// cost, in the same slots, so that timing does not tell which emails have accounts.
    pub async fn verify(&self, candidate: String, stored: Option<String>) -> Result<bool> {
        let current = self.params.clone();
        self.run(move |memory| {
            let Some(stored) = stored.filter(|s| s.starts_with("$argon2")) else {
                argon2id(
                    &current,
                    candidate.as_bytes(),
                    b"no account, no salt",
                    memory,
                )?;
                return Ok(false);
            };
            let unreadable = |e: &dyn std::fmt::Display| {
                Error::Internal(format!("stored password hash unreadable: {e}"))
            };
            let parsed = PasswordHash::new(&stored).map_err(|e| unreadable(&e))?;
            let params = Params::try_from(&parsed).map_err(|e| unreadable(&e))?;
            let algorithm =
                Algorithm::try_from(parsed.algorithm.as_str()).map_err(|e| unreadable(&e))?;
            let version = match parsed.version {
                Some(v) => Version::try_from(v).map_err(|e| unreadable(&e))?,
                None => Version::default(),
            };
            let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
                return Err(unreadable(&"no salt or hash"));
            };
            let mut out = vec![0u8; expected.len()];
            argon2(&params, algorithm, version)
                .hash_password_into_with_memory(
                    candidate.as_bytes(),
                    salt.as_ref(),
                    &mut out,
                    blocks(memory, &params),
                )
                .map_err(|e| unreadable(&e))?;
            Ok(Output::new(&out).is_ok_and(|computed| computed == *expected))
        })
        .await
    }

    /// Spends a hash's time without keeping anything (registration of a taken email).
    pub async fn waste(&self, password: Password) -> Result<()> {
        self.hash(password).await.map(|_| ())
    }
}

fn argon2(params: &Params, algorithm: Algorithm, version: Version) -> Argon2<'static> {
    Argon2::new(algorithm, version, params.clone())
}

/// Argon2id of `secret` and `salt` at `params`, in the slot's memory: what a new hash holds.
fn argon2id(
    params: &Params,
    secret: &[u8],
    salt: &[u8],
    memory: &mut Vec<Block>,
) -> Result<[u8; Params::DEFAULT_OUTPUT_LEN]> {
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2(params, Algorithm::Argon2id, Version::V0x13)
        .hash_password_into_with_memory(secret, salt, &mut out, blocks(memory, params))
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))?;
    Ok(out)
}

/// The slot's memory, grown (once) to what `params` need, and the slice Argon2 works in.
fn blocks<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::default());
    }
    &mut memory[..needed]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hasher(concurrency: usize, queue: usize) -> PasswordHasher {
        PasswordHasher::new(&HashingLimits {
            concurrency,
            queue,
            ..HashingLimits::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hasher(2, 4);
        let hash = h
            .hash(Password::parse("a long enough password").unwrap())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(
            h.verify("a long enough password".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !h.verify("a wrong password here".into(), Some(hash))
                .await
                .unwrap()
        );
        assert!(!h.verify("anything at all".into(), None).await.unwrap());
        // An account without a password (a guest's) never matches, not even the dummy's.
        assert!(!h.verify("".into(), Some(String::new())).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let before = Argon2::default()
            .hash_password(b"an older password")
            .unwrap()
            .to_string();
        let h = hasher(1, 1);
        assert!(
            h.verify("an older password".into(), Some(before.clone()))
                .await
                .unwrap()
        );
        assert!(
            !h.verify("another password".into(), Some(before))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn hashes_carry_the_configured_cost_and_a_changed_cost_still_signs_older_ones_in() {
        let password = || Password::parse("a long enough password").unwrap();
        let cheap = PasswordHasher::new(&HashingLimits {
            memory_kib: 64,
            passes: 1,
            ..HashingLimits::default()
        })
        .unwrap();
        let old = cheap.hash(password()).await.unwrap();
        assert!(old.contains("$m=64,t=1,p=1$"), "{old}");
        let recommended = hasher(1, 1);
        let new = recommended.hash(password()).await.unwrap();
        assert!(new.contains("$m=19456,t=2,p=1$"), "{new}");
        assert!(
            recommended
                .verify("a long enough password".into(), Some(old))
                .await
                .unwrap()
        );
        assert!(
            cheap
                .verify("a long enough password".into(), Some(new))
                .await
                .unwrap()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn past_the_queue_it_answers_busy_instead_of_piling_up() {
        let h = hasher(1, 2);
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let h = h.clone();
                tokio::spawn(async move { h.verify("a password".into(), None).await })
            })
            .collect();
        let mut busy = 0;
        let mut done = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(_) => done += 1,
                Err(Error::Busy { .. }) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(done >= 3, "one running and two waiting get through: {done}");
        assert!(busy >= 1, "the rest are told to come back: {busy}");
        assert_eq!(h.waiting.load(Ordering::Acquire), 0);
    }
}
