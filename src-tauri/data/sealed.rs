//! Exports sealed with a passphrase in the age format (scrypt recipient), and their opening on
//! import: an export the user can keep in a cloud folder or on a stick without handing over the
//! dreams in it, readable by any age tool (`age -d`, `rage`) as well as by Haemong.

use std::io::{BufReader, Read, Write};
use std::path::Path;

use age::secrecy::SecretString;

use super::MAX_IMPORT_BYTES;
use crate::error::{Error, ImportProblem, Result};

/// The first line of every age file.
const MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// The file name ending a sealed export gets (`haemong-2026-11-30.json.age`).
pub const EXTENSION: &str = "age";

/// Whether a file starting with `head` is an age file.
pub fn is_sealed(head: &[u8]) -> bool {
    head.starts_with(MAGIC)
}

/// Whether the file at `path` is an age file (a folder or an unreadable file is not).
pub fn is_sealed_file(path: &Path) -> bool {
    let mut head = [0u8; MAGIC.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && is_sealed(&head)
}

/// Runs `fill` with a writer whose bytes reach `out` only encrypted with `passphrase` (the same
/// length rules as the diary's passphrase). age's scrypt cost is tuned to about a second here.
pub fn seal<T>(
    out: &mut dyn Write,
    passphrase: &str,
    fill: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    crate::vault::passphrase::check(passphrase)?;
    let sealer = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_owned()));
    // The JSON writer makes many small writes; age seals in 64 KiB chunks.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, sealer.wrap_output(out)?);
    let value = fill(&mut w)?;
    w.into_inner().map_err(|e| e.into_error())?.finish()?;
    Ok(value)
}

/// The plain bytes of the age file at `path`, opened with `passphrase`; refused like any other
/// import when it is too large, not for a passphrase, cut short or altered.
pub fn open(path: &Path, passphrase: &str) -> Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX_IMPORT_BYTES {
        return Err(Error::ImportRefused(ImportProblem::TooLarge));
    }
    let refused = |p| Error::ImportRefused(p);
    let opener = age::Decryptor::new_buffered(BufReader::new(file))
        .map_err(|_| refused(ImportProblem::Damaged))?;
    if !opener.is_scrypt() {
        return Err(refused(ImportProblem::SealedForKey));
    }
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
    let reader = opener
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed
            | age::DecryptError::KeyDecryptionFailed
            | age::DecryptError::NoMatchingKeys => Error::WrongFilePassphrase,
            age::DecryptError::ExcessiveWork { .. } => refused(ImportProblem::TooCostly),
            _ => refused(ImportProblem::Damaged),
        })?;
    let mut bytes = Vec::new();
    reader
        .take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| refused(ImportProblem::Damaged))?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(refused(ImportProblem::TooLarge));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(text: &[u8], passphrase: &str) -> Vec<u8> {
        let mut out = Vec::new();
        seal(&mut out, passphrase, |w| Ok(w.write_all(text)?)).unwrap();
        out
    }

    #[test]
    fn a_sealed_file_opens_with_its_passphrase_only_and_shows_nothing_plain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json.age");
        let text = "{\"dream\": \"돼지꿈 under the moon 🌙\"}".as_bytes();
        let bytes = sealed(text, "바다 열쇠 12");
        assert!(is_sealed(&bytes), "an age file");
        assert!(
            !bytes.windows(5).any(|w| w == b"dream"),
            "nothing of the text in the file"
        );
        std::fs::write(&path, &bytes).unwrap();
        assert!(is_sealed_file(&path));
        assert_eq!(open(&path, "바다 열쇠 12").unwrap(), text);
        assert_eq!(
            open(&path, "바다 열쇠 13").unwrap_err().kind(),
            crate::error::ErrorKind::WrongFilePassphrase
        );
    }

    #[test]
    fn a_cut_or_altered_sealed_file_is_refused_as_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("export.json.age");
        let bytes = sealed(&vec![b'x'; 200_000], "sea key 12");
        for broken in [
            bytes[..bytes.len() - 100].to_vec(),
            {
                let mut b = bytes.clone();
                let n = b.len() - 50;
                b[n] ^= 1;
                b
            },
            bytes[..40].to_vec(),
        ] {
            std::fs::write(&path, &broken).unwrap();
            let err = open(&path, "sea key 12").unwrap_err();
            assert!(
                matches!(err, Error::ImportRefused(ImportProblem::Damaged)),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_passphrase_too_short_to_seal_with_is_refused() {
        let mut out = Vec::new();
        let err = seal(&mut out, "ab", |w| Ok(w.write_all(b"x")?)).unwrap_err();
        assert_eq!(err.kind(), crate::error::ErrorKind::WeakPassphrase);
        assert!(out.is_empty(), "nothing written");
    }
}
