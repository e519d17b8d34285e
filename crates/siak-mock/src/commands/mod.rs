//! The subcommand groups of the `siak-mock` binary, one module each.

pub mod keys;
pub mod operator;
pub mod outbox;
pub mod population;
pub mod serve;
