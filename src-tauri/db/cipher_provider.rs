//! SQLCipher's OpenSSL provider, with its per-page set-up done once per connection. For every
//! 4 KiB page it reads or writes, the stock provider fetches HMAC and SHA-512 from OpenSSL's
//! algorithm store, makes a new MAC context and derives its inner and outer keys, then makes a new
//! cipher context and expands the AES key again: on a backup of the 100,000-entry diary (each page
//! decrypted once and encrypted once, then read again by the check) that set-up cost about as much
//! as the hashing itself. This provider keeps one keyed MAC context and one keyed cipher context
//! per direction for each connection and, per page, only sets the IV and hashes. The algorithms,
//! keys and bytes on disk are SQLCipher's own (AES-256-CBC, HMAC-SHA512): files written with it
//! and without it are the same format, which the tests below check against the stock functions.
//!
//! How it is put in place: SQLCipher copies its registered provider into each connection's codec
//! when the connection is keyed, and forgets a registered provider when its last keyed connection
//! closes (the next one gets the stock provider again). So `install` keys one in-memory connection
//! that lives as long as the process, then registers a copy of the stock provider with `hmac`,
//! `cipher`, `ctx_init` and `ctx_free` replaced. The struct's layout is SQLCipher 4's
//! `sqlcipher_provider`; `install` checks the provider it replaces (name, cipher, sizes) and leaves
//! the stock one in place when anything differs. `HAEMONG_SQLCIPHER_PROVIDER=stock` leaves it in
//! place too (for comparing the two); either way a warning says why it was not installed.
//!
//! Key material: SQLCipher keeps a connection's keys for the connection's life in memory it locks
//! and wipes (`sqlcipher_malloc`). This provider's copies of them, which tell it when a key
//! changed, live in the same kind of memory and are compared in constant time (SQLCipher's own
//! functions); the kept OpenSSL contexts hold the expanded AES key and HMAC pads for the same
//! life, in ordinary memory that OpenSSL cleanses when they are freed.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use openssl_sys::{EVP_CIPHER, EVP_CIPHER_CTX, EVP_MAC, EVP_MAC_CTX, OSSL_PARAM};

const SQLITE_OK: c_int = 0;
const SQLITE_ERROR: c_int = 1;
/// SQLCipher's `SQLCIPHER_HMAC_SHA512`, the algorithm of its version-4 format.
const HMAC_SHA512: c_int = 2;
const SHA512_BYTES: usize = 64;
/// The name `PRAGMA cipher_provider` answers with while this provider is in use.
pub const NAME: &CStr = c"openssl (keyed contexts kept per connection)";

type CtxFn = unsafe extern "C" fn(*mut c_void) -> c_int;
type NameFn = unsafe extern "C" fn(*mut c_void) -> *const c_char;
type RandomFn = unsafe extern "C" fn(*mut c_void, *mut c_void, c_int) -> c_int;
type HmacFn = unsafe extern "C" fn(
    *mut c_void,
    c_int,
    *mut u8,
    c_int,
    *mut u8,
    c_int,
    *mut u8,
    c_int,
    *mut u8,
) -> c_int;
type KdfFn = unsafe extern "C" fn(
    *mut c_void,
    c_int,
    *const u8,
    c_int,
    *mut u8,
    c_int,
    c_int,
    c_int,
    *mut u8,
) -> c_int;
type CipherFn = unsafe extern "C" fn(
    *mut c_void,
    c_int,
    *mut u8,
    c_int,
    *mut u8,
    *mut u8,
    c_int,
    *mut u8,
) -> c_int;
type HmacSzFn = unsafe extern "C" fn(*mut c_void, c_int) -> c_int;
type InitFn = unsafe extern "C" fn(*mut *mut c_void) -> c_int;

