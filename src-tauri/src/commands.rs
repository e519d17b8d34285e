//! The commands the UI calls: each is one or two lines over [`ikd_client::App`], written once in
//! `command_list.rs`. The `commands!` macro below turns that list into the
//! `#[tauri::command]` functions, the invoke [`handler`], the names ([`ALL`], which `build.rs`
//! also takes from the list for the capability's app manifest) and the [`SIGNATURES`] the UI's
//! TypeScript calls are generated from (`tests/bindings.rs`). Errors reach the UI as
//! `{code, message, retry_after_secs?}` ([`UiError`]) in the app's current language.

use chrono::Utc;
use ikd_client::views::*;
use tauri::State;
use tauri::ipc::Request;

use crate::Ikd;

type Result<T> = std::result::Result<T, UiError>;

/// A command as the UI sees it: what `ui/src/generated/commands.ts` is generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    /// The command's name (`snake_case`, as invoked).
    pub name: &'static str,
    /// Its doc comment, one entry per line.
    pub doc: &'static [&'static str],
    /// The arguments after the app state: name and Rust type, as written in the list.
    pub args: &'static [(&'static str, &'static str)],
    /// The Rust return type as written in the list (empty when it returns nothing).
    pub returns: &'static str,
}

/// Expands the command list: each entry is normalised to
/// `{[doc…] [async?] name (app, args…) (return?) body}`, then all are expanded at once.
macro_rules! commands {
    (@entries [$($done:tt)*]) => { commands!(@expand $($done)*); };
    (@entries [$($done:tt)*]
        $(#[doc = $doc:literal])* async fn $name:ident $args:tt $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        commands!(@entries [$($done)* {[$($doc)*] [async] $name $args ($($ret)?) $body}] $($rest)*);
    };
    (@entries [$($done:tt)*]
        $(#[doc = $doc:literal])* fn $name:ident $args:tt $(-> $ret:ty)? $body:block
        $($rest:tt)*
    ) => {
        commands!(@entries [$($done)* {[$($doc)*] [] $name $args ($($ret)?) $body}] $($rest)*);
    };
    (@expand $({
        [$($doc:literal)*] [$($async:tt)?] $name:ident
        ($app:ident $(, $arg:ident : $ty:ty)* $(,)?) ($($ret:ty)?) $body:block
    })*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            $($async)? fn $name($app: State<'_, Ikd> $(, $arg: $ty)*) $(-> $ret)? $body
        )*

        /// Every command the UI may call, in the list's order.
        pub const ALL: &[&str] = &[$(stringify!($name)),*];

        /// Every command's signature, in the list's order.
        pub const SIGNATURES: &[Signature] = &[$(Signature {
            name: stringify!($name),
            doc: &[$($doc),*],
            args: &[$((stringify!($arg), stringify!($ty))),*],
            returns: stringify!($($ret)?),
        }),*];

        /// The invoke handler that runs every command of the list.
        pub fn handler<R: tauri::Runtime>()
        -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
    ($($entries:tt)*) => { commands!(@entries [] $($entries)*); };
}

include!("command_list.rs");
