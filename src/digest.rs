//! SHA-256 fingerprints, written in hexadecimal: of the input files and of the
//! `indicateurs.csv` of a run (in its manifest), and of the catalogue (its version).

use sha2::{Digest, Sha256};

/// The fingerprint of pieces taken in order, each followed by a zero byte so that
/// (« ab », « c ») and (« a », « bc ») differ.
pub fn sha256_of<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hash = Sha256::new();
    for piece in pieces {
        hash.update(piece);
        hash.update([0]);
    }
    hex(&hash.finalize())
}

/// The fingerprint of one file's bytes, as `sha256sum` prints it.
pub fn sha256(bytes: &[u8]) -> String {
    sha256_joined([bytes])
}

/// [`sha256`] of bytes held in pieces, taken end to end.
pub fn sha256_joined<'a>(pieces: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut hash = Sha256::new();
    for piece in pieces {
        hash.update(piece);
    }
    hex(&hash.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_sha256sum_prints_it() {
        // `printf abc | sha256sum`
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_joined([b"ab".as_slice(), b"c"]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_ne!(
            sha256_of([b"ab".as_slice(), b"c"]),
            sha256_of([b"a".as_slice(), b"bc"])
        );
    }
}
