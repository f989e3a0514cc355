//! Exported CloudWatch Logs files (three formats), streamed.
