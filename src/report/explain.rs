use crate::model::ExplainResult;
use std::io::{self, Write};
pub fn write_explain_text(_out: &mut dyn Write, _r: &ExplainResult) -> io::Result<()> {
    Ok(())
}
