//! A streaming reader that turns UTF-16 or Windows-1252 bytes into UTF-8, a buffer at a time,
//! so a large file is never held in memory.

use std::io::{self, Read};

const BUFFER_BYTES: usize = 64 * 1024;

pub(crate) struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    input_start: usize,
    input_end: usize,
    input_done: bool,
    output: Vec<u8>,
    output_start: usize,
    output_end: usize,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    /// `decoder` should not handle a BOM itself when the caller already skipped it.
    pub(crate) fn new(inner: R, decoder: encoding_rs::Decoder) -> Self {
        Self {
            inner,
            decoder,
            input: vec![0; BUFFER_BYTES],
            input_start: 0,
            input_end: 0,
            input_done: false,
            // Room for the worst case of one input buffer (each byte may become 3 UTF-8 bytes).
            output: vec![0; BUFFER_BYTES * 3 + 16],
            output_start: 0,
            output_end: 0,
            finished: false,
        }
    }

    fn refill_output(&mut self) -> io::Result<()> {
        while self.output_start == self.output_end && !self.finished {
            if self.input_start == self.input_end && !self.input_done {
                let read = self.inner.read(&mut self.input)?;
                self.input_start = 0;
                self.input_end = read;
                self.input_done = read == 0;
            }
            let (result, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.input_start..self.input_end],
                &mut self.output,
                self.input_done,
            );
            self.input_start += read;
            self.output_start = 0;
            self.output_end = written;
            if self.input_done && result == encoding_rs::CoderResult::InputEmpty {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.refill_output()?;
        let available = &self.output[self.output_start..self.output_end];
        let count = available.len().min(buf.len());
        buf[..count].copy_from_slice(&available[..count]);
        self.output_start += count;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn decode_all(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> String {
        let mut reader = DecodingReader::new(bytes, encoding.new_decoder_without_bom_handling());
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn decodes_windows_1252_and_utf16_across_buffer_boundaries() {
        let original: String = "Café Ünïcode,€\n".repeat(20_000);
        let latin: Vec<u8> = encoding_rs::WINDOWS_1252.encode(&original).0.into_owned();
        assert_eq!(decode_all(&latin, encoding_rs::WINDOWS_1252), original);
        let utf16: Vec<u8> = original
            .encode_utf16()
            .flat_map(|unit| unit.to_le_bytes())
            .collect();
        assert_eq!(decode_all(&utf16, encoding_rs::UTF_16LE), original);
    }
}
