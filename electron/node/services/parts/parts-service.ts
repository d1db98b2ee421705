/**
 * Spare parts (备件库存): the catalogue, stock as a ledger, low-stock attention items, the
 * reorder list and its XLSX export, and the backup terminals with the guided swap from an
 * incident. On hand is the sum of movements, kept as a balance in the same IMMEDIATE
 * transaction as each movement; going below zero needs `override`, which the movement records.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { AttentionItem } from '../../../../shared/domain/attention';
import { modelKey } from '../../../../shared/domain/devices';
import {
  PartFields,
  quantityToOrder,
  type BackupState,
  type BackupTerminal,
  type Movement,
  type MovementFilter,
  type Part,
  type PartMoveFields,
  type ReorderLine,
} from '../../../../shared/domain/parts';
import type { OccurrenceLabel } from '../../../../shared/domain/maintenance';
import type { Language } from '../../../../shared/domain/settings';
import { addDays, zonedDay, zonedDayStart } from '../../../../shared/domain/time';
import { AppError, type ErrorCode } from '../../../../shared/ipc/result';
import en from '../../../../shared/locales/en.json';
import zhCN from '../../../../shared/locales/zh-CN.json';
import type { Db } from '../../db/connection';
import {
  backupStates,
  clearBackupState,
  consumedSince,
  getPartPhoto,
  setPartPhoto,
  getMovement,
  getPart,
  insertPart,
  listMovements,
  listParts,
  partByCode,
  partClashing,
  recordMovement,
  setBackupState,
  updatePart,
  type NewMovement,
  type StoredPart,
} from '../../db/parts';
import type { EventBus } from '../../events/bus';
import type { Logger } from '../../log/logger';
import type { DevicesService } from '../devices/devices-service';
import { isoNow, type Clock } from '../../clock';
import type { IncidentsService } from '../incidents/incidents-service';
import type { SettingsService } from '../settings/settings-service';
import type { CsvImportResult, CsvLineIssue } from '../../../../shared/domain/csv';
import { replaceFile } from '../../files/replace-file';
import { catalogueCsv, readCatalogueCsv } from './catalogue-csv';
import { checkWriteFile } from '../../files/write-target';

/** Days of consumption that "days of cover" is computed from. */
const COVER_WINDOW_DAYS = 90;

function fieldError(code: ErrorCode, path: string, messageKey: string, message: string): AppError {
  return new AppError(code, message, { issues: [{ path, code: 'custom', messageKey }] });
}

export interface StarterItem {
  partNumber: string;
  category: PartFields['category'];
  name: Record<Language, string>;
  minimumStock: number;
  reorderQuantity: number;
  unitCost: number;
}

export interface PartsServiceOptions {
  clock: Clock;
  logger: Logger;
  /** The shipped starter catalogue (resources/parts/starter.json). */
  starter: () => StarterItem[];
  /** The backup terminals the contingency plan names (registry device ids, in its order). */
  backupDeviceIds: () => string[];
  /** Whether a maintenance occurrence key names an occurrence (a consumption may go into one). */
  maintenanceOccurrence?: (key: string) => boolean;
  /** How the ledger names an occurrence key: plan title, device, when (undefined: its plan is gone). */
  describeOccurrence?: (key: string) => OccurrenceLabel | undefined;
}

