// Realistic answers of the Rust commands, in both languages, typed by the generated types. The
// mock (mock-ipc.js) serves them inside the page.
import type {
  ActivityView,
  CardView,
  FamilyView,
  NikCheck,
  OfficeView,
  Profile,
  ProfileOption,
  QrView,
  RegistrationStateCode,
  RegistrationQrView,
  RegistrationStatus,
  StatusStep,
  TrackerStep,
  UnlockView,
} from '../src/generated/types';
import { RECOVERY_CODE, SCRIPT_PASS, livenessFixtures, type ScriptEntry } from './fixtures-liveness';

export type Lang = 'id' | 'en';
const pick = (lang: Lang, id: string, en: string) => (lang === 'id' ? id : en);

/** An SVG in the exact shape the `qrcode` crate writes (`QrImage::to_svg`), from `text`. */
export function qrSvg(text: string, modules = 29, px = 4): string {
  const quiet = 4;
  const side = (modules + 2 * quiet) * px;
  let seed = 0;
  for (const ch of text) seed = (seed * 31 + ch.charCodeAt(0)) >>> 0;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed >>> 16) & 1;
  };
  const finder = (x: number, y: number) => {
    for (const [ox, oy] of [[0, 0], [modules - 7, 0], [0, modules - 7]]) {
      const dx = x - ox;
      const dy = y - oy;
      if (dx >= 0 && dx < 7 && dy >= 0 && dy < 7) {
        return dx === 0 || dx === 6 || dy === 0 || dy === 6 || (dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4) ? 1 : 0;
      }
      if (dx >= -1 && dx <= 7 && dy >= -1 && dy <= 7) return 0;
    }
    return -1;
  };
  let d = '';
  for (let y = 0; y < modules; y += 1) {
    for (let x = 0; x < modules; x += 1) {
      const f = finder(x, y);
      if (f === 1 || (f === -1 && rnd())) {
        const left = (x + quiet) * px;
        const top = (y + quiet) * px;
        d += `M${left} ${top}h${px}v${px}H${left}V${top}`;
      }
    }
  }
  return (
    `<?xml version="1.0" standalone="yes"?><svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${side}" height="${side}"` +
    ` viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges"><rect x="0" y="0" width="${side}" height="${side}" fill="#ffffff"/>` +
    `<path fill="#000000" d="${d}"/></svg>`
  );
}

export const REGISTRATION_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
/** The registration QR the phone shows in one 30-second window, and in the next one. */
export const REGISTRATION_QR = `IKDREG2:${'0F1E2D3C4B5A69788796A5B4C3D2E1F0'}.58800000.q3vN7m2Xw9Lk4Ta0bYc8RfHd1Ue5Sg6Jp3Vi7Zo2Kn0Mx9Qw4Er8Ty1Ui5Op6As2Df3Gh7Jk0Lz4Xc8Vb9Nm1Q`;
export const REGISTRATION_QR_NEXT = `IKDREG2:${'0F1E2D3C4B5A69788796A5B4C3D2E1F0'}.58800001.Zx8Cv3Bn7Mq1Wa5Se9Dr2Ft6Gy0Hu4Ji8Ko3Lp7Qz1Xs5Dc9Fv2Gb6Hn0Jm4Kl8Pq3Wo7Ei1Ru5Ty9Ui2Op6Aw`;
export const NIK = '3201014506900002';
export const NIK_YOUNG = '3201015005120003';
export const ACTIVATION_CODE = 'K7QM2XPA';
export const PIN = '280419';
export const RECOVERY_EMAIL = 'siti@example.id';

