// Generated from crates/ikd-client/src/views.rs by ts-rs. Do not edit: run
// `IKD_REGENERATE_TYPES=1 cargo test -p ikd-client --test bindings` after changing the Rust types.

export type Lang = "id" | "en";

export type Profile = "age17" | "basic" | "full";

export type RegistrationId = string;

export type ChallengeId = string;

export type RegistrationStateCode = "submitted" | "awaiting_operator_scan" | "approved" | "activated" | "rejected" | "expired";

export type TrackerStep = "submitted" | "central_check" | "operator_scan" | "approved" | "activated";

export type StepState = "done" | "current" | "todo" | "failed";

export type ActivityKind = "registered" | "registration_approved" | "registration_rejected" | "activated" | "login" | "pin_wrong" | "pin_locked" | "pin_changed" | "verified" | "device_released" | "credentials_issued" | "device_change_started" | "device_changed" | "verifications_not_recorded" | "device_change_waiting" | "device_change_cancelled";

export type ChannelKind = "in_person" | "phone" | "fax" | "sms" | "whatsapp" | "email" | "website" | "instagram" | "facebook" | "twitter" | "lapor" | "complaint_box" | "other";

export type Action = "move_left" | "move_right" | "move_closer" | "move_back";

export type LivenessPurpose = "register" | "recover";

export type Message = { 
/**
 * Stable code (`nik_wrong_length`, `offline`, …).
 */
code: string, 
/**
 * The text in the current language.
 */
message: string, };

export type UiError = { 
/**
 * Stable code: the core's or the server's own (`pin_wrong`, `nik_not_found`, …) or one of
 * `offline`, `timeout`, `server_down`, `pin_locked`, `pin_counter_unreadable`, `locked`,
 * `storage_failed`.
 */
code: string, 
/**
 * What happened and what to do, in the current language.
 */
message: string, 
/**
 * Seconds to wait before trying again (PIN lockout).
 */
retry_after_secs?: number, };

export type Stage = "new" | "registered" | "activated" | "recovering";

export type Draft = { 
/**
 * NIK as typed.
 */
nik: string, 
/**
 * Email as typed.
 */
email: string, 
/**
 * Phone as typed.
 */
phone: string, };

export type AppInfo = { 
/**
 * Where the resident is.
 */
stage: Stage, 
/**
 * `id` or `en`.
 */
lang: Lang, 
/**
 * The SIAK server this app talks to.
 */
server: string, 
/**
 * The half-done registration form.
 */
draft: Draft, 
/**
 * The registration being followed.
 */
registration_id: RegistrationId | null, 
/**
 * Whether the PIN was entered since the app last went to the background.
 */
unlocked: boolean, 
/**
 * The device change waiting for its emailed code (stage `recovering`).
 */
recovery: RecoveryView | null, 
/**
 * App version.
 */
version: string, };

export type FieldCheck = { 
/**
 * Nothing typed yet (no error shown).
 */
empty: boolean, 
/**
 * Valid.
 */
ok: boolean, 
/**
 * The value as it will be sent (`+6281234567890`, a NIK without separators).
 */
value: string | null, 
/**
 * Why it is not valid.
 */
error: Message | null, };

export type NikCheck = { 
/**
 * The field itself.
 */
field: FieldCheck, 
/**
 * Province of first registration.
 */
province: string | null, 
/**
 * Regency or city.
 */
regency: string | null, 
/**
 * District.
 */
district: string | null, 
/**
 * Birth date, `YYYY-MM-DD`.
 */
birth_date: string | null, 
/**
 * Sex, in the current language.
 */
sex: string | null, 
/**
 * Age today.
 */
age: number | null, 
/**
 * Things to know that do not stop the registration (an old region code, under 17 — the
 * server decides with the marital status).
 */
warnings: Array<Message>, };

export type RegistrationCheck = { 
/**
 * NIK.
 */
nik: NikCheck, 
/**
 * Email.
 */
email: FieldCheck, 
/**
 * Phone.
 */
phone: FieldCheck, 
/**
 * All three valid: the form can be sent.
 */
ready: boolean, };

