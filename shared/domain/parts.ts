/**
 * Spare parts and backup terminals (备件库存): a catalogue, and stock as a ledger of movements.
 * On hand is never typed in: it is the sum of the part's movements (kept as a balance in the
 * same transaction as each movement). Movements are never edited or deleted; a mistake is
 * corrected by a reversing movement.
 */
import { z } from 'zod';
import { OccurrenceLabel } from './maintenance';
import { PhotoDataUrl } from './devices';

export const PART_CATEGORIES = [
  'power_adapter',
  'cable',
  'printer_part',
  'paper_roll',
  'battery',
  'card_reader',
  'sim_network',
  'cleaning_kit',
  'backup_terminal',
  'other',
] as const;
export const PartCategory = z.enum(PART_CATEGORIES, { error: 'parts.unknownCategory' });
export type PartCategory = z.infer<typeof PartCategory>;

/** The highest unit cost the catalogue accepts (yuan); anything above is a typing mistake. */
export const UNIT_COST_MAX = 100_000;
/** The largest quantity of one movement, minimum or reorder quantity (pieces). */
export const QUANTITY_MAX = 100_000;

const Text = (max: number) => z.string().trim().max(max, { error: 'parts.tooLong' }).default('');
const Pieces = (key: string) =>
  z.number({ error: key }).int({ error: 'parts.wholePieces' }).min(0, { error: key }).max(QUANTITY_MAX, { error: 'parts.quantityTooLarge' });

export const PartFields = z.object({
  name: z.string().trim().min(1, { error: 'parts.nameRequired' }).max(100, { error: 'parts.tooLong' }),
  partNumber: z
    .string()
    .trim()
    .min(1, { error: 'parts.partNumberRequired' })
    .max(60, { error: 'parts.tooLong' })
    .regex(/^[\p{L}\p{N}._\-/ ]+$/u, { error: 'parts.invalidPartNumber' }),
  category: PartCategory,
  /** Terminal models this part fits; a model the registry knows is stored in the registry's spelling. */
  compatibleModels: z.array(z.string().trim().min(1).max(100, { error: 'parts.tooLong' })).max(30).default([]),
  location: Text(100),
  supplier: Text(100),
  supplierContact: Text(200),
  /** Yuan with at most two decimals (stored in fen). */
  unitCost: z
    .number({ error: 'parts.invalidCost' })
    .min(0, { error: 'parts.invalidCost' })
    .max(UNIT_COST_MAX, { error: 'parts.costTooHigh' })
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, { error: 'parts.invalidCost' })
    .default(0),
  barcode: z.string().trim().max(64, { error: 'parts.tooLong' }).regex(/^[\x21-\x7e]*$/, { error: 'parts.invalidBarcode' }).default(''),
  minimumStock: Pieces('parts.minimumNegative').default(0),
  reorderQuantity: Pieces('parts.reorderNegative').default(0),
  notes: Text(2000),
});
export type PartFields = z.output<typeof PartFields>;
export const PartCreate = PartFields.strict();
export type PartCreateInput = z.input<typeof PartCreate>;
export const PartUpdate = PartFields.extend({ id: z.string().min(1) }).strict();
export const PartId = z.object({ id: z.string().min(1) }).strict();
/** A part's photo: a data: URL (PNG, JPEG or WebP, size-limited like device photos), or null to remove it. */
export const PartSetPhoto = z.object({ id: z.string().min(1), photo: PhotoDataUrl.nullable() }).strict();
export const PartPhoto = z.object({ photo: z.string().nullable() });

