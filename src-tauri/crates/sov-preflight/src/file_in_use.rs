//! Recognises a file held open by another program. On Windows a program may open a file without letting
//! others read or write it (Excel does so for the file it has open, and usually still lets others read);
//! the refusal is a sharing or lock violation, which deserves "close it there" rather than "check permissions".

use std::io;

/// `ERROR_SHARING_VIOLATION`: another program opened the file without sharing it this way.
const ERROR_SHARING_VIOLATION: i32 = 32;
/// `ERROR_LOCK_VIOLATION`: another program locked the part of the file we touched.
const ERROR_LOCK_VIOLATION: i32 = 33;

/// True when `error` says another program (such as Excel) has the file open and does not share it.
/// Always false off Windows, where these numbers mean other things and files are not locked this way.
pub fn is_file_in_use(error: &io::Error) -> bool {
    cfg!(windows)
        && matches!(
            error.raw_os_error(),
            Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sharing_and_lock_violations_count_and_only_on_windows() {
        let sharing = io::Error::from_raw_os_error(ERROR_SHARING_VIOLATION);
        let lock = io::Error::from_raw_os_error(ERROR_LOCK_VIOLATION);
        assert_eq!(is_file_in_use(&sharing), cfg!(windows));
        assert_eq!(is_file_in_use(&lock), cfg!(windows));
        assert!(!is_file_in_use(&io::Error::from(io::ErrorKind::NotFound)));
        assert!(!is_file_in_use(&io::Error::from_raw_os_error(5)));
    }
}
