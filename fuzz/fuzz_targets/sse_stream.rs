//! Any bytes, cut into any network chunks, through the stream framing and the event parser: never a
//! panic, and text only from events that parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;

thread_local! {
    static RT: tokio::runtime::Runtime =
        tokio::runtime::Builder::new_current_thread().build().unwrap();
}

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the chunk size (0 = one chunk), the rest is the body.
    let Some((&cut, body)) = data.split_first() else {
        return;
    };
    let chunks: Vec<Vec<u8>> = if cut == 0 {
        vec![body.to_vec()]
    } else {
        body.chunks(cut as usize).map(<[u8]>::to_vec).collect()
    };
    let whole = RT.with(|rt| {
        rt.block_on(haemong_lib::interpret::runner::parse_body(vec![
            body.to_vec()
        ]))
    });
    let split = RT.with(|rt| rt.block_on(haemong_lib::interpret::runner::parse_body(chunks)));
    // However the body was cut, the framing sees the same events.
    if let (Ok(a), Ok(b)) = (&whole, &split) {
        assert_eq!(a, b, "chunking changed what was parsed");
    }
});