export const Part = PartFields.extend({
  id: z.string(),
  /** The sum of the part's movements. */
  onHand: z.number().int(),
  belowMinimum: z.boolean(),
  /** Days the stock lasts at the consumption of the last 90 days; null without consumption. */
  daysOfCover: z.number().nullable(),
  /** Registry models of `compatibleModels` that have a device in the registry. */
  modelsInRegistry: z.array(z.string()),
  /** Whether a photo is kept (`parts.photo` reads it: the list does not carry photos). */
  hasPhoto: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Part = z.infer<typeof Part>;

export const MOVEMENT_KINDS = ['receive', 'consume', 'adjust', 'return'] as const;
export const MovementKind = z.enum(MOVEMENT_KINDS, { error: 'parts.unknownMovementKind' });
export type MovementKind = z.infer<typeof MovementKind>;

export const PartMove = z
  .object({
    partId: z.string().min(1, { error: 'parts.unknownPart' }),
    kind: MovementKind,
    quantity: z.number({ error: 'parts.quantityPositive' }).int({ error: 'parts.wholePieces' }).min(1, { error: 'parts.quantityPositive' }).max(QUANTITY_MAX, { error: 'parts.quantityTooLarge' }),
    /** For `adjust`: whether the count found more (up) or fewer (down) than on hand. */
    direction: z.enum(['up', 'down'], { error: 'parts.directionRequired' }).optional(),
    reason: z.string().trim().max(500, { error: 'parts.tooLong' }).optional(),
    /** Allows on hand to go below zero; recorded on the movement. */
    override: z.boolean().optional(),
    /** For `receive`: the price paid per piece (yuan); else the catalogue's unit cost. */
    unitCost: z.number({ error: 'parts.invalidCost' }).min(0, { error: 'parts.invalidCost' }).max(UNIT_COST_MAX, { error: 'parts.costTooHigh' }).optional(),
    /** For `consume`: the incident the part went into. */
    incidentId: z.string().trim().max(64).optional(),
    /** For `consume`: the maintenance occurrence it went into (its key, planId|deviceId|original). */
    maintenance: z.string().trim().max(200, { error: 'parts.tooLong' }).optional(),
  })
  .strict()
  .superRefine((move, ctx) => {
    if (move.kind === 'adjust' && !move.direction) ctx.addIssue({ code: 'custom', path: ['direction'], message: 'parts.directionRequired' });
    if (move.kind === 'adjust' && !move.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'parts.reasonRequired' });
  });
export type PartMoveInput = z.input<typeof PartMove>;
export type PartMoveFields = z.output<typeof PartMove>;

/** The movements of one part, of one incident, or of one maintenance occurrence (exactly one of them). */
export const MovementFilter = z
  .object({ partId: z.string().min(1).optional(), incidentId: z.string().min(1).optional(), maintenance: z.string().min(1).max(200).optional() })
  .strict()
  .refine((f) => [f.partId, f.incidentId, f.maintenance].filter((v) => v !== undefined).length === 1, { error: 'parts.unknownPart', path: ['partId'] });
export type MovementFilter = z.infer<typeof MovementFilter>;

export const PartReverse = z
  .object({ movementId: z.number().int().positive(), reason: z.string().trim().min(1, { error: 'parts.reasonRequired' }).max(500, { error: 'parts.tooLong' }), override: z.boolean().optional() })
  .strict();

export const Movement = z.object({
  id: z.number().int(),
  partId: z.string(),
  at: z.string(),
  kind: z.enum([...MOVEMENT_KINDS, 'reversal']),
  /** Signed change of on hand. */
  delta: z.number().int(),
  /** On hand right after this movement. */
  balanceAfter: z.number().int(),
  unitCost: z.number(),
  reason: z.string(),
  incidentId: z.string().nullable(),
  maintenance: z.string().nullable(),
  /** The maintenance occurrence `maintenance` names, as the ledger shows it (absent when its plan is gone). */
  maintenanceLabel: OccurrenceLabel.optional(),
  /** The manager allowed this movement to take on hand below zero. */
  override: z.boolean(),
  /** For a reversal: the movement it reverses. */
  reversesId: z.number().int().nullable(),
  /** The reversal of this movement, if any. */
  reversedById: z.number().int().nullable(),
});
export type Movement = z.infer<typeof Movement>;

export const PartMoveResult = z.object({ part: Part, movement: Movement });

export const ReorderLine = z.object({
  partId: z.string(),
  name: z.string(),
  partNumber: z.string(),
  supplier: z.string(),
  supplierContact: z.string(),
  onHand: z.number().int(),
  minimumStock: z.number().int(),
  quantityToOrder: z.number().int(),
  unitCost: z.number(),
  estimatedCost: z.number(),
});
export type ReorderLine = z.infer<typeof ReorderLine>;

/** How much to order: the reorder quantity, or more when that does not bring on hand back to the minimum. */
export function quantityToOrder(part: Pick<Part, 'onHand' | 'minimumStock' | 'reorderQuantity'>): number {
  return Math.max(part.reorderQuantity, part.minimumStock - part.onHand);
}

/** `overwrite`: replace an existing file, only after the manager confirmed it. */
export const PartsExportInput = z.object({ out: z.string().trim().min(1).max(1000), overwrite: z.boolean().optional() }).strict();
export const PartsExportResult = z.object({ file: z.string(), rows: z.number().int(), bytes: z.number().int() });

export const PartsStarterImport = z.object({ language: z.enum(['zh-CN', 'en']) }).strict();
export const PartsStarterResult = z.object({ created: z.number().int(), skipped: z.number().int() });

/** Exact barcode or part number (scanner input): the part, or null. */
export const PartsLookup = z.object({ code: z.string().trim().min(1).max(64) }).strict();

/** A backup terminal: a registry device picked as backup (incidents' keep-selling list) and its state. */
export const BACKUP_STATES = ['ready', 'in_service', 'in_repair', 'retired'] as const;
export const BackupState = z.enum(BACKUP_STATES, { error: 'parts.unknownBackupState' });
export type BackupState = z.infer<typeof BackupState>;
export const BackupTerminal = z.object({ deviceId: z.string(), state: BackupState, replacesDeviceId: z.string().nullable(), updatedAt: z.string().nullable() });
export type BackupTerminal = z.infer<typeof BackupTerminal>;
export const BackupSetState = z.object({ deviceId: z.string().min(1), state: BackupState }).strict();
export const BackupSwap = z
  .object({
    incidentId: z.string().min(1),
    backupDeviceId: z.string().min(1, { error: 'parts.backupRequired' }),
    /** The spare part (category backup terminal) taken from stock for the swap, if the catalogue keeps one. */
    partId: z.string().min(1).optional(),
  })
  .strict();
export const BackupSwapResult = z.object({ backups: z.array(BackupTerminal), enquiryOk: z.boolean(), summary: z.string() });