/// SQLCipher 4's `sqlcipher_provider` (sqlcipher.h), field for field.
#[repr(C)]
#[derive(Clone, Copy)]
struct Provider {
    activate: Option<CtxFn>,
    deactivate: Option<CtxFn>,
    get_provider_name: Option<NameFn>,
    add_random: Option<RandomFn>,
    random: Option<RandomFn>,
    hmac: Option<HmacFn>,
    kdf: Option<KdfFn>,
    cipher: Option<CipherFn>,
    get_cipher: Option<NameFn>,
    get_key_sz: Option<CtxFn>,
    get_iv_sz: Option<CtxFn>,
    get_block_sz: Option<CtxFn>,
    get_hmac_sz: Option<HmacSzFn>,
    ctx_init: Option<InitFn>,
    ctx_free: Option<InitFn>,
    fips_status: Option<CtxFn>,
    get_provider_version: Option<NameFn>,
}

extern "C" {
    fn sqlcipher_get_provider() -> *mut Provider;
    fn sqlcipher_register_provider(p: *mut Provider) -> c_int;
    fn sqlcipher_malloc(size: u64) -> *mut c_void;
    fn sqlcipher_free(p: *mut c_void, size: u64);
    fn sqlcipher_memcmp(a: *const c_void, b: *const c_void, len: c_int) -> c_int;
    // Not bound by openssl-sys; part of OpenSSL 3's API.
    fn OSSL_PARAM_construct_utf8_string(
        key: *const c_char,
        buf: *mut c_char,
        bsize: usize,
    ) -> OSSL_PARAM;
}

/// The algorithms, fetched from OpenSSL's store once.
struct Algorithms {
    mac: *mut EVP_MAC,
    aes: *mut EVP_CIPHER,
}
// Fetched algorithms are immutable, reference-counted OpenSSL objects, safe to share.
unsafe impl Send for Algorithms {}
unsafe impl Sync for Algorithms {}

static INSTALLED: OnceLock<Option<Algorithms>> = OnceLock::new();
/// The stock provider's functions: what this one falls back to (and what tests compare with).
/// Set before this provider is registered, so any call into it finds them.
static STOCK: OnceLock<Provider> = OnceLock::new();

/// Puts this provider in place for every connection keyed from now on (once per process; later
/// calls do nothing). Returns whether it is in place.
pub fn install() -> bool {
    INSTALLED
        .get_or_init(|| match try_install() {
            Ok(a) => Some(a),
            Err(why) => {
                log::warn!("SQLCipher keeps its stock crypto provider: {why}");
                None
            }
        })
        .is_some()
}

/// Times the fast path gave a page to the stock functions after this provider was installed (an
/// OpenSSL call that failed, a context busy on another thread): none is expected, and tests check.
pub fn fallbacks() -> u64 {
    FALLBACKS.load(Ordering::Relaxed)
}

static FALLBACKS: AtomicU64 = AtomicU64::new(0);