function statusFor(state: RegistrationStateCode, lang: Lang): RegistrationStatus {
  const order: [TrackerStep, string, string][] = [
    ['submitted', 'Pendaftaran terkirim', 'Registration sent'],
    ['central_check', 'Verifikasi data oleh SIAK Terpusat', 'Data checked by the central SIAK'],
    ['operator_scan', 'Petugas Disdukcapil memindai kode QR Anda', 'A Disdukcapil officer scans your QR code'],
    ['approved', 'Disetujui: kode aktivasi dikirim ke email', 'Approved: activation code sent by email'],
    ['activated', 'Akun aktif', 'Account active'],
  ];
  const current = { submitted: 1, awaiting_operator_scan: 2, approved: 4, activated: 5, rejected: 2, expired: 2 }[state] ?? 1;
  const rejected = state === 'rejected';
  const failed = rejected || state === 'expired';
  const steps: StatusStep[] = order.map(([key, id, en], i) => ({
    key,
    label: pick(lang, id, en),
    state: i < current ? 'done' : i === current && failed ? 'failed' : i === current ? 'current' : 'todo',
  }));
  const next: Record<string, [string, string]> = {
    submitted: ['Data Anda sedang diperiksa. Halaman ini diperbarui sendiri.', 'Your data is being checked. This page updates by itself.'],
    awaiting_operator_scan: [
      'Tunjukkan kode QR ini kepada petugas Disdukcapil (datang langsung atau lewat panggilan video sambil menunjukkan KTP-el).',
      'Show this QR code to a Disdukcapil officer (in person, or by video call while showing your KTP-el).',
    ],
    approved: ['Disetujui. Buka email Anda dan masukkan kode aktivasi.', 'Approved. Open your email and enter the activation code.'],
    rejected: [
      'Pendaftaran ditolak. Baca alasannya; setelah diperbaiki Anda dapat mendaftar lagi.',
      'The registration was rejected. Read the reason; once it is fixed you can register again.',
    ],
    expired: [
      'Pendaftaran kedaluwarsa — daftar lagi. Tidak ada petugas yang memindai kode QR Anda dalam batas waktu.',
      'Registration expired — register again. No officer scanned your QR code in time.',
    ],
  };
  return {
    registration_id: REGISTRATION_ID,
    state,
    steps,
    next: pick(lang, ...(next[state] ?? next.submitted)),
    reason: rejected
      ? {
          code: 'operator_face_mismatch',
          message: pick(
            lang,
            'Wajah pada swafoto tidak sesuai dengan foto KTP-el. Daftar ulang dengan swafoto yang jelas.',
            'The face in the selfie does not match the KTP-el photo. Register again with a clear selfie.',
          ),
        }
      : null,
    submitted_at: '2025-03-04T05:06:07Z',
  };
}

/** The registration QR of a window that ends `secondsLeft` from now. */
function registrationQrFor(text: string, secondsLeft: number): RegistrationQrView {
  return {
    text,
    svg: qrSvg(text, 37, 6),
    seconds_left: secondsLeft,
    expires_at: '2025-11-22T08:00:30Z',
  };
}

function qrFor(profile: Profile, stale: boolean): QrView {
  const text = `IKD1:${profile.toUpperCase()}6BFA0W0$KNL%K9J1%G5+SN+G1XE1AQ3:L/3F8L`;
  return {
    profile,
    text,
    svg: qrSvg(text, profile === 'full' ? 57 : 41, 4),
    version: profile === 'full' ? 10 : 6,
    created_at: '2025-03-04T05:06:07Z',
    expires_at: '2025-03-04T05:07:37Z',
    valid_secs: 90,
    refresh_after_secs: 75,
    stale,
  };
}