export type PinCheck = { 
/**
 * The first entry against the PIN rules.
 */
pin: FieldCheck, 
/**
 * The second entry matches the first.
 */
confirm: FieldCheck, 
/**
 * Both fine.
 */
ready: boolean, 
/**
 * The rules, in the current language, for the screen to list.
 */
rules: Array<string>, };

export type StatusStep = { 
/**
 * `submitted`, `central_check`, `operator_scan`, `approved`, `activated`.
 */
key: TrackerStep, 
/**
 * In the current language.
 */
label: string, 
/**
 * `done`, `current`, `todo` or `failed`.
 */
state: StepState, };

export type RegistrationStatus = { 
/**
 * Registration id.
 */
registration_id: RegistrationId, 
/**
 * `submitted`, `awaiting_operator_scan`, `approved`, `activated` or `rejected`.
 */
state: RegistrationStateCode, 
/**
 * Steps in order.
 */
steps: Array<StatusStep>, 
/**
 * What to do now, in the current language.
 */
next: string, 
/**
 * Why it was rejected.
 */
reason: Message | null, 
/**
 * When it was submitted (RFC 3339).
 */
submitted_at: string, };

export type RegistrationQrView = { 
/**
 * The QR text (`IKDREG2:…`), shown under the QR for reading aloud or pasting.
 */
text: string, 
/**
 * The QR as SVG.
 */
svg: string, 
/**
 * Seconds until the window turns and the QR must be remade (1–30).
 */
seconds_left: number, 
/**
 * When the window turns (RFC 3339).
 */
expires_at: string, };

export type UnlockView = { 
/**
 * The server was reached and data refreshed.
 */
online: boolean, 
/**
 * The card is shown from data saved earlier.
 */
stale: boolean, 
/**
 * The saved credentials are valid until (RFC 3339).
 */
valid_until: string | null, 
/**
 * A notice for the resident (offline, data from …), in the current language.
 */
notice: string | null, };

export type CardField = { 
/**
 * Field key (`nik`, `name`, …).
 */
key: string, 
/**
 * Label in the current language.
 */
label: string, 
/**
 * Value as printed on the KTP-el.
 */
value: string, };

export type CardView = { 
/**
 * NIK.
 */
nik: string, 
/**
 * Name.
 */
name: string, 
/**
 * Every field in KTP-el order.
 */
fields: Array<CardField>, 
/**
 * The saved credentials are valid until (RFC 3339).
 */
valid_until: string, 
/**
 * Shown from data that could not be refreshed.
 */
stale: boolean, 
/**
 * A notice when stale, in the current language.
 */
notice: string | null, };

export type ProfileOption = { 
/**
 * `age17`, `basic` or `full`.
 */
id: Profile, 
/**
 * In the current language.
 */
label: string, };

export type QrView = { 
/**
 * Profile shown.
 */
profile: Profile, 
/**
 * The QR text (`IKD1:…`).
 */
text: string, 
/**
 * The QR as SVG.
 */
svg: string, 
/**
 * QR version (size).
 */
version: number, 
/**
 * Made at (RFC 3339).
 */
created_at: string, 
/**
 * Expires at (RFC 3339).
 */
expires_at: string, 
/**
 * Seconds it is valid for.
 */
valid_secs: number, 
/**
 * Refresh this many seconds after it was made (before a verifier could see it expire).
 */
refresh_after_secs: number, 
/**
 * Shown from saved data that could not be refreshed.
 */
stale: boolean, };

export type FamilyMemberView = { 
/**
 * NIK.
 */
nik: string, 
/**
 * Name.
 */
name: string, 
/**
 * Relationship as on the KK.
 */
relationship: string, 
/**
 * Sex in the current language.
 */
sex: string, 
/**
 * Birth date `YYYY-MM-DD`.
 */
birth_date: string, };

export type FamilyView = { 
/**
 * KK number.
 */
kk: string, 
/**
 * Members in card order.
 */
members: Array<FamilyMemberView>, };

export type ActivityView = { 
/**
 * When (RFC 3339).
 */
at: string, 
/**
 * Event code.
 */
kind: ActivityKind, 
/**
 * What happened, in the current language.
 */
title: string, 
/**
 * Who verified or decided, profile shown, reason.
 */
detail: string | null, };