fn try_install() -> Result<Algorithms, &'static str> {
    if std::env::var("HAEMONG_SQLCIPHER_PROVIDER").as_deref() == Ok("stock") {
        return Err("HAEMONG_SQLCIPHER_PROVIDER=stock");
    }
    // Keying a connection activates SQLCipher and registers its stock provider; this one stays
    // open so that the provider registered below is never forgotten.
    let keeper = rusqlite::Connection::open_in_memory().map_err(|_| "no in-memory connection")?;
    keeper
        .execute_batch(&format!("PRAGMA key = \"x'{}'\";", "00".repeat(32)))
        .map_err(|_| "the keeper connection could not be keyed")?;
    // Answered only by a connection with a codec: the keeper does hold SQLCipher active. The
    // struct below is SQLCipher 4's.
    let answer = |pragma: &str| {
        keeper
            .query_row(pragma, [], |r| r.get::<_, String>(0))
            .unwrap_or_default()
    };
    if !answer("PRAGMA cipher_version").starts_with("4.") {
        return Err("not SQLCipher 4");
    }
    if answer("PRAGMA cipher_provider") != "openssl" {
        return Err("SQLCipher's provider is not its OpenSSL one");
    }
    // SAFETY: SQLCipher is active (the keeper is keyed), so its registered provider is allocated
    // and stays so until `sqlcipher_register_provider` below replaces it; it is only read here.
    let current = unsafe { sqlcipher_get_provider() };
    if current.is_null() {
        return Err("no provider registered");
    }
    let provider = unsafe { *current };
    if !is_stock_openssl(&provider) {
        return Err("the registered provider is not the stock OpenSSL one");
    }
    let mac = unsafe {
        openssl_sys::EVP_MAC_fetch(std::ptr::null_mut(), c"HMAC".as_ptr(), std::ptr::null())
    };
    let aes = unsafe {
        openssl_sys::EVP_CIPHER_fetch(
            std::ptr::null_mut(),
            c"AES-256-CBC".as_ptr(),
            std::ptr::null(),
        )
    };
    if mac.is_null() || aes.is_null() {
        return Err("OpenSSL has no HMAC or AES-256-CBC");
    }
    let ours = Provider {
        get_provider_name: Some(name),
        hmac: Some(hmac),
        cipher: Some(cipher),
        ctx_init: Some(ctx_init),
        ctx_free: Some(ctx_free),
        ..provider
    };
    // SQLCipher frees a registered provider with `sqlite3_free` when another replaces it.
    let p = unsafe { rusqlite::ffi::sqlite3_malloc64(std::mem::size_of::<Provider>() as u64) }
        as *mut Provider;
    if p.is_null() {
        return Err("out of memory");
    }
    STOCK.get_or_init(|| provider);
    unsafe {
        p.write(ours);
        // Under SQLCipher's provider mutex, which also guards the copy made for each connection.
        if sqlcipher_register_provider(p) != SQLITE_OK {
            return Err("SQLCipher refused the provider");
        }
    }
    Box::leak(Box::new(keeper));
    Ok(Algorithms { mac, aes })
}

/// The provider this one replaces is SQLCipher's OpenSSL one for its version-4 format.
fn is_stock_openssl(p: &Provider) -> bool {
    let text = |f: Option<NameFn>| {
        f.map(|f| unsafe { f(std::ptr::null_mut()) })
            .filter(|s| !s.is_null())
            .map(|s| unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned())
    };
    let size = |f: Option<CtxFn>| f.map(|f| unsafe { f(std::ptr::null_mut()) });
    text(p.get_provider_name).as_deref() == Some("openssl")
        && text(p.get_cipher).as_deref() == Some("AES-256-CBC")
        && size(p.get_key_sz) == Some(32)
        && size(p.get_iv_sz) == Some(16)
        && p.get_hmac_sz
            .map(|f| unsafe { f(std::ptr::null_mut(), HMAC_SHA512) })
            == Some(64)
        && [
            p.hmac.is_some(),
            p.cipher.is_some(),
            p.ctx_init.is_some(),
            p.ctx_free.is_some(),
        ]
        .iter()
        .all(|&b| b)
}

/// One connection's keyed contexts. SQLCipher calls a connection's codec from one thread at a
/// time; the mutex is only there so that a second caller (never expected) takes the stock path.
#[derive(Default)]
struct Contexts {
    mac: Option<Keyed<EVP_MAC_CTX>>,
    encrypt: Option<Keyed<EVP_CIPHER_CTX>>,
    decrypt: Option<Keyed<EVP_CIPHER_CTX>>,
}

struct Keyed<T: Free> {
    key: Secret,
    ctx: *mut T,
}

/// A copy of a key in memory SQLCipher locks and wipes on free, as it keeps its own.
struct Secret(*mut c_void, usize);

impl Secret {
    fn copy(key: &[u8]) -> Option<Secret> {
        let p = unsafe { sqlcipher_malloc(key.len() as u64) };
        if p.is_null() {
            return None;
        }
        unsafe { std::ptr::copy_nonoverlapping(key.as_ptr(), p as *mut u8, key.len()) };
        Some(Secret(p, key.len()))
    }

    /// In constant time, like SQLCipher's own comparisons.
    fn is(&self, key: &[u8]) -> bool {
        self.1 == key.len()
            && unsafe {
                sqlcipher_memcmp(self.0, key.as_ptr() as *const c_void, key.len() as c_int)
            } == 0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        unsafe { sqlcipher_free(self.0, self.1 as u64) }
    }
}

