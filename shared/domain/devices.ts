/**
 * The device registry: one record per POS terminal of the store. Records are archived, never
 * deleted, so incidents and status history keep their device.
 */
import { z } from 'zod';
import { DEFAULT_VENDOR_PROFILE, VENDOR_PROFILE_IDS } from './terminals';
import { CodeText } from './status';
import { calendarDate } from './time';

const CalendarDate = calendarDate('devices.invalidDate');
const OptionalDate = z.union([z.literal(''), CalendarDate]).nullable().optional().transform((v) => (v ? v : null));
const Text = (max: number) => z.string().trim().max(max).default('');

export const PARITIES = ['none', 'even', 'odd', 'mark', 'space'] as const;

export const SerialConnection = z.object({
  type: z.literal('serial'),
  path: z.string().trim().min(1, { error: 'devices.portRequired' }).max(200),
  baudRate: z.number().int().refine((v) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(v), { error: 'devices.invalidBaudRate' }).default(9600),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(PARITIES).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(2),
});

export const TcpConnection = z.object({
  type: z.literal('tcp'),
  host: z.string().trim().min(1, { error: 'devices.hostRequired' }).max(253).regex(/^[A-Za-z0-9.\-:[\]]+$/, { error: 'devices.invalidHost' }),
  port: z.number().int().min(1, { error: 'devices.invalidPort' }).max(65535, { error: 'devices.invalidPort' }).default(20007),
});

/** A standalone terminal (4G/Wi-Fi to its payment host, no cable to this PC): never linked or polled, checked by staff. */
export const NoConnection = z.object({ type: z.literal('none') });

export const DeviceConnection = z.discriminatedUnion('type', [SerialConnection, TcpConnection, NoConnection]);
export type DeviceConnection = z.infer<typeof DeviceConnection>;
/** A connection PosCare opens a link over. */
export type LinkedConnection = Exclude<DeviceConnection, { type: 'none' }>;

export function isStandalone(device: { connection: DeviceConnection }): boolean {
  return device.connection.type === 'none';
}

/** How a standalone terminal reaches its payment host ('' not said). */
export const NETWORK_TYPES = ['4g', 'wifi', 'lan'] as const;
const Network = z.union([z.literal(''), z.enum(NETWORK_TYPES)], { error: 'devices.invalidNetwork' });

/** Pick lists of the form (free text allowed): the terminals of Chinese counters and their acquirers. */
export const COMMON_VENDORS = ['拉卡拉 Lakala', '美团 Meituan', '银联商务 Chinaums', '收钱吧', '新大陆 Newland', '联迪 Landi', '百富 PAX', '证通 Szzt', '惠尔丰 Verifone', 'Ingenico'] as const;
export const COMMON_MODELS = ['拉卡拉 电签 K2', '拉卡拉 智能POS A8', '美团 POS N910', '新大陆 ME31', '新大陆 N910', '联迪 A8', '百富 A920', '百富 S90', '证通 E350'] as const;
export const COMMON_ACQUIRERS = ['拉卡拉', '银联商务', '美团', '收钱吧', '中国银联', '工商银行', '建设银行', '农业银行', '中国银行', '招商银行'] as const;

/** The largest photo file the form accepts (bytes); its data: URL stays under the schema's limit. */
export const PHOTO_MAX_BYTES = 1_000_000;
export const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
/** A photo as a data: URL (PNG, JPEG or WebP), under the size limit: device, spare part and maintenance step photos. */
export const PhotoDataUrl = z
  .string()
  .max(Math.ceil((PHOTO_MAX_BYTES * 4) / 3) + 100, { error: 'devices.photoTooLarge' })
  .regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/, { error: 'devices.invalidPhoto' });

/** The terminal's six-digit password; empty means the factory default 000000. */
const TerminalPassword = z.string().trim().regex(/^(\d{6})?$/, { error: 'devices.invalidTerminalPassword' });

/** The terminal's vendor profile (shared/domain/terminals); an id PosCare does not know is a field error. */
const ProfileId = z.enum(VENDOR_PROFILE_IDS, { error: 'devices.unknownProfile' });

const DeviceFieldsBase = z.object({
  name: z.string().trim().min(1, { error: 'devices.nameRequired' }).max(100),
  model: Text(100),
  vendor: Text(100),
  serialNumber: Text(100),
  tid: z.string().trim().regex(/^[A-Za-z0-9-]{0,16}$/, { error: 'devices.invalidTid' }).default(''),
  location: Text(100),
  connection: DeviceConnection,
  purchaseDate: OptionalDate,
  warrantyEnd: OptionalDate,
  softwareVersion: Text(60),
  supportContact: Text(200),
  network: Network.optional().transform((v) => v ?? ''),
  /** Who settles the terminal's payments, and their merchant hotline (the escalation pack names both). */
  acquirer: Text(100),
  acquirerHotline: z.string().trim().regex(/^[0-9+\-() ]{0,30}$/, { error: 'devices.invalidHotline' }).default(''),
  notes: Text(2000),
  /** A small photo as a data: URL, optional. */
  photo: PhotoDataUrl.nullable().optional().transform((v) => v ?? null),
  terminalPassword: TerminalPassword.optional().transform((v) => v ?? ''),
  profileId: ProfileId.optional().transform((v) => v ?? DEFAULT_VENDOR_PROFILE),
});

