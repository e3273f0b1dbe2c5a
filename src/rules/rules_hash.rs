// Used by `build/embedded_rules.rs`, which writes the hash of `rules/*.toml` and of the code
// that validates them into `OUT_DIR/embedded_rules.rs`: `src/rules/snapshot.rs` stores it in a
// snapshot it writes, and reads a snapshot only when the two agree.

/// FNV-1a (64 bits) of every `(file name, text)`, in the order given, each followed by a zero
/// byte.
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
