//! Placeholder: being written (Digital KTP credential and presentation).
