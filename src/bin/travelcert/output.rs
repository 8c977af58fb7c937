//! File writers and JSON on standard output.

use std::fs;
use std::path::Path;

use travelcert::render::{self, EccLevel, QrMatrix, RenderOptions, Scale};

use crate::cli::QrOutputs;
use crate::exit::{usage, Failure};

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

    /// Writes the requested files for an encoded matrix.
    pub(crate) fn write(&self, matrix: &QrMatrix, options: &RenderOptions) -> Result<(), Failure> {
        if let Some(path) = &self.png {
            write(path, &render::matrix_png(matrix, options).map_err(usage)?)?;
        }
        if let Some(path) = &self.svg {
            write(
                path,
                render::matrix_svg(matrix, options)
                    .map_err(usage)?
                    .as_bytes(),
            )?;
        }
        Ok(())
    }
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    fs::write(path, bytes).map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// Writes a secret key file readable by its owner only (on Unix).
pub(crate) fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        usage(format!(
            "{}: {e} (keygen never overwrites a key)",
            path.display()
        ))
    })?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}

pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(value).map_err(usage)?;
    println!("{json}");
    Ok(())
}
