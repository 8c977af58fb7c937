//! File writers and JSON on standard output.
//!
//! Outputs are never overwritten silently: an existing file is refused (exit 2,
//! naming it) unless the command was given `--force`. Files holding health data
//! (certificates, their QR codes and cards, batch output) and secrets are
//! created readable by their owner only (mode 0600 on Unix).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use travelcert::render::{self, EccLevel, QrMatrix, RenderOptions, Scale};

use crate::cli::QrOutputs;
use crate::exit::{usage, Failure};

/// How an output file is created.
#[derive(Clone, Copy)]
pub(crate) struct Create {
    /// Replace an existing file (`--force`).
    pub(crate) force: bool,
    /// Health data or a secret: readable by the owner only.
    pub(crate) private: bool,
}

impl Create {
    /// Public data (public keys, trust stores, trust lists).
    pub(crate) fn public(force: bool) -> Self {
        Create {
            force,
            private: false,
        }
    }

    /// Health data: certificates, their QR codes and cards, batch reports.
    pub(crate) fn private(force: bool) -> Self {
        Create {
            force,
            private: true,
        }
    }
}

/// The message for an existing output without `--force`.
pub(crate) fn exists_message(path: &Path) -> String {
    format!(
        "{}: already exists (use --force to overwrite)",
        path.display()
    )
}

/// Refuses an existing output before any work is done (unless `force`), so a
/// refused command leaves no partial output behind. [`create`] checks again.
pub(crate) fn refuse_existing(path: &Path, force: bool) -> Result<(), Failure> {
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(usage(exists_message(path)));
    }
    Ok(())
}

/// Creates `path` with `bytes`: never over an existing file unless forced (then
/// the old file is removed first, so the new one gets the mode asked for).
pub(crate) fn create_io(path: &Path, bytes: &[u8], how: Create) -> io::Result<()> {
    if how.force {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if how.private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(bytes)
}

/// [`create_io`] with the command's error messages.
pub(crate) fn create(path: &Path, bytes: &[u8], how: Create) -> Result<(), Failure> {
    create_io(path, bytes, how).map_err(|e| usage(describe(path, &e)))
}

/// An I/O error on `path`, saying what to do about an existing file.
pub(crate) fn describe(path: &Path, e: &io::Error) -> String {
    if e.kind() == io::ErrorKind::AlreadyExists {
        exists_message(path)
    } else {
        format!("{}: {e}", path.display())
    }
}

impl QrOutputs {
    pub(crate) fn options(&self) -> Result<RenderOptions, Failure> {
        let ecc = match self.ecc.as_str() {
            "L" | "l" => EccLevel::L,
            "M" | "m" => EccLevel::M,
            "Q" | "q" => EccLevel::Q,
            "H" | "h" => EccLevel::H,
            other => return Err(usage(format!("--ecc {other}: expected L, M, Q or H"))),
        };
        Ok(RenderOptions {
            ecc,
            max_version: self.max_version,
            scale: Scale::PixelsPerModule(self.pixels_per_module),
            ..RenderOptions::default()
        })
    }

    pub(crate) fn any(&self) -> bool {
        self.png.is_some() || self.svg.is_some()
    }

    /// Refuses existing output files (unless `force`) before anything is made.
    pub(crate) fn refuse_existing(&self, force: bool) -> Result<(), Failure> {
        for path in self.png.iter().chain(&self.svg) {
            refuse_existing(path, force)?;
        }
        Ok(())
    }

    /// Writes the requested files for an encoded matrix (health data: 0600).
    pub(crate) fn write(
        &self,
        matrix: &QrMatrix,
        options: &RenderOptions,
        force: bool,
    ) -> Result<(), Failure> {
        if let Some(path) = &self.png {
            create(
                path,
                &render::matrix_png(matrix, options).map_err(usage)?,
                Create::private(force),
            )?;
        }
        if let Some(path) = &self.svg {
            create(
                path,
                render::matrix_svg(matrix, options)
                    .map_err(usage)?
                    .as_bytes(),
                Create::private(force),
            )?;
        }
        Ok(())
    }
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    fs::write(path, bytes).map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Writes a secret key file readable by its owner only (on Unix); an existing
/// file is always refused.
pub(crate) fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    create_io(path, bytes, Create::private(false)).map_err(|e| {
        usage(format!(
            "{}: {e} (keygen never overwrites a key)",
            path.display()
        ))
    })
}

pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(value).map_err(usage)?;
    println!("{json}");
    Ok(())
}
