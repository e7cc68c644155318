//! The diary's key wrapped by a passphrase: what lets a locked diary be opened again, and a diary
//! be opened on a computer whose keychain does not have its key. Argon2id (RFC 9106) turns the
//! passphrase into a key-encryption key; ChaCha20-Poly1305 (ring, already linked for TLS) seals
//! the diary's key with it. The file holds only the salt, the parameters and the sealed key.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::db::cipher::KEY_BYTES;
use crate::db::Key;
use crate::error::{Error, Result};

/// Shortest and longest passphrase accepted (in characters).
pub const MIN_CHARS: usize = 4;
pub const MAX_CHARS: usize = 1024;
/// Argon2id's cost: 64 MiB, three passes, one lane (RFC 9106's second recommended setting with
/// one lane; about half a second here). Kept in the file, so it can be raised later.
const M_KIB: u32 = 64 * 1024;
const T: u32 = 3;
const P: u32 = 1;
const AAD: &[u8] = b"haemong diary key v1";

/// The wrapped key as kept beside the diary (`diary.sqlite3.keywrap`, JSON).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Wrapped {
    pub version: u32,
    pub kdf: String,
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    pub salt: String,
    pub nonce: String,
    /// The diary's key and its Poly1305 tag, sealed.
    pub sealed: String,
}

/// Where the wrapped key of the diary at `diary` lives; present exactly when a passphrase is set.
pub fn file_for(diary: &Path) -> PathBuf {
    let mut name = diary.file_name().unwrap_or_default().to_os_string();
    name.push(".keywrap");
    diary.with_file_name(name)
}

pub fn is_set(diary: &Path) -> bool {
    file_for(diary).exists()
}

pub fn check(passphrase: &str) -> Result<()> {
    let n = passphrase.chars().count();
    if (MIN_CHARS..=MAX_CHARS).contains(&n) && !passphrase.trim().is_empty() {
        Ok(())
    } else {
        Err(Error::WeakPassphrase {
            min: MIN_CHARS,
            max: MAX_CHARS,
        })
    }
}

fn kek(passphrase: &str, salt: &[u8], m_kib: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(m_kib, t, p, Some(32))
        .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, &mut out[..])
        .map_err(|e| Error::Internal(format!("argon2: {e}")))?;
    Ok(out)
}

fn sealing_key(kek: &[u8; 32]) -> Result<ring::aead::LessSafeKey> {
    let unbound = ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, kek)
        .map_err(|_| Error::Internal("the sealing key was refused".into()))?;
    Ok(ring::aead::LessSafeKey::new(unbound))
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::Internal(format!("no randomness: {e}")))?;
    Ok(b)
}

/// `key` sealed under `passphrase` (a fresh salt and nonce each time).
pub fn wrap(key: &Key, passphrase: &str) -> Result<Wrapped> {
    check(passphrase)?;
    let salt: [u8; 16] = random()?;
    let nonce: [u8; 12] = random()?;
    let kek = kek(passphrase, &salt, M_KIB, T, P)?;
    let mut sealed = Zeroizing::new(key.bytes().to_vec());
    sealing_key(&kek)?
        .seal_in_place_append_tag(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::from(AAD),
            &mut *sealed,
        )
        .map_err(|_| Error::Internal("the key could not be sealed".into()))?;
    Ok(Wrapped {
        version: 1,
        kdf: "argon2id".into(),
        m_kib: M_KIB,
        t: T,
        p: P,
        salt: hex(&salt),
        nonce: hex(&nonce),
        sealed: hex(&sealed),
    })
}

/// The diary's key, if `passphrase` is the one it was wrapped with (`WrongPassphrase` if not).
pub fn unwrap(w: &Wrapped, passphrase: &str) -> Result<Key> {
    let bad = || Error::Internal("the wrapped key file is damaged".into());
    if w.version != 1 || w.kdf != "argon2id" || w.m_kib > 4 * 1024 * 1024 || w.t > 64 {
        return Err(bad());
    }
    let salt = unhex(&w.salt).ok_or_else(bad)?;
    let nonce: [u8; 12] = unhex(&w.nonce)
        .and_then(|n| n.try_into().ok())
        .ok_or_else(bad)?;
    let mut sealed = Zeroizing::new(unhex(&w.sealed).ok_or_else(bad)?);
    let kek = kek(passphrase, &salt, w.m_kib, w.t, w.p)?;
    let plain = sealing_key(&kek)?
        .open_in_place(
            ring::aead::Nonce::assume_unique_for_key(nonce),
            ring::aead::Aad::from(AAD),
            &mut sealed,
        )
        .map_err(|_| Error::WrongPassphrase)?;
    let bytes: [u8; KEY_BYTES] = plain.try_into().map_err(|_| bad())?;
    Ok(Key::from_bytes(bytes))
}

pub fn load(diary: &Path) -> Result<Option<Wrapped>> {
    match std::fs::read(file_for(diary)) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| Error::Internal("the wrapped key file is damaged".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn save(diary: &Path, w: &Wrapped) -> Result<()> {
    let json = serde_json::to_vec_pretty(w).map_err(|e| Error::Internal(e.to_string()))?;
    crate::fsutil::write_atomic(&file_for(diary), &json)?;
    Ok(())
}

/// Moves a wrapped key that opens nothing out of the way (`….keywrap.unused`): a passphrase was
/// being set on a plain diary when the process died, before the diary was encrypted with it.
/// Kept rather than deleted, since a key is never thrown away on a guess.
pub fn set_aside(diary: &Path) -> Result<()> {
    let from = file_for(diary);
    let mut to = from.clone().into_os_string();
    to.push(".unused");
    std::fs::rename(&from, to)?;
    Ok(())
}

pub fn remove(diary: &Path) -> Result<()> {
    match std::fs::remove_file(file_for(diary)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_opens_with_its_passphrase_only() {
        let key = Key::random().unwrap();
        let w = wrap(&key, "꿈은 반대래요 1234").unwrap();
        assert_eq!(
            (w.kdf.as_str(), w.m_kib, w.t, w.p),
            ("argon2id", 65536, 3, 1),
            "the parameters are kept in the file"
        );
        assert_eq!(unwrap(&w, "꿈은 반대래요 1234").unwrap(), key);
        assert_eq!(
            unwrap(&w, "꿈은 반대래요 1235").unwrap_err().kind(),
            crate::error::ErrorKind::WrongPassphrase
        );
        let again = wrap(&key, "꿈은 반대래요 1234").unwrap();
        assert_ne!(again.salt, w.salt, "a fresh salt each time");
        assert_ne!(again.sealed, w.sealed, "so the sealed key differs");
        let json = serde_json::to_string(&w).unwrap();
        assert!(
            !json.contains(key.to_hex().as_str()),
            "the key is not in the file"
        );
        let mut tampered = w.clone();
        tampered.sealed.replace_range(0..2, "00");
        assert!(
            unwrap(&tampered, "꿈은 반대래요 1234").is_err(),
            "tampering is caught"
        );
    }

    #[test]
    fn a_passphrase_must_have_a_few_characters() {
        for bad in ["", "abc", "    ", &"x".repeat(MAX_CHARS + 1)] {
            assert_eq!(
                check(bad).unwrap_err().kind(),
                crate::error::ErrorKind::WeakPassphrase,
                "{bad:?}"
            );
        }
        assert!(
            check("꿈꿈꿈꿈").is_ok(),
            "four Korean syllables are enough"
        );
    }
}
