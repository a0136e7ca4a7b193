//! `brief schema`: print the JSON Schema of the brief format, which editors use to complete
//! keys and show their documentation (the repository keeps it as schema/brief.schema.json).

use crate::brief::format;
use crate::error::Failure;
use crate::exit::Status;
use crate::fs;

pub fn run() -> Result<Status, Failure> {
    fs::write_stdout(format::schema_json().as_bytes())?;
    Ok(Status::Success)
}
