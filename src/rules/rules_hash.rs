// Shared by `build/embedded_rules.rs` (which writes the hash of `rules/*.toml` into
// `OUT_DIR/embedded_rules.rs`) and `src/rules/snapshot.rs` (which stores the hash of the files
// a snapshot was made from): a snapshot is used only when the two agree.

/// FNV-1a (64 bits) of every `(file name, text)`, in the order given (sorted by name), each
/// followed by a zero byte.
#[allow(dead_code)]
fn rules_hash<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in files {
        for &b in name.as_bytes().iter().chain([0u8].iter()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        for &b in text.as_bytes().iter().chain([0u8].iter()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