/// OpenSSL's free for each kind of context (which also cleanses the key material in it).
trait Free {
    unsafe fn free(p: *mut Self);
}

impl Free for EVP_MAC_CTX {
    unsafe fn free(p: *mut Self) {
        openssl_sys::EVP_MAC_CTX_free(p)
    }
}

impl Free for EVP_CIPHER_CTX {
    unsafe fn free(p: *mut Self) {
        openssl_sys::EVP_CIPHER_CTX_free(p)
    }
}

impl<T: Free> Drop for Keyed<T> {
    fn drop(&mut self) {
        unsafe { T::free(self.ctx) }
    }
}

struct Ctx(Mutex<Contexts>);

fn stock_fns() -> Option<&'static Provider> {
    STOCK.get()
}

/// The page goes to the stock function after all; the fast path's OpenSSL errors are dropped so
/// that they are not reported with anything later.
fn fell_back() {
    FALLBACKS.fetch_add(1, Ordering::Relaxed);
    unsafe { openssl_sys::ERR_clear_error() };
}

/// `None` while `install` is still running (then the stock path serves).
fn algorithms() -> Option<(*mut EVP_MAC, *mut EVP_CIPHER)> {
    INSTALLED.get()?.as_ref().map(|a| (a.mac, a.aes))
}

unsafe extern "C" fn name(_ctx: *mut c_void) -> *const c_char {
    NAME.as_ptr()
}

unsafe extern "C" fn ctx_init(ctx: *mut *mut c_void) -> c_int {
    // The stock provider counts its users here; keep the count right.
    let rc = stock_fns()
        .and_then(|p| p.ctx_init)
        .map_or(SQLITE_OK, |f| f(ctx));
    if rc == SQLITE_OK {
        *ctx = Box::into_raw(Box::new(Ctx(Mutex::new(Contexts::default())))) as *mut c_void;
    }
    rc
}

unsafe extern "C" fn ctx_free(ctx: *mut *mut c_void) -> c_int {
    if !(*ctx).is_null() {
        drop(Box::from_raw(*ctx as *mut Ctx));
        *ctx = std::ptr::null_mut();
    }
    stock_fns()
        .and_then(|p| p.ctx_free)
        .map_or(SQLITE_OK, |f| f(ctx))
}

unsafe fn contexts<'a>(ctx: *mut c_void) -> Option<std::sync::MutexGuard<'a, Contexts>> {
    if ctx.is_null() {
        return None;
    }
    (*(ctx as *const Ctx)).0.try_lock().ok()
}

unsafe extern "C" fn hmac(
    ctx: *mut c_void,
    algorithm: c_int,
    key: *mut u8,
    key_sz: c_int,
    input: *mut u8,
    in_sz: c_int,
    in2: *mut u8,
    in2_sz: c_int,
    out: *mut u8,
) -> c_int {
    let stock = || match stock_fns().and_then(|p| p.hmac) {
        Some(f) => f(ctx, algorithm, key, key_sz, input, in_sz, in2, in2_sz, out),
        None => SQLITE_ERROR,
    };
    let Some((mac, _)) = algorithms() else {
        return stock();
    };
    if algorithm != HMAC_SHA512 || input.is_null() || key.is_null() || key_sz <= 0 || in_sz < 0 {
        return stock();
    }
    let key = std::slice::from_raw_parts(key, key_sz as usize);
    let message = [
        std::slice::from_raw_parts(input, in_sz as usize),
        match in2.is_null() {
            true => &[],
            false => std::slice::from_raw_parts(in2, in2_sz.max(0) as usize),
        },
    ];
    if mac_page(ctx, mac, key, message, out).is_some() {
        return SQLITE_OK;
    }
    fell_back();
    stock()
}

