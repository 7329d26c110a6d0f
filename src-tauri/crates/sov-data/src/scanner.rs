//! A structural scanner over the output file: finds the top-level keys and each element of
//! `buildings[]` by tracking strings and nesting, in large chunks, and hands each element's bytes to
//! serde_json to parse (`from_slice`, which validates it). Reading `Read` a byte at a time through
//! serde_json was the slow part; this keeps memory at one building while scanning at memory speed.

use std::io::Read;

use crate::ReadError;

const CHUNK: usize = 1 << 20;

pub(crate) struct Scanner<R> {
    reader: R,
    buffer: Vec<u8>,
    /// Next unread byte in `buffer`, and how much of it is filled.
    pos: usize,
    len: usize,
    /// Absolute offset of `buffer[0]` in the file.
    base: u64,
    /// 1-based line of `pos`, and the absolute offset where that line starts.
    line: usize,
    line_start: u64,
}

impl<R: Read> Scanner<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self {
            reader,
            buffer: vec![0; CHUNK],
            pos: 0,
            len: 0,
            base: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The absolute offset of the next byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// (line, column) of the next byte, both 1-based.
    pub(crate) fn position(&self) -> (usize, usize) {
        (self.line, (self.offset() - self.line_start) as usize + 1)
    }

    /// An error at the next byte.
    pub(crate) fn error_here(&self, problem: &str) -> ReadError {
        ReadError::at_position(
            format!("it is not valid SOV data JSON ({problem})"),
            self.position(),
        )
    }

    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.pos < self.len {
            return Ok(true);
        }
        self.base += self.len as u64;
        self.pos = 0;
        self.len = loop {
            match self.reader.read(&mut self.buffer) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::new(format!("it could not be read ({e})"))),
                Ok(n) => break n,
            }
        };
        Ok(self.len > 0)
    }

    /// The next byte after whitespace, not taken; `None` at the end of the file.
    pub(crate) fn peek_token(&mut self) -> Result<Option<u8>, ReadError> {
        loop {
            if !self.fill()? {
                return Ok(None);
            }
            let byte = self.buffer[self.pos];
            match byte {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.line += 1;
                    self.line_start = self.offset();
                }
                _ => return Ok(Some(byte)),
            }
        }
    }

    /// Takes `expected` after whitespace, or fails naming what was wanted.
    pub(crate) fn expect(&mut self, expected: u8, wanted: &str) -> Result<(), ReadError> {
        match self.peek_token()? {
            Some(byte) if byte == expected => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.error_here(&format!("expected {wanted}"))),
            None => Err(ended()),
        }
    }

    /// Takes one JSON value (after whitespace), copying its bytes into `sink` when given. Strings
    /// and nesting are tracked; the value's own validity is left to whoever parses `sink`.
    pub(crate) fn value(&mut self, mut sink: Option<&mut Vec<u8>>) -> Result<(), ReadError> {
        let first = self.peek_token()?.ok_or_else(ended)?;
        let scalar = !matches!(first, b'{' | b'[' | b'"');
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let mut started = false;
        loop {
            if !self.fill()? {
                // A number or literal may end the file; anything open may not.
                return if scalar && started {
                    Ok(())
                } else {
                    Err(ended())
                };
            }
            let chunk = &self.buffer[self.pos..self.len];
            let mut taken = 0;
            let mut done = false;
            let mut newlines = 0;
            let mut last_newline = None;
            if scalar {
                for (index, &byte) in chunk.iter().enumerate() {
                    if matches!(byte, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        done = true;
                        break;
                    }
                    taken = index + 1;
                }
            } else {
                while taken < chunk.len() {
                    if in_string && !escaped {
                        // Most of the file is text inside strings: jump to what ends or escapes it.
                        match memchr::memchr3(b'"', b'\\', b'\n', &chunk[taken..]) {
                            Some(offset) => taken += offset,
                            None => {
                                taken = chunk.len();
                                break;
                            }
                        }
                    }
                    let byte = chunk[taken];
                    taken += 1;
                    if byte == b'\n' {
                        newlines += 1;
                        last_newline = Some(taken - 1);
                    }
                    if in_string {
                        if escaped {
                            escaped = false;
                        } else if byte == b'\\' {
                            escaped = true;
                        } else if byte == b'"' {
                            in_string = false;
                            if depth == 0 {
                                done = true;
                                break;
                            }
                        }
                        continue;
                    }
                    match byte {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                done = true;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            if let Some(sink) = sink.as_deref_mut() {
                sink.extend_from_slice(&chunk[..taken]);
            }
            if let Some(index) = last_newline {
                self.line += newlines;
                self.line_start = self.base + (self.pos + index + 1) as u64;
            }
            self.pos += taken;
            started |= taken > 0;
            if done {
                return Ok(());
            }
        }
    }
}

fn ended() -> ReadError {
    ReadError::new("the file ends in the middle of the data (an interrupted download?)")
}