export function fixtures(lang: Lang) {
  const nikOk: NikCheck = {
    field: { empty: false, ok: true, value: NIK, error: null },
    province: 'JAWA BARAT',
    regency: 'KAB. BOGOR',
    district: 'CIBINONG',
    birth_date: '1990-06-05',
    sex: pick(lang, 'Perempuan', 'Female'),
    age: 34,
    warnings: [],
  };
  const nikYoung: NikCheck = {
    ...nikOk,
    field: { ...nikOk.field, value: NIK_YOUNG },
    birth_date: '2012-05-10',
    age: 12,
    warnings: [
      {
        code: 'under_17',
        message: pick(
          lang,
          'Menurut NIK, usia Anda di bawah 17 tahun. KTP Digital hanya untuk yang berusia 17 tahun ke atas atau sudah/pernah kawin.',
          'According to the NIK you are under 17. The Digital KTP is for residents aged 17 or over, or who are or have been married.',
        ),
      },
    ],
  };
  const msg: Record<string, string> = {
    nik_wrong_length: pick(lang, 'NIK harus 16 angka; yang diketik {n} angka.', 'A NIK has 16 digits; {n} were typed.'),
    nik_not_digits: pick(lang, 'NIK hanya berisi angka.', 'A NIK has digits only.'),
    nik_region_unknown: pick(lang, 'Kode wilayah pada NIK tidak dikenal.', 'The region code in the NIK is unknown.'),
    email_invalid: pick(lang, 'Alamat email tidak lengkap. Contoh: nama@contoh.id.', 'The email address is incomplete. Example: name@example.id.'),
    phone_invalid: pick(lang, 'Nomor ponsel tidak dikenal. Contoh: 0812 3456 7890.', 'Unknown mobile number. Example: 0812 3456 7890.'),
    pin_wrong_length: pick(lang, 'PIN harus tepat 6 angka.', 'The PIN must be exactly 6 digits.'),
    pin_same_digits: pick(lang, 'PIN harus memakai paling sedikit 2 angka berbeda.', 'The PIN needs at least 2 different digits.'),
    pin_sequence: pick(lang, 'PIN tidak boleh berupa urutan seperti 123456.', 'The PIN may not be a run like 123456.'),
    pin_confirmation_mismatch: pick(lang, 'PIN yang diulang tidak sama. Ketik PIN yang sama dua kali.', 'The repeated PIN is different. Type the same PIN twice.'),
    pin_wrong: pick(lang, 'PIN salah. Periksa lalu coba lagi.', 'Wrong PIN. Check it and try again.'),
    pin_locked: pick(lang, 'Terlalu banyak PIN salah. PIN dikunci sementara.', 'Too many wrong PINs. The PIN is locked for a while.'),
    locked: pick(lang, 'Masukkan PIN terlebih dahulu.', 'Enter your PIN first.'),
    offline: pick(lang, 'Tidak ada koneksi internet. Coba lagi saat tersambung.', 'No internet connection. Try again once connected.'),
    link_other_phone: pick(
      lang,
      'Tautan ini untuk pendaftaran atau ganti perangkat di ponsel lain. Buka email di ponsel yang Anda pakai mendaftar, atau ketik kodenya di sana.',
      'This link is for a registration or device change on another phone. Open the email on the phone you used, or type the code there.',
    ),
    nik_not_found: pick(lang, 'NIK tidak ditemukan di data kependudukan.', 'The NIK is not in the population records.'),
    activation_code_wrong: pick(lang, 'Kode aktivasi salah atau kedaluwarsa.', 'The activation code is wrong or expired.'),
    profile_unknown: pick(lang, 'Pilihan data yang ditampilkan tidak dikenal (age17, basic atau full).', 'Unknown disclosure choice (age17, basic or full).'),
    lang_unknown: pick(lang, 'Bahasa tidak dikenal.', 'Unknown language.'),
  };
  const pinRules = lang === 'id'
    ? [
        'Tepat 6 angka.',
        'Paling sedikit 2 angka berbeda (bukan 111111).',
        'Bukan urutan naik atau turun (bukan 123456 atau 654321).',
        'Bukan tanggal lahir Anda (seperti tertulis di NIK).',
      ]
    : [
        'Exactly 6 digits.',
        'At least 2 different digits (not 111111).',
        'Not an ascending or descending run (not 123456 or 654321).',
        'Not your birth date (as written in the NIK).',
      ];
  const liveness = livenessFixtures(lang);
  Object.assign(msg, liveness.msg);
  const staleNotice = pick(
    lang,
    'Tidak terhubung ke server: KTP Digital ditampilkan dari data tersimpan (berlaku sampai 11-03-2025 05:06 UTC). Akan diperbarui saat ada koneksi.',
    'Not connected to the server: the Digital KTP is shown from saved data (valid until 2025-03-11 05:06 UTC). It refreshes when the connection returns.',
  );
  const unlockOnline: UnlockView = { online: true, stale: false, valid_until: '2025-03-11T05:06:07Z', notice: null };
  const unlockStale: UnlockView = { online: false, stale: true, valid_until: '2025-03-11T05:06:07Z', notice: staleNotice };
  const f = (key: string, id: string, en: string, value: string) => ({ key, label: pick(lang, id, en), value });
  const fields = [
    f('nik', 'NIK', 'NIK', NIK),
    f('name', 'Nama', 'Name', 'SITI NURHALIZA PUTRI WIJAYAKUSUMA'),
    f('birth', 'Tempat/Tgl Lahir', 'Place/date of birth', 'BOGOR, 05-06-1990'),
    f('sex', 'Jenis Kelamin', 'Sex', pick(lang, 'Perempuan', 'Female')),
    f('blood_type', 'Gol. Darah', 'Blood type', 'O'),
    f('address', 'Alamat', 'Address', 'JL. RAYA JAKARTA-BOGOR KM 43 NO. 17 PERUMAHAN GRIYA CIBINONG ASRI BLOK C-12'),
    f('rt_rw', 'RT/RW', 'RT/RW', '003/007'),
    f('village', 'Kel/Desa', 'Village', 'PAKANSARI'),
    f('district', 'Kecamatan', 'District', 'CIBINONG'),
    f('regency', 'Kabupaten/Kota', 'Regency/City', 'KAB. BOGOR'),
    f('province', 'Provinsi', 'Province', 'JAWA BARAT'),
    f('religion', 'Agama', 'Religion', 'ISLAM'),
    f('marital_status', 'Status Perkawinan', 'Marital status', 'KAWIN'),
    f('occupation', 'Pekerjaan', 'Occupation', 'KARYAWAN SWASTA'),
    f('citizenship', 'Kewarganegaraan', 'Citizenship', 'WNI'),
    f('valid_until', 'Berlaku Hingga', 'Valid until', 'SEUMUR HIDUP'),
  ];
  const card: CardView = {
    nik: NIK,
    name: 'SITI NURHALIZA PUTRI WIJAYAKUSUMA',
    fields,
    valid_until: '2025-03-11T05:06:07Z',
    stale: false,
    notice: null,
  };
  const cardStale: CardView = { ...card, stale: true, notice: staleNotice };
  const profiles: ProfileOption[] = [
    { id: 'age17', label: pick(lang, 'Hanya usia 17+', 'Age 17+ only') },
    { id: 'basic', label: pick(lang, 'Data dasar (NIK, nama, tanggal lahir, jenis kelamin)', 'Basic (NIK, name, birth date, sex)') },
    { id: 'full', label: pick(lang, 'Lengkap (semua data KTP-el)', 'Full (all KTP-el data)') },
  ];
  const family: FamilyView = {
    kk: '3201010101150009',
    members: [
      { nik: '3201011203880001', name: 'BUDI SANTOSO', relationship: 'KEPALA KELUARGA', sex: pick(lang, 'Laki-laki', 'Male'), birth_date: '1988-03-12' },
      { nik: NIK, name: 'SITI NURHALIZA PUTRI WIJAYAKUSUMA', relationship: 'ISTRI', sex: pick(lang, 'Perempuan', 'Female'), birth_date: '1990-06-05' },
      { nik: NIK_YOUNG, name: 'RAHMA AULIA', relationship: 'ANAK', sex: pick(lang, 'Perempuan', 'Female'), birth_date: '2012-05-10' },
    ],
  };
  const activity: ActivityView[] = [
    { at: '2025-03-05T08:15:00Z', kind: 'verified', title: pick(lang, 'KTP Digital diperiksa oleh verifikator', 'Digital KTP checked by a verifier'), detail: 'Bank Rakyat Cabang Cibinong · basic' },
    { at: '2025-03-05T08:14:02Z', kind: 'login', title: pick(lang, 'Masuk dengan PIN', 'Signed in with the PIN'), detail: null },
    { at: '2025-03-04T06:00:00Z', kind: 'activated', title: pick(lang, 'Akun diaktifkan', 'Account activated'), detail: null },
    { at: '2025-03-04T05:30:00Z', kind: 'registration_approved', title: pick(lang, 'Pendaftaran disetujui', 'Registration approved'), detail: 'operator: DUKCAPIL-KAB-BOGOR-07' },
  ];
  const office: OfficeView = {
    name: 'Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bogor',
    address: 'Jl. Tegar Beriman No. 1, Tengah, Cibinong, Kabupaten Bogor, Jawa Barat 16914',
    hours: 'Senin–Kamis 08.00–15.00, Jumat 08.00–15.30',
    service_level: pick(lang, '20 menit sampai 1 hari kerja, gratis', '20 minutes to 1 working day, free of charge'),
    national: false,
    channels: [
      { kind: 'phone', label: '(021) 8758 1234', href: 'tel:+622187581234' },
      { kind: 'whatsapp', label: '0812-8000-1234', href: 'https://wa.me/6281280001234' },
      { kind: 'email', label: 'disdukcapil@bogorkab.go.id', href: 'mailto:disdukcapil@bogorkab.go.id' },
      { kind: 'website', label: 'disdukcapil.bogorkab.go.id', href: 'https://disdukcapil.bogorkab.go.id' },
      { kind: 'lapor', label: 'SP4N-LAPOR! (SMS 1708)', href: 'https://www.lapor.go.id' },
      { kind: 'complaint_box', label: pick(lang, 'Kotak saran di ruang tunggu', 'Suggestion box in the waiting room'), href: null },
    ],
  };
  const officeNational: OfficeView = {
    name: 'Direktorat Jenderal Kependudukan dan Pencatatan Sipil',
    address: 'Jl. Medan Merdeka Utara No. 7, Jakarta Pusat',
    hours: null,
    service_level: pick(lang, '20 menit sampai 1 hari kerja, gratis', '20 minutes to 1 working day, free of charge'),
    national: true,
    channels: [
      { kind: 'phone', label: '1500537', href: 'tel:1500537' },
      { kind: 'lapor', label: 'SP4N-LAPOR!', href: 'https://www.lapor.go.id' },
    ],
  };
  return {
    nikOk,
    nikYoung,
    msg,
    pinRules,
    /** What registration_qr answers: the first call, then every later one (the next window). */
    registrationQrs: [registrationQrFor(REGISTRATION_QR, 5), registrationQrFor(REGISTRATION_QR_NEXT, 30)],
    statuses: Object.fromEntries(
      (['submitted', 'awaiting_operator_scan', 'approved', 'rejected', 'expired'] as const).map((s) => [s, statusFor(s, lang)]),
    ) as Record<string, RegistrationStatus>,
    liveness,
    unlockOnline,
    unlockStale,
    card,
    cardStale,
    profiles,
    qr: Object.fromEntries(profiles.map((p) => [p.id, qrFor(p.id, false)])) as Record<string, QrView>,
    family,
    activity,
    office,
    officeNational,
  };
}