/// HMAC-SHA512 of `message` (the page and its number) into `out`, with the connection's kept
/// context; `None` leaves `out` to the stock function.
unsafe fn mac_page(
    ctx: *mut c_void,
    mac: *mut EVP_MAC,
    key: &[u8],
    message: [&[u8]; 2],
    out: *mut u8,
) -> Option<()> {
    let mut c = contexts(ctx)?;
    if c.mac.as_ref().is_some_and(|m| !m.key.is(key)) {
        c.mac = None;
    }
    let fresh = c.mac.is_none();
    if fresh {
        let key = Secret::copy(key)?;
        let m = openssl_sys::EVP_MAC_CTX_new(mac);
        if m.is_null() {
            return None;
        }
        c.mac = Some(Keyed { key, ctx: m });
    }
    let m = c.mac.as_ref()?.ctx;
    let mut digest = *b"sha512\0";
    let params = [
        OSSL_PARAM_construct_utf8_string(c"digest".as_ptr(), digest.as_mut_ptr() as *mut c_char, 0),
        openssl_sys::OSSL_PARAM_construct_end(),
    ];
    // A new context is keyed (its inner and outer pads derived); a kept one starts again from
    // those pads.
    let init = match fresh {
        true => openssl_sys::EVP_MAC_init(m, key.as_ptr(), key.len(), params.as_ptr()),
        false => openssl_sys::EVP_MAC_init(m, std::ptr::null(), 0, std::ptr::null()),
    };
    let mut len = 0usize;
    let ok = init == 1
        && message
            .iter()
            .all(|part| openssl_sys::EVP_MAC_update(m, part.as_ptr(), part.len()) == 1)
        && openssl_sys::EVP_MAC_final(m, out, &mut len, SHA512_BYTES) == 1
        && len == SHA512_BYTES;
    if !ok {
        c.mac = None;
        return None;
    }
    Some(())
}

unsafe extern "C" fn cipher(
    ctx: *mut c_void,
    mode: c_int,
    key: *mut u8,
    key_sz: c_int,
    iv: *mut u8,
    input: *mut u8,
    in_sz: c_int,
    out: *mut u8,
) -> c_int {
    let stock = || match stock_fns().and_then(|p| p.cipher) {
        Some(f) => f(ctx, mode, key, key_sz, iv, input, in_sz, out),
        None => SQLITE_ERROR,
    };
    let Some((_, aes)) = algorithms() else {
        return stock();
    };
    let usual = (mode == 0 || mode == 1)
        && !key.is_null()
        && key_sz == 32
        && !iv.is_null()
        && in_sz > 0
        && in_sz % 16 == 0;
    if !usual {
        return stock();
    }
    let key = std::slice::from_raw_parts(key, key_sz as usize);
    if cipher_page(ctx, aes, mode, key, iv, input, in_sz, out).is_some() {
        return SQLITE_OK;
    }
    fell_back();
    stock()
}

