//! The ASCII forward NFAs of the embedded patterns, compiled at build time (issue 19, cold
//! start). A sentence's first use of a pattern used to parse it and compile its NFA (the
//! `(?i)` case folding and the bounded gaps such as `[^.;]{0,40}` make that 200k–1.2M
//! instructions each, half of a one-sentence run). Here every ASCII entry of
//! `prefix_table::TABLE` is parsed and compiled exactly as `LazyRegex::build_forward` does for
//! ASCII text (Unicode and the syntax's UTF-8 check off; the compiler's own UTF-8 mode stays on,
//! as at run time and in the flags below; no capture states; the same size limit), and its NFA's
//! states are written out; the program rebuilds the NFA from them with regex-automata's
//! `thompson::Builder`, which yields the same NFA state for state (a unit test compares them
//! for every entry) at about a quarter of the cost and with nothing parsed.
//!
//! The few patterns that are not ASCII (a curly quote) have no NFA for ASCII text: their
//! Unicode NFAs are compiled the same way (Unicode and UTF-8 on), into a second file.
//!
//! Layout of `OUT_DIR/forward_nfas.bin` and `forward_nfas_unicode.bin` (read by
//! `src/rules/forward_nfas.rs`): `u32` little-endian number of entries `n`, then `n + 1` `u32` offsets (from the end of this header) of
//! each entry's bytes; an empty entry means "not precompiled" (a pattern of the other file, or
//! one the compiler refuses). An entry is LEB128 unsigned integers: flags (bit 0: every match
//! begins with a word boundary; bit 1: the NFA's UTF-8 mode; bit 2: no match is empty), the
//! number of states, the anchored start, the unanchored start, the pattern's start, then each
//! state: a tag and its fields —
//! 0 byte range (start, end, next); 1 sparse (count, then start, end, next each); 2 look
//! (look bits, next); 3 union (count, then each alternate); 4 binary union (alt1, alt2);
//! 5 fail; 6 match.
use regex_automata::PatternID;
use regex_automata::nfa::thompson::{self, State};
use regex_automata::util::syntax;

/// `src/rules/validate/mod.rs`'s `REGEX_SIZE_LIMIT` (a unit test checks they agree).
const REGEX_SIZE_LIMIT: usize = 2 * 1024 * 1024;

fn leb(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// One pattern's entry, or an empty one when it is not precompiled. Without `unicode`, the
/// NFA for ASCII text of an ASCII pattern; with it, the Unicode NFA of a pattern that is not
/// ASCII (it has none for ASCII text, and a few of the defaults hold a curly quote).
fn entry(pattern: &str, unicode: bool) -> Vec<u8> {
    if pattern.is_ascii() == unicode {
        return Vec::new();
    }
    let config = syntax::Config::new().unicode(unicode).utf8(unicode);
    let Ok(hir) = syntax::parse_with(pattern, &config) else {
        return Vec::new();
    };
    let prefix = hir.properties().look_set_prefix();
    let word_start = prefix.contains(regex_syntax::hir::Look::WordUnicode)
        || prefix.contains(regex_syntax::hir::Look::WordAscii);
    let mut compiler = thompson::Compiler::new();
    compiler.syntax(config).configure(
        thompson::Config::new()
            .which_captures(thompson::WhichCaptures::None)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT)),
    );
    let Ok(nfa) = compiler.build_from_hir(&hir) else {
        return Vec::new();
    };
    let Some(start) = nfa.start_pattern(PatternID::ZERO) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let nonempty = hir.properties().minimum_len().is_some_and(|n| n > 0);
    leb(
        &mut out,
        usize::from(word_start) | (usize::from(nfa.is_utf8()) << 1) | (usize::from(nonempty) << 2),
    );
    leb(&mut out, nfa.states().len());
    for id in [nfa.start_anchored(), nfa.start_unanchored(), start] {
        leb(&mut out, id.as_usize());
    }
    let trans = |out: &mut Vec<u8>, t: &thompson::Transition| {
        leb(out, usize::from(t.start));
        leb(out, usize::from(t.end));
        leb(out, t.next.as_usize());
    };
    for state in nfa.states() {
        match state {
            State::ByteRange { trans: t } => {
                out.push(0);
                trans(&mut out, t);
            }
            State::Sparse(sparse) => {
                out.push(1);
                leb(&mut out, sparse.transitions.len());
                for t in sparse.transitions.iter() {
                    trans(&mut out, t);
                }
            }
            State::Look { look, next } => {
                out.push(2);
                leb(&mut out, look.as_repr() as usize);
                leb(&mut out, next.as_usize());
            }
            State::Union { alternates } => {
                out.push(3);
                leb(&mut out, alternates.len());
                for a in alternates.iter() {
                    leb(&mut out, a.as_usize());
                }
            }
            State::BinaryUnion { alt1, alt2 } => {
                out.push(4);
                leb(&mut out, alt1.as_usize());
                leb(&mut out, alt2.as_usize());
            }
            State::Fail => out.push(5),
            State::Match { .. } => out.push(6),
            // Capture states (none without captures) and dense states (never built by the
            // compiler): not precompiled, the program compiles such a pattern itself.
            _ => return Vec::new(),
        }
    }
    out
}

/// The blob for these effective patterns (in `prefix_table::TABLE` order): their NFAs for
/// ASCII text, or with `unicode` the Unicode NFAs of those that are not ASCII.
pub(crate) fn blob(patterns: &[&str], unicode: bool) -> Vec<u8> {
    let entries: Vec<Vec<u8>> = patterns.iter().map(|p| entry(p, unicode)).collect();
    let mut out = Vec::new();
    out.extend(
        u32::try_from(entries.len())
            .expect("fits u32")
            .to_le_bytes(),
    );
    let mut at = 0usize;
    for e in &entries {
        out.extend(u32::try_from(at).expect("fits u32").to_le_bytes());
        at += e.len();
    }
    out.extend(u32::try_from(at).expect("fits u32").to_le_bytes());
    for e in entries {
        out.extend(e);
    }
    out
}
