//! Passes bytes through unchanged while checking they are valid UTF-8, so a file is read
//! once instead of being validated in a separate pass first. A stray Windows-1252 byte
//! deep in a large file raises the flag, and the caller reads the file again as such.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub(crate) struct Utf8Guard<R> {
    inner: R,
    invalid: Arc<AtomicBool>,
    /// First bytes of a character cut at the end of the previous read.
    carry: [u8; 4],
    carry_len: usize,
}

impl<R: Read> Utf8Guard<R> {
    pub(crate) fn new(inner: R, invalid: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            invalid,
            carry: [0; 4],
            carry_len: 0,
        }
    }

    fn observe(&mut self, mut data: &[u8]) {
        if self.invalid.load(Ordering::Relaxed) {
            return;
        }
        if data.is_empty() {
            if self.carry_len > 0 {
                self.flag();
            }
            return;
        }
        if self.carry_len > 0 {
            let width = match self.carry[0] {
                0xC2..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let need = (width - self.carry_len).min(data.len());
            self.carry[self.carry_len..self.carry_len + need].copy_from_slice(&data[..need]);
            self.carry_len += need;
            data = &data[need..];
            if self.carry_len < width {
                return;
            }
            if std::str::from_utf8(&self.carry[..width]).is_err() {
                return self.flag();
            }
            self.carry_len = 0;
        }
        match std::str::from_utf8(data) {
            Ok(_) => {}
            Err(error) if error.error_len().is_none() => {
                let rest = &data[error.valid_up_to()..];
                self.carry[..rest.len()].copy_from_slice(rest);
                self.carry_len = rest.len();
            }
            Err(_) => self.flag(),
        }
    }

    fn flag(&self) {
        self.invalid.store(true, Ordering::Relaxed);
    }
}

impl<R: Read> Read for Utf8Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.observe(&buf[..read]);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Reads `bytes` through the guard in chunks of `chunk` bytes.
    fn is_flagged(bytes: &[u8], chunk: usize) -> bool {
        let flag = Arc::new(AtomicBool::new(false));
        let mut guard = Utf8Guard::new(bytes, Arc::clone(&flag));
        let mut buffer = vec![0; chunk];
        while guard.read(&mut buffer).unwrap() > 0 {}
        flag.load(Ordering::Relaxed)
    }

    #[test]
    fn characters_cut_between_reads_are_still_valid() {
        let text = "Café €uro 𝄞 naïve".repeat(50);
        for chunk in 1..9 {
            assert!(!is_flagged(text.as_bytes(), chunk), "chunk {chunk}");
        }
    }

    #[test]
    fn a_windows_1252_byte_anywhere_is_caught() {
        let mut bytes = "a,b\n".repeat(10_000).into_bytes();
        bytes.extend_from_slice(b"Caf\xE9\n");
        for chunk in [1, 3, 4096] {
            assert!(is_flagged(&bytes, chunk), "chunk {chunk}");
        }
        assert!(is_flagged(b"cut at the end \xE2\x82", 5));
    }
}
