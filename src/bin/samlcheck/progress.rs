//! Progress on standard error for long work (many files, or files over about 20 MB): only
//! when standard error is a terminal and `CI` is unset, so piped output and CI logs stay
//! clean.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Inputs at or above this many bytes in total count as long work.
pub const LARGE_BYTES: u64 = 20 * 1024 * 1024;
/// At or above this many files, a run counts as long work.
pub const MANY_FILES: usize = 20;

/// A progress bar over files, or nothing.
pub struct Progress(Option<indicatif::ProgressBar>);

/// Whether progress may be drawn at all: a terminal on standard error, no `CI`.
pub fn allowed() -> bool {
    std::env::var_os("CI").is_none() && std::io::stderr().is_terminal()
}

impl Progress {
    /// A bar over these files when the work is long and progress is [`allowed`].
    pub fn files(files: &[PathBuf]) -> Progress {
        if !allowed() {
            return Progress(None);
        }
        let bytes: u64 = files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum();
        if files.len() < MANY_FILES && bytes < LARGE_BYTES {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} files {wide_msg}")
        {
            bar.set_style(style);
        }
        Progress(Some(bar))
    }

    /// Starts on the next file.
    pub fn next(&mut self, file: &Path) {
        if let Some(b) = &self.0 {
            if b.position() > 0 || !b.message().is_empty() {
                b.inc(1);
            }
            b.set_message(file.display().to_string());
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
