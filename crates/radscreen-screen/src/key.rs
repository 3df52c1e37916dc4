//! The secret key behind a report's pseudonyms (study, series and instance keys, heatmap names).
//!
//! A pseudonym is HMAC-SHA256(key, label || 0 || value), truncated to 64 bits. Without the key
//! nobody can recompute one from a UID they hold, so a report cannot be linked back to a
//! patient's study by whoever else has the images. There is no public default key: a key comes
//! from a file (`--key-file`), from a secret given by the caller (`RADSCREEN_KEY`), or from the
//! user's own key file, generated from the operating system's random source on first use and
//! kept with owner-only permissions. Shards of one run, and runs whose reports must be joined,
//! share a key; runs with different keys give unlinkable pseudonyms.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};

/// Bytes of a generated key (256 bits, the HMAC-SHA256 block's natural strength).
const KEY_BYTES: usize = 32;
/// A key file's name in the user's config folder.
const KEY_FILE: &str = "pseudonym.key";

/// A secret key for pseudonyms. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PseudonymKey {
    secret: Vec<u8>,
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PseudonymKey(id {})", self.id())
    }
}

impl PseudonymKey {
    /// A key from a caller's secret (for example the `RADSCREEN_KEY` environment variable).
    /// Refuses an empty secret: it would be a public key.
    pub fn from_secret(secret: impl AsRef<[u8]>) -> Result<Self> {
        let secret = secret.as_ref().to_vec();
        if secret.is_empty() {
            return Err(Error::option("key", "the pseudonym key is empty"));
        }
        Ok(PseudonymKey { secret })
    }

    /// A fresh random key from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut secret = vec![0u8; KEY_BYTES];
        getrandom::fill(&mut secret)
            .map_err(|e| Error::option("key", format!("no random source: {e}")))?;
        Ok(PseudonymKey { secret })
    }

    /// Reads a key file: its contents (surrounding white space trimmed) are the secret.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = bytes.trim_ascii();
        if text.is_empty() {
            return Err(Error::report(path, "the pseudonym key file is empty"));
        }
        Ok(PseudonymKey {
            secret: text.to_vec(),
        })
    }

    /// The user's key: read from [`default_key_path`], or generated there on first use (mode
    /// 0600 on Unix, written whole or not at all).
    pub fn user_default() -> Result<Self> {
        let path = default_key_path().ok_or_else(|| {
            Error::option(
                "key",
                "no config folder (set HOME or XDG_CONFIG_HOME), and no --key-file or RADSCREEN_KEY",
            )
        })?;
        // Say what to do, not only what failed: a container user without a home cannot keep
        // a key of its own, and the key then has to be given.
        Self::load_or_create(&path).map_err(|e| match e {
            Error::Io { path, source } => Error::option(
                "key",
                format!(
                    "cannot read or make the pseudonym key {}: {source}; give one with \
                     --key-file or RADSCREEN_KEY",
                    path.display()
                ),
            ),
            e => e,
        })
    }

    /// Reads the key file at `path`, or creates it with a fresh key (mode 0600 on Unix). Two
    /// processes starting at once agree on one key: the file appears only whole, by a
    /// no-replace link, and the loser reads the winner's.
    pub fn load_or_create(path: &Path) -> Result<Self> {
        if path.exists() {
            return Self::from_file(path);
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        // The file holds the hex text of a fresh key, and that text is the secret, so the key
        // made here equals the one every later run reads back.
        let key = PseudonymKey {
            secret: hex::encode(&Self::generate()?.secret).into_bytes(),
        };
        let tmp = dir.join(format!(".{KEY_FILE}.{}.tmp", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut f = owner_only().open(&tmp)?;
            f.write_all(&key.secret)?;
            f.write_all(b"\n")?;
            f.sync_all()
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(&tmp, e));
        }
        // hard_link fails if `path` exists, so a key another process made first is never replaced.
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(key),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::from_file(path),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// The pseudonym of `value` in namespace `label` (e.g. "uid", "path"): 16 hex digits.
    pub fn pseudonym(&self, label: &str, value: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..8])
    }

    /// A public fingerprint of the key (recorded in run.json), so that merge and resume can
    /// tell that two reports were made with the same key without revealing it.
    pub fn id(&self) -> String {
        self.pseudonym("radscreen key id", "")
    }
}

/// Where the user's key lives: `$XDG_CONFIG_HOME/radscreen/pseudonym.key`, else
/// `$HOME/.config/radscreen/pseudonym.key`.
pub fn default_key_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".config"))
        })?;
    Some(base.join("radscreen").join(KEY_FILE))
}

fn owner_only() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_depend_on_the_key_label_and_value() {
        let a = PseudonymKey::from_secret("k1").unwrap();
        let b = PseudonymKey::from_secret("k2").unwrap();
        let p = a.pseudonym("uid", "1.2.3");
        assert_eq!(p.len(), 16);
        assert_eq!(p, a.pseudonym("uid", "1.2.3"));
        assert_ne!(p, b.pseudonym("uid", "1.2.3"));
        assert_ne!(p, a.pseudonym("uid", "1.2.4"));
        assert_ne!(p, a.pseudonym("path", "1.2.3"));
        assert!(PseudonymKey::from_secret("").is_err());
        assert!(!format!("{a:?}").contains("k1"));
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let k = PseudonymKey::from_secret("Jefe").unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&k.secret).unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_created_key_file_is_private_and_reused() {
        let dir = std::env::temp_dir().join(format!("radscreen-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub").join(KEY_FILE);
        let k1 = PseudonymKey::load_or_create(&path).unwrap();
        let k2 = PseudonymKey::load_or_create(&path).unwrap();
        assert_eq!(k1, k2);
        assert_eq!(k1.secret.len(), 2 * KEY_BYTES); // hex text of 32 random bytes
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = dir.join("other").join(KEY_FILE);
        assert_ne!(PseudonymKey::load_or_create(&other).unwrap(), k1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
