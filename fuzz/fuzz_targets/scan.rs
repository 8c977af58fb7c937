//! Image bytes → `scan::scan`: never panics, hangs or exhausts memory (image
//! dimensions are checked against the side and pixel limits before decoding).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = travelcert::scan::scan(data);
});