function checkDates(fields: { purchaseDate: string | null; warrantyEnd: string | null }, ctx: z.RefinementCtx): void {
  if (fields.purchaseDate && fields.warrantyEnd && fields.warrantyEnd < fields.purchaseDate) {
    ctx.addIssue({ code: 'custom', path: ['warrantyEnd'], message: 'devices.warrantyBeforePurchase' });
  }
}

/** Unknown keys are refused, as by every input of the contract. */
export const DeviceFields = DeviceFieldsBase.strict().superRefine(checkDates);
export type DeviceFields = z.infer<typeof DeviceFields>;
export type DeviceFieldsInput = z.input<typeof DeviceFields>;

export const Device = DeviceFieldsBase.extend({
  id: z.string(),
  photo: z.string().nullable(),
  terminalPassword: z.string(),
  archived: z.boolean(),
  /** A practice drill's simulated terminal (training): left out of analytics, alerts and, once the drill ended, every list. */
  drill: z.boolean().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Device = z.infer<typeof Device>;

export const DeviceCreate = DeviceFields;
/** An update without `photo` keeps the stored photo (`photo: null` removes it); without `terminalPassword` or `profileId`, the stored one. */
export const DeviceUpdate = DeviceFieldsBase.extend({
  id: z.string().min(1),
  photo: PhotoDataUrl.nullable().optional(),
  terminalPassword: TerminalPassword.optional(),
  profileId: ProfileId.optional(),
}).strict().superRefine(checkDates);
export type DeviceUpdate = z.infer<typeof DeviceUpdate>;

export const DeviceId = z.object({ id: z.string().min(1) }).strict();
export const DeviceList = z.object({ includeArchived: z.boolean().default(false) }).strict().optional().default({ includeArchived: false });

export const DeviceCsvImport = z.object({ csv: z.string().max(5_000_000) }).strict();
export const DeviceCsvImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** One entry per refused line: 1-based line number and the field issues. */
  errors: z.array(z.object({ line: z.number().int(), issues: z.array(z.object({ path: z.string(), messageKey: z.string() })) })),
});
export type DeviceCsvImportResult = z.infer<typeof DeviceCsvImportResult>;

/** How terminal models are matched ("VX 520 " and "vx 520" are one model): trimmed, case-insensitive. */
export function modelKey(model: string): string {
  return model.trim().toLowerCase();
}

/**
 * The manager's registry settings: the current software version of each model, which decides
 * whether a terminal's software is current. Models without an entry fall back to the newest
 * version seen on a terminal of that model.
 */
export const DeviceSettings = z.object({
  currentSoftware: z
    .array(z.object({ model: z.string().trim().min(1, { error: 'devices.modelRequired' }).max(100), version: z.string().trim().min(1, { error: 'devices.versionRequired' }).max(60) }).strict())
    .max(200)
    .default([])
    .superRefine((entries, ctx) => {
      const seen = new Set<string>();
      entries.forEach((entry, index) => {
        const key = modelKey(entry.model);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'model'], message: 'devices.modelTwice' });
        seen.add(key);
      });
    }),
});
export type DeviceSettings = z.infer<typeof DeviceSettings>;
export const DeviceSettingsUpdate = DeviceSettings.partial().strict();

/** The columns of the registry CSV, in order. */
export const DEVICE_CSV_COLUMNS = [
  'id', 'name', 'model', 'vendor', 'serialNumber', 'tid', 'location', 'connectionType', 'serialPath', 'baudRate',
  'dataBits', 'parity', 'stopBits', 'host', 'port', 'purchaseDate', 'warrantyEnd', 'softwareVersion', 'supportContact', 'notes', 'archived',
  'network', 'acquirer', 'acquirerHotline',
] as const;

/** A human label of the connection ("COM3 9600 8N2", "10.0.0.5:20007", "" for a standalone terminal: the UI names it). */
export function connectionLabel(connection: DeviceConnection): string {
  if (connection.type === 'none') return '';
  if (connection.type === 'tcp') return `${connection.host}:${connection.port}`;
  return `${connection.path} ${connection.baudRate} ${connection.dataBits}${connection.parity[0]?.toUpperCase() ?? 'N'}${connection.stopBits}`;
}

export const DeviceCommandRecord = z.object({
  id: z.number().int(),
  deviceId: z.string(),
  command: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  ok: z.boolean().nullable(),
  /** The result as stored: codes ('terminal:0xCC', 'summary:reconnecting'), or text from an older version. */
  summary: z.string(),
  /** The summary worded in both languages (what the console shows). */
  summaryText: CodeText,
  printLines: z.array(z.string()),
});
export type DeviceCommandRecord = z.infer<typeof DeviceCommandRecord>;

export const DeviceCommandEvent = z.object({
  deviceId: z.string(),
  commandId: z.number().int(),
  command: z.string(),
  phase: z.enum(['started', 'progress', 'finished']),
  /** English, for logs and tests (the terminal's intermediate status, a command name). */
  text: z.string(),
  /** What to show the manager, in both languages, when the progress has words (e.g. 0A "insert card"). */
  words: CodeText.optional(),
  ok: z.boolean().optional(),
});