/// AES-256-CBC of one page (`mode` 1 encrypts, 0 decrypts) with the connection's kept context
/// for that direction; `None` leaves `out` to the stock function.
#[allow(clippy::too_many_arguments)]
unsafe fn cipher_page(
    ctx: *mut c_void,
    aes: *mut EVP_CIPHER,
    mode: c_int,
    key: &[u8],
    iv: *const u8,
    input: *const u8,
    in_sz: c_int,
    out: *mut u8,
) -> Option<()> {
    let mut c = contexts(ctx)?;
    let slot = match mode {
        1 => &mut c.encrypt,
        _ => &mut c.decrypt,
    };
    if slot.as_ref().is_some_and(|k| !k.key.is(key)) {
        *slot = None;
    }
    let null = std::ptr::null_mut();
    let ready = match slot.as_ref() {
        // The key schedule stays; only the page's IV is new.
        Some(k) => {
            openssl_sys::EVP_CipherInit_ex(
                k.ctx,
                std::ptr::null(),
                null,
                std::ptr::null(),
                iv,
                mode,
            ) == 1
        }
        None => {
            let copy = Secret::copy(key)?;
            let e = openssl_sys::EVP_CIPHER_CTX_new();
            if e.is_null() {
                return None;
            }
            *slot = Some(Keyed { key: copy, ctx: e });
            openssl_sys::EVP_CipherInit_ex(e, aes, null, std::ptr::null(), std::ptr::null(), mode)
                == 1
                && openssl_sys::EVP_CIPHER_CTX_set_padding(e, 0) == 1
                && openssl_sys::EVP_CipherInit_ex(e, std::ptr::null(), null, key.as_ptr(), iv, mode)
                    == 1
        }
    };
    let e = slot.as_ref()?.ctx;
    let (mut n, mut last) = (0, 0);
    let ok = ready
        && openssl_sys::EVP_CipherUpdate(e, out, &mut n, input, in_sz) == 1
        && openssl_sys::EVP_CipherFinal(e, out.add(n as usize), &mut last) == 1
        && n + last == in_sz;
    if !ok {
        *slot = None;
        return None;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A connection's provider context, as SQLCipher makes one.
    struct Conn(*mut c_void);
    impl Conn {
        fn new() -> Conn {
            let mut p = std::ptr::null_mut();
            assert_eq!(unsafe { ctx_init(&mut p) }, SQLITE_OK);
            Conn(p)
        }
    }
    impl Drop for Conn {
        fn drop(&mut self) {
            unsafe { ctx_free(&mut self.0) };
        }
    }

    fn assert_no_fallbacks() {
        assert_eq!(
            fallbacks(),
            0,
            "all done by the kept contexts, none by the stock functions"
        );
    }

    fn mac_with(f: HmacFn, ctx: *mut c_void, key: &[u8], a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
        let (mut key, mut a, mut b) = (key.to_vec(), a.to_vec(), b.map(<[u8]>::to_vec));
        let mut out = vec![0u8; 64];
        let (b_ptr, b_len) = b.as_mut().map_or((std::ptr::null_mut(), 0), |b| {
            (b.as_mut_ptr(), b.len() as c_int)
        });
        let rc = unsafe {
            f(
                ctx,
                HMAC_SHA512,
                key.as_mut_ptr(),
                key.len() as c_int,
                a.as_mut_ptr(),
                a.len() as c_int,
                b_ptr,
                b_len,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK, "the MAC is computed");
        out
    }

    fn cipher_with(
        f: CipherFn,
        ctx: *mut c_void,
        mode: c_int,
        key: &[u8],
        iv: &[u8],
        data: &[u8],
    ) -> Vec<u8> {
        let (mut key, mut iv, mut data) = (key.to_vec(), iv.to_vec(), data.to_vec());
        let mut out = vec![0u8; data.len()];
        let rc = unsafe {
            f(
                ctx,
                mode,
                key.as_mut_ptr(),
                key.len() as c_int,
                iv.as_mut_ptr(),
                data.as_mut_ptr(),
                data.len() as c_int,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK, "the cipher runs");
        out
    }

    /// A real encrypted file, written, closed and read again: SQLCipher keys its connections
    /// with this provider, every page goes through the kept contexts (none to the stock
    /// functions), and a wrong key is still refused.
    #[test]
    fn a_diary_file_is_written_and_read_through_the_kept_contexts() {
        assert!(
            install(),
            "SQLCipher's stock provider is the OpenSSL one this replaces"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.sqlite3");
        let key = super::super::Key::random().unwrap();
        let open = |key: &super::super::Key| {
            let c = rusqlite::Connection::open(&path).unwrap();
            super::super::cipher::key_connection(&c, Some(key)).unwrap();
            c
        };
        let before = fallbacks();
        {
            let c = open(&key);
            c.execute_batch(
                "CREATE TABLE t (x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                 INSERT INTO t SELECT printf('꿈 %d %s', i, hex(randomblob(200))) FROM n;",
            )
            .unwrap();
        }
        let c = open(&key);
        let n: i64 = c
            .query_row("SELECT count(*) FROM t WHERE x LIKE '꿈 %'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let provider: String = c
            .query_row("PRAGMA cipher_provider", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 3000, "every row reads back");
        assert_eq!(
            provider,
            NAME.to_str().unwrap(),
            "a keyed connection uses this provider"
        );
        let pages: i64 = c.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        assert!(pages > 100, "the rows span many pages ({pages})");
        let checked: Vec<String> = c
            .prepare("PRAGMA cipher_integrity_check")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(checked.is_empty(), "every page's MAC holds: {checked:?}");
        assert_eq!(fallbacks(), before, "no page went to the stock functions");
        let wrong = open(&super::super::Key::random().unwrap());
        assert!(
            wrong
                .query_row("SELECT count(*) FROM t", [], |_| Ok(()))
                .is_err(),
            "another key reads nothing"
        );
    }

    /// RFC 4231's test case 2 (HMAC-SHA-512, key "Jefe"), and SQLCipher's own two-part input: the
    /// answers do not depend on the stock provider being right either.
    #[test]
    fn its_mac_is_hmac_sha512() {
        assert!(install());
        let conn = Conn::new();
        let want = hex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
        let whole = mac_with(hmac, conn.0, b"Jefe", b"what do ya want for nothing?", None);
        assert_eq!(whole, want, "RFC 4231 test case 2");
        let split = mac_with(
            hmac,
            conn.0,
            b"Jefe",
            b"what do ya want ",
            Some(b"for nothing?"),
        );
        assert_eq!(split, want, "the page and its number are one message");
        // Again with the kept context, after another key was used in between.
        mac_with(hmac, conn.0, &[7u8; 32], b"another page", None);
        assert_eq!(
            mac_with(hmac, conn.0, b"Jefe", b"what do ya want for nothing?", None),
            want
        );
        assert_eq!(
            mac_with(hmac, conn.0, b"Jefe", b"what do ya want for nothing?", None),
            want
        );
        assert_no_fallbacks();
    }

    /// NIST SP 800-38A F.2.5 and F.2.6 (CBC-AES256), through kept contexts, IV changed per call.
    #[test]
    fn its_cipher_is_aes_256_cbc() {
        assert!(install());
        let conn = Conn::new();
        let key = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
        let iv = hex("000102030405060708090a0b0c0d0e0f");
        let plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        let sealed = hex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
        for _ in 0..3 {
            assert_eq!(
                cipher_with(cipher, conn.0, 1, &key, &iv, &plain),
                sealed,
                "encrypts as F.2.5"
            );
            assert_eq!(
                cipher_with(cipher, conn.0, 0, &key, &iv, &sealed),
                plain,
                "decrypts as F.2.6"
            );
            // Another IV in between must not stay in the context.
            cipher_with(cipher, conn.0, 1, &key, &[9u8; 16], &plain);
        }
        assert_no_fallbacks();
    }

    /// Page after page, keys and IVs changing, both directions interleaved: the same bytes as
    /// SQLCipher's own OpenSSL functions.
    #[test]
    fn pages_come_out_as_with_the_stock_provider() {
        assert!(install());
        let stock = *stock_fns().expect("installed");
        let (conn, other) = (Conn::new(), Conn::new());
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut bytes = |n: usize| {
            (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect::<Vec<u8>>()
        };
        let keys = [bytes(32), bytes(32)];
        for i in 0..200 {
            let key = &keys[i % 7 / 5];
            let (iv, page, pgno) = (bytes(16), bytes(4016), bytes(4));
            let mut with_iv = page.clone();
            with_iv.extend_from_slice(&iv);
            for ctx in [conn.0, other.0] {
                assert_eq!(
                    mac_with(hmac, ctx, key, &with_iv, Some(&pgno)),
                    mac_with(
                        stock.hmac.unwrap(),
                        std::ptr::null_mut(),
                        key,
                        &with_iv,
                        Some(&pgno)
                    ),
                    "page {i}: the same MAC"
                );
                let sealed = cipher_with(cipher, ctx, 1, key, &iv, &page);
                assert_eq!(
                    sealed,
                    cipher_with(
                        stock.cipher.unwrap(),
                        std::ptr::null_mut(),
                        1,
                        key,
                        &iv,
                        &page
                    ),
                    "page {i}: the same ciphertext"
                );
                assert_eq!(
                    cipher_with(cipher, ctx, 0, key, &iv, &sealed),
                    page,
                    "page {i}: decrypted back"
                );
            }
        }
        assert_no_fallbacks();
    }
}