export type Fixtures = ReturnType<typeof fixtures>;

/** How the mocked Rust side behaves in one test. */
export interface Scenario {
  stage: 'new' | 'registered' | 'activated' | 'recovering';
  lang?: Lang;
  draft?: { nik: string; email: string; phone: string };
  /** `approve`: submitted → awaiting_operator_scan → approved over polls; `reject`: rejected;
   *  `expire`: expired (no operator in time); `wait`: submitted → awaiting_operator_scan, then it
   *  stays waiting. */
  registration?: 'approve' | 'reject' | 'expire' | 'wait';
  /** The registration's state when the app starts in stage `registered`. */
  regState?: string;
  /** Number of registration_status calls that fail with `offline` first. */
  statusFailures?: number;
  /** Unlock works offline (stale) until refresh() is called. */
  offline?: boolean;
  /** Wrong PINs before `pin_locked`. */
  lockAfter?: number;
  retryAfter?: number;
  /** The office list has no office for the resident. */
  national?: boolean;
  /** getUserMedia: the fake device, refused, or absent. */
  camera?: 'fake' | 'denied' | 'absent';
  /** Milliseconds every command takes. */
  latency?: number;
  /** liveness_start() fails with this code. */
  startError?: string;
  /** `camera`, or `test`: the session says the synthetic test camera (no camera, empty frames). */
  livenessSource?: 'camera' | 'test';
  /** The progress script of each attempt (the last one is used for any later attempt). */
  scripts?: ScriptEntry[][];
  /** liveness_finish() fails with these codes, one per call, before it works. */
  finishErrors?: string[];
  /** The mock keeps every frame's bytes (`__ikdMock.frame(i)`), not only their length. */
  keepFrames?: boolean;
  /** What the device-change poll answers after the code (default `ready`). */
  waitState?: 'waiting' | 'ready' | 'cancelled';
  /** A device change waits on this (old) phone's account: the home banner. */
  deviceChange?: boolean;
  /** The mail link the app was opened with: what take_link() answers (a view or an error code). */
  link?: { screen: 'activate' | 'recover'; code: string } | { error: string };
}

export function mockConfig(scenario: Scenario) {
  return {
    lockAfter: 3,
    retryAfter: 5,
    registration: 'approve',
    camera: 'fake',
    latency: 0,
    statusFailures: 0,
    livenessSource: 'camera',
    scripts: [SCRIPT_PASS],
    finishErrors: [],
    keepFrames: false,
    ...scenario,
    pin: PIN,
    activationCode: ACTIVATION_CODE,
    recoveryCode: RECOVERY_CODE,
    recoveryNik: NIK,
    recoveryEmail: RECOVERY_EMAIL,
    registrationId: REGISTRATION_ID,
    fx: { id: fixtures('id'), en: fixtures('en') },
  };
}
