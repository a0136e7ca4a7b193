//! `brief schema`: print the JSON Schema of the brief format, which editors use to complete
//! keys and show their documentation (the repository keeps it as schema/brief.schema.json).

use crate::brief::format;
use crate::error::Failure;
use crate::exit::Status;

pub fn run() -> Result<Status, Failure> {
    print!("{}", format::schema_json());
    Ok(Status::Success)
}
