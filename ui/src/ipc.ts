// The Tauri IPC as the UI uses it: `call` invokes a command and turns every rejection into a
// `UiError` (Rust's, whose message is already in the resident's language, or an IPC failure's
// text). The typed function of each command, generated from the command list, is in
// `generated/commands.ts`.
import { invoke } from '@tauri-apps/api/core';
import type { UiError } from './generated/types';

export type { UiError };

/** Whether `value` has the shape of a `UiError`. */
export function isUiError(value: unknown): value is UiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as UiError).code === 'string' &&
    typeof (value as UiError).message === 'string'
  );
}

/** Any rejection as a `UiError` (an IPC failure that is not one keeps its text). */
export function toUiError(value: unknown): UiError {
  if (isUiError(value)) return value;
  const message =
    typeof value === 'string' ? value : value instanceof Error ? value.message : String(value);
  return { code: 'ipc', message };
}

/** Invokes `cmd` with its arguments (or a binary body and headers); rejects with a `UiError`. */
export async function call<T>(cmd: string, args?: Record<string, unknown> | Uint8Array, headers?: Record<string, string>): Promise<T> {
  try {
    return await (headers ? invoke<T>(cmd, args, { headers }) : invoke<T>(cmd, args));
  } catch (err) {
    throw toUiError(err);
  }
}
