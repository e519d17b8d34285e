//! Placeholder: being written (QR rendering).