export class PartsService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly devices: DevicesService,
    private readonly incidents: IncidentsService,
    private readonly settings: SettingsService,
    private readonly options: PartsServiceOptions,
  ) {}

  /** Registry models by modelKey, in the registry's spelling. */
  private registryModels(): Map<string, string> {
    const models = new Map<string, string>();
    for (const device of this.devices.list()) if (device.model) models.set(modelKey(device.model), device.model);
    return models;
  }

  /** One object per part, field by field: the list builds thousands (no rest and spread copies). */
  private view(part: StoredPart, used: Map<string, number>, models: Map<string, string>): Part {
    const perDay = (used.get(part.id) ?? 0) / COVER_WINDOW_DAYS;
    return {
      id: part.id,
      name: part.name,
      partNumber: part.partNumber,
      category: part.category,
      compatibleModels: part.compatibleModels,
      location: part.location,
      supplier: part.supplier,
      supplierContact: part.supplierContact,
      unitCost: part.unitCost,
      barcode: part.barcode,
      minimumStock: part.minimumStock,
      reorderQuantity: part.reorderQuantity,
      notes: part.notes,
      onHand: part.onHand,
      hasPhoto: part.hasPhoto,
      belowMinimum: part.onHand < part.minimumStock,
      daysOfCover: perDay > 0 ? Math.max(0, Math.floor(part.onHand / perDay)) : null,
      modelsInRegistry: part.compatibleModels.length === 0 ? [] : part.compatibleModels.filter((m) => models.has(modelKey(m))),
      createdAt: part.createdAt,
      updatedAt: part.updatedAt,
    };
  }

  /**
   * Pieces used per part since the store day COVER_WINDOW_DAYS ago, for days of cover. Summing the
   * ledger's window is some 100 ms at a million movements and the list is asked for often: the
   * answer is kept for the window's first day and moved with each movement this service records
   * (nothing else writes the ledger; a restore calls forgetKept).
   */
  private usedRecently(): Map<string, number> {
    const timeZone = this.settings.get().store.timezone;
    const since = new Date(zonedDayStart(addDays(zonedDay(this.options.clock.now(), timeZone), -COVER_WINDOW_DAYS), timeZone)).toISOString();
    if (this.kept?.since !== since) this.kept = { since, used: consumedSince(this.db, since) };
    return this.kept.used;
  }

  private kept: { since: string; used: Map<string, number> } | null = null;

  /** After a restore: the kept usage described another ledger. */
  forgetKept(): void {
    this.kept = null;
  }

  list(): Part[] {
    const used = this.usedRecently();
    const models = this.registryModels();
    return listParts(this.db).map((p) => this.view(p, used, models));
  }

  private stored(id: string): StoredPart {
    const part = getPart(this.db, id);
    if (!part) throw fieldError('not_found', 'partId', 'parts.unknownPart', `No part ${id}`);
    return part;
  }

  get(id: string): Part {
    return this.view(this.stored(id), this.usedRecently(), this.registryModels());
  }

  photo(id: string): { photo: string | null } {
    return { photo: getPartPhoto(this.db, this.stored(id).id) };
  }

  /** Sets or (null) removes the part's photo; the catalogue fields stay as they are. */
  setPhoto(id: string, photo: string | null): Part {
    const part = this.stored(id);
    setPartPhoto(this.db, part.id, photo, isoNow(this.options.clock));
    return this.changed(part.id);
  }

  /** The part whose barcode or part number is exactly the scanned code, or null. */
  lookup(code: string): Part | null {
    const part = partByCode(this.db, code.trim());
    return part ? this.get(part.id) : null;
  }

  /** Checks uniqueness and writes the registry's spelling of known models. */
  private prepare(fields: PartFields, exceptId?: string): PartFields {
    if (partClashing(this.db, 'partNumber', fields.partNumber, exceptId)) {
      throw fieldError('conflict', 'partNumber', 'parts.duplicatePartNumber', `Part number ${fields.partNumber} is already in the catalogue`);
    }
    if (fields.barcode && partClashing(this.db, 'barcode', fields.barcode, exceptId)) {
      throw fieldError('conflict', 'barcode', 'parts.duplicateBarcode', `Barcode ${fields.barcode} is already in the catalogue`);
    }
    return this.withRegistryModels(fields);
  }

  /** Compatible models in the registry's spelling, each once. */
  private withRegistryModels(fields: PartFields): PartFields {
    const models = this.registryModels();
    const compatible = new Map<string, string>();
    for (const model of fields.compatibleModels) compatible.set(modelKey(model), models.get(modelKey(model)) ?? model);
    return { ...fields, compatibleModels: [...compatible.values()] };
  }

  create(input: PartFields): Part {
    const fields = this.prepare(input);
    const id = randomUUID();
    insertPart(this.db, id, fields, isoNow(this.options.clock), this.crossingAtCreation(fields));
    return this.changed(id);
  }

  /** Crossings not started by a movement (creation, a new minimum) are marked by a negative time. */
  private crossingAtCreation(fields: PartFields): number | null {
    return fields.minimumStock > 0 ? -this.options.clock.now() : null;
  }

  update(id: string, input: PartFields): Part {
    this.stored(id);
    this.updateStored(id, this.prepare(input, id));
    return this.changed(id);
  }

  private updateStored(id: string, input: PartFields): void {
    const before = this.stored(id);
    const fields = this.withRegistryModels(input);
    // A new minimum can start (or end) a low-stock crossing without a movement.
    const low = before.onHand < fields.minimumStock;
    const lowSince = low ? (before.lowSince ?? -this.options.clock.now()) : null;
    updatePart(this.db, id, fields, isoNow(this.options.clock), lowSince);
  }

  private changed(id: string): Part {
    const part = this.get(id);
    this.bus.emit('parts.changed', part);
    return part;
  }

  movements(filter: MovementFilter): Movement[] {
    if (filter.partId !== undefined) this.stored(filter.partId);
    const labels = new Map<string, OccurrenceLabel | undefined>();
    return listMovements(this.db, filter).map((movement) => this.labelled(movement, labels));
  }

  /** The movement with its maintenance occurrence named as the ledger shows it (each key looked up once per list). */
  private labelled(movement: Movement, labels = new Map<string, OccurrenceLabel | undefined>()): Movement {
    const key = movement.maintenance;
    if (!key || !this.options.describeOccurrence) return movement;
    if (!labels.has(key)) labels.set(key, this.options.describeOccurrence(key));
    const label = labels.get(key);
    return label ? { ...movement, maintenanceLabel: label } : movement;
  }

  /** One movement: refused (nothing written) when it takes on hand below zero without override. */
  move(input: PartMoveFields): { part: Part; movement: Movement } {
    const part = this.stored(input.partId);
    if (input.incidentId) this.incidents.get(input.incidentId);
    if (input.kind === 'consume' && input.maintenance && this.options.maintenanceOccurrence && !this.options.maintenanceOccurrence(input.maintenance)) {
      throw fieldError('not_found', 'maintenance', 'parts.unknownOccurrence', `No maintenance occurrence ${input.maintenance}`);
    }
    const sign = input.kind === 'receive' || (input.kind === 'adjust' && input.direction === 'up') ? 1 : -1;
    const cost = input.kind === 'receive' && input.unitCost !== undefined ? input.unitCost : part.unitCost;
    return this.record(
      {
        partId: part.id,
        at: isoNow(this.options.clock),
        kind: input.kind,
        delta: sign * input.quantity,
        unitCostCents: Math.round(cost * 100),
        reason: input.reason ?? '',
        incidentId: input.kind === 'consume' ? (input.incidentId ?? null) : null,
        maintenance: input.kind === 'consume' ? input.maintenance || null : null,
        override: false,
        reversesId: null,
      },
      input.override === true,
    );
  }

  /** Corrects a movement by adding its opposite (once); the original stays in the ledger. */
  reverse(input: { movementId: number; reason: string; override?: boolean | undefined }): { part: Part; movement: Movement } {
    const original = getMovement(this.db, input.movementId);
    if (!original) throw fieldError('not_found', 'movementId', 'parts.unknownMovement', `No movement ${input.movementId}`);
    if (original.kind === 'reversal') throw fieldError('conflict', 'movementId', 'parts.reversalOfReversal', 'A reversal is not reversed; record a new movement');
    if (original.reversedById !== null) throw fieldError('conflict', 'movementId', 'parts.alreadyReversed', `Movement ${original.id} is already reversed`);
    return this.record(
      {
        partId: original.partId,
        at: isoNow(this.options.clock),
        kind: 'reversal',
        delta: -original.delta,
        unitCostCents: Math.round(original.unitCost * 100),
        reason: input.reason,
        incidentId: original.incidentId,
        maintenance: original.maintenance,
        override: false,
        reversesId: original.id,
      },
      input.override === true,
      original.kind === 'consume',
    );
  }

  private record(movement: NewMovement, allowNegative: boolean, reversesConsume = false): { part: Part; movement: Movement } {
    let id: number;
    try {
      id = recordMovement(this.db, movement, (part) => {
        const after = part.onHand + movement.delta;
        if (after < 0 && !allowNegative) {
          throw new AppError('conflict', `Only ${part.onHand} on hand of ${part.partNumber}`, {
            onHand: part.onHand,
            issues: [{ path: 'quantity', code: 'custom', messageKey: 'parts.belowZero' }],
          });
        }
        // The override is recorded only where it was needed.
        movement.override = after < 0;
      });
    } catch (error) {
      if (error instanceof Error && /UNIQUE constraint failed: part_movements.reverses_id/.test(error.message)) {
        throw fieldError('conflict', 'movementId', 'parts.alreadyReversed', 'That movement is already reversed');
      }
      throw error;
    }
    this.options.logger.info('part movement', { partId: movement.partId, kind: movement.kind, delta: movement.delta, override: movement.override });
    // Consumptions and their reversals move the kept usage exactly as consumedSince counts them.
    if (this.kept && movement.at >= this.kept.since && (movement.kind === 'consume' || (movement.kind === 'reversal' && reversesConsume))) {
      this.kept.used.set(movement.partId, (this.kept.used.get(movement.partId) ?? 0) - movement.delta);
    }
    const recorded = getMovement(this.db, id);
    if (!recorded) throw new AppError('internal', 'The movement vanished');
    return { part: this.changed(movement.partId), movement: this.labelled(recorded) };
  }

  reorderList(): ReorderLine[] {
    return this.list()
      .filter((p) => p.belowMinimum)
      .map((p) => {
        const quantity = quantityToOrder(p);
        return {
          partId: p.id,
          name: p.name,
          partNumber: p.partNumber,
          supplier: p.supplier,
          supplierContact: p.supplierContact,
          onHand: p.onHand,
          minimumStock: p.minimumStock,
          quantityToOrder: quantity,
          unitCost: p.unitCost,
          estimatedCost: Math.round(quantity * p.unitCost * 100) / 100,
        };
      });
  }

  /** Writes the reorder list as XLSX, through the write-target check (never into the data folder, never over a file unasked). */
  async exportReorderList(out: string, overwrite = false): Promise<{ file: string; rows: number; bytes: number }> {
    const file = checkWriteFile(out, { dataDir: path.dirname(this.db.name), field: 'out', overwrite });
    const lines = this.reorderList();
    const texts = (this.settings.get().language === 'en' ? en : zhCN).parts.reorder;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(texts.sheet);
    sheet.columns = [
      { header: texts.part, key: 'name', width: 32 },
      { header: texts.partNumber, key: 'partNumber', width: 18 },
      { header: texts.supplier, key: 'supplier', width: 24 },
      { header: texts.contact, key: 'supplierContact', width: 24 },
      { header: texts.onHand, key: 'onHand', width: 10 },
      { header: texts.minimum, key: 'minimumStock', width: 10 },
      { header: texts.toOrder, key: 'quantityToOrder', width: 10 },
      { header: texts.unitCost, key: 'unitCost', width: 12 },
      { header: texts.estimatedCost, key: 'estimatedCost', width: 14 },
    ];
    for (const line of lines) sheet.addRow(line);
    return { file, rows: lines.length, bytes: await replaceFile(file, (temp) => workbook.xlsx.writeFile(temp)) };
  }

  /** The catalogue as CSV (on hand included for reading; an import never changes stock). */
  exportCsv(): string {
    return catalogueCsv(this.list());
  }

  /**
   * Imports catalogue lines: a line with the id of a part of this catalogue, or else the part
   * number of one, updates it; other lines create parts (an id from another shop's export is not
   * kept). Every line is checked first (fields, part numbers and barcodes
   * unique across the catalogue as it would be after the import); if any line is wrong nothing is
   * saved and every wrong line is named with its fields. The writes run in one transaction.
   */
  importCsv(csv: string): CsvImportResult {
    const { missing, lines } = readCatalogueCsv(csv);
    if (missing.length > 0) throw fieldError('validation', 'csv', 'parts.csvMissingColumns', `The CSV lacks the columns ${missing.join(', ')}`);
    const existing = listParts(this.db);
    const byId = new Map(existing.map((p) => [p.id, p]));
    const byNumber = new Map(existing.map((p) => [p.partNumber.toLowerCase(), p]));
    const errors: CsvImportResult['errors'] = [];
    const planned: { line: number; targetId?: string; fields: PartFields }[] = [];
    const issuesOf = new Map<number, CsvLineIssue[]>();
    const issue = (line: number, path: string, messageKey: string) => issuesOf.set(line, [...(issuesOf.get(line) ?? []), { path, messageKey }]);
    for (const item of lines) {
      const parsed = PartFields.safeParse(item.candidate);
      if (!parsed.success) {
        for (const i of parsed.error.issues) issue(item.line, i.path.map(String).join('.'), /^[a-z]+\.[a-zA-Z]+$/.test(i.message) ? i.message : 'validation.generic');
      }
      // An id this catalogue does not know comes from another shop's export: matched by part number like a line without id.
      let targetId = item.id && byId.has(item.id) ? item.id : undefined;
      if (!targetId && parsed.success) targetId = byNumber.get(parsed.data.partNumber.toLowerCase())?.id;
      if (targetId && planned.some((p) => p.targetId === targetId)) issue(item.line, 'id', 'parts.csvSamePartTwice');
      if (parsed.success) planned.push({ line: item.line, ...(targetId ? { targetId } : {}), fields: parsed.data });
    }
    // Part numbers and barcodes stay unique in the catalogue as it will be.
    const after = new Map<string, { line?: number; partNumber: string; barcode: string }>(existing.map((p) => [p.id, { partNumber: p.partNumber, barcode: p.barcode }]));
    planned.forEach((p, i) => after.set(p.targetId ?? `new:${i}`, { line: p.line, partNumber: p.fields.partNumber, barcode: p.fields.barcode }));
    for (const [field, key] of [['partNumber', 'parts.duplicatePartNumber'], ['barcode', 'parts.duplicateBarcode']] as const) {
      const seen = new Map<string, number>();
      for (const entry of after.values()) {
        const value = entry[field].toLowerCase();
        if (value) seen.set(value, (seen.get(value) ?? 0) + 1);
      }
      for (const entry of after.values()) if (entry.line !== undefined && entry[field] && (seen.get(entry[field].toLowerCase()) ?? 0) > 1) issue(entry.line, field, key);
    }
    for (const [line, issues] of [...issuesOf.entries()].sort((a, b) => a[0] - b[0])) {
      const seen = new Set<string>();
      errors.push({ line, issues: issues.filter((i) => !seen.has(`${i.path} ${i.messageKey}`) && seen.add(`${i.path} ${i.messageKey}`)) });
    }
    if (errors.length > 0) return { created: 0, updated: 0, errors };

    const written: string[] = [];
    let updated = 0;
    this.db.transaction(() => {
      for (const item of planned) {
        if (item.targetId) {
          this.updateStored(item.targetId, item.fields);
          updated += 1;
          written.push(item.targetId);
        } else {
          const id = randomUUID();
          const fields = this.withRegistryModels(item.fields);
          insertPart(this.db, id, fields, isoNow(this.options.clock), this.crossingAtCreation(fields));
          written.push(id);
        }
      }
    })();
    for (const id of written) this.changed(id);
    return { created: written.length - updated, updated, errors: [] };
  }

  /** Adds the shipped starter items whose part number is not yet in the catalogue. */
  importStarter(language: Language): { created: number; skipped: number } {
    let created = 0;
    let skipped = 0;
    this.db.transaction(() => {
      for (const item of this.options.starter()) {
        if (partClashing(this.db, 'partNumber', item.partNumber)) {
          skipped += 1;
          continue;
        }
        const fields = PartFields.parse({ name: item.name[language], partNumber: item.partNumber, category: item.category, minimumStock: item.minimumStock, reorderQuantity: item.reorderQuantity, unitCost: item.unitCost });
        insertPart(this.db, randomUUID(), fields, isoNow(this.options.clock), this.crossingAtCreation(fields));
        created += 1;
      }
    })();
    for (const part of this.list()) this.bus.emit('parts.changed', part);
    return { created, skipped };
  }

  /** One item per part below its minimum; the id changes only when a new crossing starts. */
  attentionItems(): AttentionItem[] {
    return listParts(this.db)
      .filter((p) => p.onHand < p.minimumStock)
      .map((p) => ({
        id: `parts.low:${p.id}:${p.lowSince ?? 0}`,
        section: 'parts' as const,
        kind: 'parts.low',
        severity: p.onHand <= 0 ? ('critical' as const) : ('warning' as const),
        count: 1,
        textKey: 'parts.attentionLow',
        params: { name: p.name, partNumber: p.partNumber, onHand: p.onHand, minimum: p.minimumStock },
        link: `/parts/${p.id}`,
      }));
  }

  /** The registry devices picked as backup terminals (the contingency plan's list) with their state. */
  backups(): BackupTerminal[] {
    const states = backupStates(this.db);
    const ids = new Set(this.options.backupDeviceIds());
    for (const [id, state] of states) if (state.state === 'in_repair') ids.add(id);
    return [...ids].map((deviceId) => states.get(deviceId) ?? { deviceId, state: 'ready' as const, replacesDeviceId: null, updatedAt: null });
  }

  setBackupState(deviceId: string, state: BackupState): BackupTerminal[] {
    this.devices.get(deviceId);
    const current = this.backups().find((b) => b.deviceId === deviceId);
    if (!current) throw fieldError('validation', 'deviceId', 'parts.notABackup', `Device ${deviceId} is not a backup terminal`);
    setBackupState(this.db, deviceId, state, state === 'in_service' ? current.replacesDeviceId : null, isoNow(this.options.clock));
    return this.backups();
  }

  /**
   * The guided swap: the ready backup takes the failed counter terminal's place. Runs a status
   * enquiry against the backup, moves it to "in service", the failed one to "in repair", records
   * the swap in the incident's timeline and, when given, takes the spare part from stock.
   */
  async swap(input: { incidentId: string; backupDeviceId: string; partId?: string | undefined }): Promise<{ backups: BackupTerminal[]; enquiryOk: boolean; summary: string }> {
    const incident = this.incidents.get(input.incidentId);
    if (incident.closedAt !== null) throw fieldError('conflict', 'incidentId', 'parts.incidentClosed', `Incident ${incident.id} is closed`);
    const backup = this.backups().find((b) => b.deviceId === input.backupDeviceId);
    if (!backup || input.backupDeviceId === incident.deviceId) throw fieldError('validation', 'backupDeviceId', 'parts.notABackup', `Device ${input.backupDeviceId} is not a backup terminal`);
    if (backup.state !== 'ready') throw fieldError('conflict', 'backupDeviceId', 'parts.backupNotReady', `Backup ${input.backupDeviceId} is ${backup.state}`);
    if (input.partId !== undefined) {
      const part = this.stored(input.partId);
      if (part.onHand < 1) throw fieldError('conflict', 'partId', 'parts.belowZero', `No ${part.partNumber} on hand`);
    }
    const backupDevice = this.devices.get(backup.deviceId);
    const failed = this.devices.get(incident.deviceId);
    const record = await this.devices.runCommand(backupDevice.id, 'statusEnquiry');
    const now = isoNow(this.options.clock);
    this.db.transaction(() => {
      setBackupState(this.db, backupDevice.id, 'in_service', failed.id, now);
      setBackupState(this.db, failed.id, 'in_repair', null, now);
    })();
    if (input.partId !== undefined) this.move({ partId: input.partId, kind: 'consume', quantity: 1, incidentId: incident.id });
    const english = this.settings.get().language === 'en';
    const texts = (english ? en : zhCN).parts.swap;
    const summary = english ? record.summaryText.en : record.summaryText.zh;
    this.incidents.recordStep({
      id: incident.id,
      prompt: texts.stepPrompt,
      answer: texts.stepAnswer.replace('{backup}', backupDevice.name).replace('{failed}', failed.name),
      note: `${texts.enquiry}: ${record.ok ? '✓' : '✗'} ${summary}`,
    });
    this.options.logger.info('backup terminal swapped in', { incidentId: incident.id, backup: backupDevice.id, failed: failed.id, enquiryOk: record.ok });
    return { backups: this.backups(), enquiryOk: record.ok === true, summary };
  }

  /** The repaired terminal is back: the backup returns to "ready", the terminal leaves "in repair". */
  swapBack(backupDeviceId: string): BackupTerminal[] {
    const backup = this.backups().find((b) => b.deviceId === backupDeviceId);
    if (!backup) throw fieldError('validation', 'backupDeviceId', 'parts.notABackup', `Device ${backupDeviceId} is not a backup terminal`);
    if (backup.state !== 'in_service') throw fieldError('conflict', 'backupDeviceId', 'parts.backupNotInService', `Backup ${backupDeviceId} is not in service`);
    this.db.transaction(() => {
      if (backup.replacesDeviceId) clearBackupState(this.db, backup.replacesDeviceId);
      setBackupState(this.db, backupDeviceId, 'ready', null, isoNow(this.options.clock));
    })();
    return this.backups();
  }
}