export type ChannelView = { 
/**
 * `phone`, `whatsapp`, `email`, `website`, …
 */
kind: ChannelKind, 
/**
 * As printed.
 */
label: string, 
/**
 * Link to open (`tel:`, `mailto:`, `https:`).
 */
href: string | null, };

export type OfficeView = { 
/**
 * Office name.
 */
name: string, 
/**
 * Address.
 */
address: string | null, 
/**
 * Opening hours.
 */
hours: string | null, 
/**
 * How long the KTP Digital service takes, in the current language.
 */
service_level: string, 
/**
 * Whether this is the national fallback (the resident's office is not in the app's list).
 */
national: boolean, 
/**
 * Complaint and information channels.
 */
channels: Array<ChannelView>, };

export type LivenessStep = { 
/**
 * `move_left`, `move_right`, `move_closer` or `move_back` (the resident's left and right).
 */
action: Action, 
/**
 * The prompt in the current language.
 */
prompt: string, };

export type FrameSource = "camera" | "test";

export type LivenessSession = { 
/**
 * `register` (a new registration) or `recover` (device change or forgotten PIN).
 */
purpose: LivenessPurpose, 
/**
 * The server's challenge id.
 */
challenge_id: ChallengeId, 
/**
 * The actions to make, in order.
 */
steps: Array<LivenessStep>, 
/**
 * Width of the frames to send (RGBA, row by row).
 */
frame_width: number, 
/**
 * Height of the frames to send.
 */
frame_height: number, 
/**
 * `camera`, or `test` in a debug build with the synthetic test camera: then the UI opens no
 * camera and sends empty frames, which the app replaces with synthetic ones.
 */
source: FrameSource, 
/**
 * Time for the whole attempt, in seconds.
 */
limit_secs: number, };

export type FaceBox = { 
/**
 * Left edge.
 */
x: number, 
/**
 * Top edge.
 */
y: number, 
/**
 * Width.
 */
w: number, 
/**
 * Height.
 */
h: number, };

export type LivenessPhase = "baseline" | "act" | "centre" | "done" | "failed";

export type LivenessProgress = { 
/**
 * `baseline` (hold the face in the middle), `act` (make action `step`), `centre` (come back
 * to the middle), `done` or `failed`.
 */
phase: LivenessPhase, 
/**
 * Actions completed.
 */
completed: number, 
/**
 * Actions in all.
 */
total: number, 
/**
 * The action asked now (`act` only).
 */
action: Action | null, 
/**
 * What to do now, in the current language.
 */
prompt: string, 
/**
 * What is wrong with the picture (too dark, no face, several faces, blurred, …).
 */
issue: Message | null, 
/**
 * Why the attempt failed (`failed` only); a new attempt starts with a new challenge.
 */
failure: Message | null, 
/**
 * The face found, if one.
 */
face: FaceBox | null, 
/**
 * Milliseconds since the first frame.
 */
elapsed_ms: number, };

export type RecoveryView = { 
/**
 * Where the code was sent, partly hidden (`bu***@example.id`).
 */
email_hint: string, 
/**
 * Minutes until the code expires.
 */
expires_in_minutes: number, 
/**
 * Once the code is confirmed: the wait before the account moves here.
 */
waiting: DeviceChangeWait | null, };

export type WaitState = "waiting" | "ready" | "cancelled";

export type DeviceChangeWait = { 
/**
 * Where it stands.
 */
state: WaitState, 
/**
 * When it may complete, `YYYY-MM-DD HH:MM` UTC.
 */
completes_at: string, 
/**
 * Hours left, rounded up (0 when ready).
 */
hours_left: number, };

export type DeviceChangeNotice = { 
/**
 * When the new phone may take the account over, `YYYY-MM-DD HH:MM` UTC.
 */
completes_at: string, 
/**
 * Hours left, rounded up.
 */
hours_left: number, };

export type LivenessResult = { 
/**
 * `register` or `recover`.
 */
purpose: LivenessPurpose, 
/**
 * The registration, for `register`.
 */
status: RegistrationStatus | null, 
/**
 * The pending device change, for `recover`.
 */
recovery: RecoveryView | null, };

export type LinkScreen = "activate" | "recover";

export type LinkView = { 
/**
 * The screen to open.
 */
screen: LinkScreen, 
/**
 * The code, shown as `ABCD-EFGH`.
 */
code: string, };
