/**
 * Contract method -> service call. The table is complete by type: adding a method to the
 * contract without a handler here fails the typecheck.
 */
import type { MethodName, MethodOutput, ParsedInput } from '../../../shared/ipc/contract';
import { AppError } from '../../../shared/ipc/result';
import type { Services } from './services';
import { checkWriteFile } from '../files/write-target';

export type Handler<M extends MethodName> = (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

/**
 * A part only the desktop app has (the native shell, the self-updater), or `unavailable` in
 * browser mode, the CLI and an unpackaged app (the page then offers its fallback or a note).
 */
function desktopOnly<T>(part: T | undefined, what: string): T {
  if (part === undefined) throw new AppError('unavailable', `${what} exists only in the desktop app`);
  return part;
}

export function createHandlers(services: Services): Handlers {
  return {
    'app.info': () => services.info(),
    'native.pickFolder': (input) => desktopOnly(services.native, 'The folder dialog').pickFolder(input),
    'native.pickFile': (input) => desktopOnly(services.native, 'The file dialog').pickFile(input),
    'settings.get': () => services.settings.get(),
    'settings.update': (input) => services.settings.update(input),
    'devices.list': (input) => services.devices.list(input.includeArchived),
    'devices.get': (input) => services.devices.get(input.id),
    'devices.create': (input) => services.devices.create(input),
    'devices.update': ({ id, ...fields }) => services.devices.update(id, fields),
    'devices.archive': (input) => services.devices.archive(input.id),
    'devices.exportCsv': () => ({ csv: services.devices.exportCsv() }),
    'devices.importCsv': (input) => services.devices.importCsv(input.csv),
    'devices.statuses': () => services.devices.statuses(),
    'devices.history': (input) => services.devices.history(input.deviceId, input.limit),
    'devices.commands': (input) => services.devices.commands(input.id),
    'devices.runCommand': (input) => services.devices.runCommand(input.id, input.command),
    'devices.settings': () => services.devices.settings(),
    'devices.updateSettings': (input) => services.devices.updateSettings(input),
    'checks.record': (input) => services.checks.record(input),
    'checks.list': (input) => services.checks.list(input.deviceId, input.limit),
    'incidents.list': (input) => services.incidents.list(input),
    'incidents.get': (input) => services.incidents.get(input.id),
    'incidents.open': (input) => services.incidents.open(input),
    'incidents.update': (input) => services.incidents.update(input),
    'incidents.recordStep': (input) => services.incidents.recordStep(input),
    'incidents.runCommand': (input) => services.incidents.runGuideCommand({ incidentId: input.id, command: input.command, nodeId: input.nodeId ?? null, ...(input.prompt !== undefined ? { prompt: input.prompt } : {}) }),
    'incidents.escalate': (input) => services.incidents.escalate(input.id, input.language),
    'incidents.exportPdf': (input) => {
      const native = desktopOnly(services.native, 'PDF export');
      const pack = services.incidents.escalate(input.id, input.language);
      // The save dialog asked about replacing an existing file; the data folder stays refused.
      return native.savePdf(pack.html, `PosCare-${input.id.slice(0, 8)}.pdf`, (file) =>
        checkWriteFile(file, { dataDir: services.info().dataDir, field: 'file', overwrite: true }),
      );
    },
    'incidents.guides': () => services.incidents.guides(),
    'incidents.settings': () => services.incidents.settings(),
    'incidents.updateSettings': (input) => services.incidents.updateSettings(input),
    'analytics.summary': (input) => services.analytics.summary(input),
    'transactions.search': (input) => services.transactions.search(input),
    'transactions.totals': (input) => services.transactions.totals(input),
    'transactions.reconcile': (input) => services.transactions.reconcile(input),
    'transactions.reconcileDay': (input) => services.transactions.reconcileDay(input),
    'transactions.export': (input) => services.transactions.export(input),
    'transactions.attention': () => services.transactions.attentionItems(),
    'statements.preview': (input) => services.statements.preview(input),
    'statements.import': (input) => services.statements.import(input),
    'statements.findings': (input) => services.statements.findings(input),
    'statements.saveHandTotal': (input) => services.statements.saveHandTotal(input),
    'statements.handTotals': (input) => services.statements.handTotals(input),
    'backup.list': () => services.backup.list(),
    'backup.updateSettings': (input) => services.backup.updateSettings(input),
    'backup.create': (input) => services.backup.create(input),
    'backup.verify': (input) => services.backup.verify(input),
    'backup.inspect': (input) => services.backup.inspect(input),
    'backup.folder': (input) => services.backup.folder(input),
    'backup.restore': (input) => services.backup.restore(input, { drill: false }),
    'backup.drill': (input) => services.backup.drill(input),
    'terminals.list': () => services.terminals.list(),
    'terminals.ports': () => services.terminals.ports(),
    'terminals.run': ({ id, ...command }) => services.terminals.run(id, command),
    'terminals.abort': ({ id }) => services.terminals.abort(id),
    'terminals.events': (input) => services.terminals.recentEvents(input.terminalId, input.limit, input.types),
    'updates.get': () => desktopOnly(services.updates, 'Self-update (installed app)').status(),
    'updates.check': () => desktopOnly(services.updates, 'Self-update (installed app)').check(),
    'updates.installNow': () => desktopOnly(services.updates, 'Self-update (installed app)').installNow(),
    'attention.list': () => services.attention.list(),
    'attention.mute': (input) => services.attention.mute(input.kind),
    'attention.unmute': (input) => services.attention.unmute(input.kind),
    'maintenance.preview': (input) => services.maintenance.preview(input),
    'maintenance.templates': (input) => services.maintenance.templates(input.language),
    'maintenance.plans': (input) => services.maintenance.listPlans(input.includeArchived),
    'maintenance.getPlan': (input) => services.maintenance.getPlan(input.id),
    'maintenance.createPlan': (input) => services.maintenance.createPlan(input),
    'maintenance.updatePlan': (input) => services.maintenance.updatePlan(input),
    'maintenance.archivePlan': (input) => services.maintenance.archivePlan(input.id),
    'maintenance.occurrences': (input) => services.maintenance.occurrences(input),
    'maintenance.occurrence': (input) => services.maintenance.getOccurrence(input),
    'maintenance.move': ({ to, ...ref }) => services.maintenance.move(ref, to),
    'maintenance.skip': ({ reason, ...ref }) => services.maintenance.skip(ref, reason),
    'maintenance.answerStep': ({ index, answer, note, ...ref }) => services.maintenance.answerStep(ref, index, answer, note),
    'maintenance.stepPhoto': ({ index, photo, ...ref }) => services.maintenance.stepPhoto(ref, index, photo),
    'maintenance.runStep': ({ index, ...ref }) => services.maintenance.runStep(ref, index),
    'maintenance.openIncident': ({ index, ...ref }) => services.maintenance.openIncident(ref, index),
    'maintenance.complete': ({ doneBy, minutesSpent, partsUsed, ...ref }) => services.maintenance.complete(ref, { doneBy, minutesSpent, partsUsed }),
    'maintenance.attention': () => services.maintenance.attentionItems(),
    'maintenance.forecast': () => services.maintenance.forecast(),
    'maintenance.exportCalendar': (input) => services.maintenance.exportCalendar(input),
    'maintenance.exportDone': (input) => services.maintenance.exportDone(input),
    'parts.list': () => services.parts.list(),
    'parts.get': (input) => services.parts.get(input.id),
    'parts.photo': (input) => services.parts.photo(input.id),
    'parts.setPhoto': (input) => services.parts.setPhoto(input.id, input.photo),
    'parts.create': (input) => services.parts.create(input),
    'parts.update': ({ id, ...fields }) => services.parts.update(id, fields),
    'parts.lookup': (input) => services.parts.lookup(input.code),
    'parts.move': (input) => services.parts.move(input),
    'parts.reverse': (input) => services.parts.reverse(input),
    'parts.movements': (input) => services.parts.movements(input),
    'parts.reorderList': () => services.parts.reorderList(),
    'parts.exportReorder': (input) => services.parts.exportReorderList(input.out, input.overwrite === true),
    'parts.exportCsv': () => ({ csv: services.parts.exportCsv() }),
    'parts.importCsv': (input) => services.parts.importCsv(input.csv),
    'parts.importStarter': (input) => services.parts.importStarter(input.language),
    'parts.attention': () => services.parts.attentionItems(),
    'parts.backups': () => services.parts.backups(),
    'parts.setBackupState': (input) => services.parts.setBackupState(input.deviceId, input.state),
    'parts.swap': (input) => services.parts.swap(input),
    'parts.swapBack': (input) => services.parts.swapBack(input.backupDeviceId),
    'staff.list': (input) => services.training.listStaff(input.includeArchived),
    'staff.create': (input) => services.training.createStaff(input),
    'staff.update': ({ id, ...fields }) => services.training.updateStaff(id, fields),
    'staff.setArchived': (input) => services.training.setStaffArchived(input.id, input.archived),
    'training.overview': () => services.training.overview(),
    'training.saveModule': (input) => services.training.saveModule(input),
    'training.setModuleArchived': (input) => services.training.setModuleArchived(input.id, input.archived),
    'training.assign': (input) => services.training.assign(input),
    'training.unassign': (input) => (services.training.unassign(input.id), {}),
    'training.record': (input) => services.training.record(input),
    'training.startDrill': (input) => services.drills.start(input),
    'training.endDrill': (input) => services.drills.end(input.id),
    'training.fixDrill': (input) => services.drills.fix(input.id),
    'training.drills': () => services.drills.list(),
    'contingency.get': () => services.contingency.view(),
    'contingency.save': (input) => services.contingency.save(input),
    'contingency.review': (input) => services.contingency.review(input.reviewedOn),
    'contingency.sheet': (input) => services.contingency.sheet(input.language),
    'contingency.exportPdf': (input) => {
      const native = desktopOnly(services.native, 'PDF export');
      return native.savePdf(services.contingency.sheet(input.language).html, 'PosCare-contingency-plan.pdf', (file) =>
        checkWriteFile(file, { dataDir: services.info().dataDir, field: 'file', overwrite: true }),
      );
    },
    'contingency.start': () => services.contingency.start(),
    'contingency.step': (input) => services.contingency.step(input.step, input.done),
    'contingency.end': (input) => services.contingency.end(input.cardPaymentBack),
    'contingency.sessions': () => services.contingency.sessions(),
  };
}
