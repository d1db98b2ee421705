/**
 * The names of the contract's methods and events, with no schemas attached, so the sandboxed
 * preload can build `window.api` without bundling zod. contract.ts must define exactly these
 * names (the typecheck enforces it both ways).
 */
export const METHOD_NAMES = [
  'app.info',
  'native.pickFolder',
  'native.pickFile',
  'settings.get',
  'settings.update',
  'devices.list',
  'devices.get',
  'devices.create',
  'devices.update',
  'devices.archive',
  'devices.exportCsv',
  'devices.importCsv',
  'devices.statuses',
  'devices.history',
  'devices.commands',
  'devices.runCommand',
  'devices.settings',
  'devices.updateSettings',
  'incidents.list',
  'incidents.get',
  'incidents.open',
  'incidents.update',
  'incidents.recordStep',
  'incidents.runCommand',
  'incidents.escalate',
  'incidents.exportPdf',
  'incidents.guides',
  'incidents.settings',
  'incidents.updateSettings',
  'analytics.summary',
  'transactions.search',
  'transactions.totals',
  'transactions.reconcile',
  'transactions.reconcileDay',
  'transactions.export',
  'transactions.attention',
  'backup.list',
  'backup.updateSettings',
  'backup.create',
  'backup.verify',
  'backup.inspect',
  'backup.folder',
  'backup.restore',
  'backup.drill',
  'terminals.list',
  'terminals.ports',
  'terminals.run',
  'terminals.abort',
  'terminals.events',
  'updates.get',
  'updates.check',
  'updates.installNow',
  'attention.list',
  'attention.mute',
  'attention.unmute',
  'maintenance.preview',
  'maintenance.templates',
  'maintenance.plans',
  'maintenance.getPlan',
  'maintenance.createPlan',
  'maintenance.updatePlan',
  'maintenance.archivePlan',
  'maintenance.occurrences',
  'maintenance.occurrence',
  'maintenance.move',
  'maintenance.skip',
  'maintenance.answerStep',
  'maintenance.runStep',
  'maintenance.openIncident',
  'maintenance.complete',
  'maintenance.attention',
  'maintenance.forecast',
  'maintenance.exportCalendar',
  'maintenance.exportDone',
  'parts.list',
  'parts.get',
  'parts.create',
  'parts.update',
  'parts.lookup',
  'parts.move',
  'parts.reverse',
  'parts.movements',
  'parts.reorderList',
  'parts.exportReorder',
  'parts.exportCsv',
  'parts.importCsv',
  'parts.importStarter',
  'parts.attention',
  'parts.backups',
  'parts.setBackupState',
  'parts.swap',
  'parts.swapBack',
  'staff.list',
  'staff.create',
  'staff.update',
  'staff.setArchived',
  'training.overview',
  'training.saveModule',
  'training.setModuleArchived',
  'training.assign',
  'training.unassign',
  'training.record',
] as const;
export const EVENT_NAMES = ['settings.changed', 'devices.changed', 'devices.statusChanged', 'devices.command', 'incidents.changed', 'backup.progress', 'backup.restored', 'terminals.linkChanged', 'terminals.event', 'updates.state', 'transactions.attention', 'attention.changed', 'maintenance.changed', 'parts.changed', 'training.changed'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

export function isMethodName(name: string): name is MethodName {
  return (METHOD_NAMES as readonly string[]).includes(name);
}

export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}

/** The IPC channel of a method; the preload and ipcMain use this and nothing else. */
export function ipcChannel(method: MethodName): string {
  return `api:${method}`;
}

/** The IPC channel events arrive on in the renderer. */
export const EVENT_CHANNEL = 'api:event';
