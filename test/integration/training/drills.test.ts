/**
 * Practice drills (issue 14 item 5) on the real core: a real ZVT simulator on 127.0.0.1, real
 * terminal links, real SQLite. A drill's device and incident never count in analytics, MTBF/MTTR,
 * fleet counts, alerts or capture/reconciliation, and leave every list when the drill ends; a
 * second drill is refused; a simulator that cannot start leaves nothing behind.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { silentLogger } from '../../../electron/node/log/logger';
import { DrillService } from '../../../electron/node/services/training/drill-service';
import { startSimulator, type RunningSimulator } from '../../../electron/node/simulator/index';
import { systemClock } from '../../../electron/node/clock';
import type { Drill } from '../../../shared/domain/training';
import type { Incident } from '../../../shared/domain/incidents';
import { until } from '../../helpers/until';
import { tempDir } from '../../helpers/temp';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function ok<T>(promise: Promise<{ ok: boolean }>): Promise<T> {
  const result = (await promise) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as T;
}

function core(): AppCore {
  const temp = tempDir();
  const created = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger });
  cleanups.push(temp.cleanup, () => created.dispose());
  return created;
}

async function trainee(app: AppCore, name = '王芳'): Promise<string> {
  return (await ok<{ id: string }>(app.dispatch('staff.create', { name, role: 'cashier', phone: '', startDate: '2026-01-05' }))).id;
}

function rows(app: AppCore, table: string): number {
  return (app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** A real terminal with a real fault and a real incident, so the analytics have something to count. */
async function realFaultyTerminal(app: AppCore): Promise<{ deviceId: string; simulator: RunningSimulator }> {
  const simulator = await startSimulator({ tcp: { host: '127.0.0.1', port: 0 } });
  cleanups.push(() => simulator.close());
  const device = await ok<{ id: string }>(app.dispatch('devices.create', { name: '收银台 1', connection: { type: 'tcp', host: '127.0.0.1', port: simulator.tcpPort } }));
  const incident = await ok<Incident>(app.dispatch('incidents.open', { deviceId: device.id, faultClass: 'network' }));
  await ok(app.dispatch('incidents.update', { id: incident.id, state: 'resolved' }));
  return { deviceId: device.id, simulator };
}

/** What a failure adds (observed time grows with the real clock between two readings). */
function counted({ observedMs: _observed, ...rest }: { observedMs: number; failures: number }): object {
  return rest;
}

describe('practice drills', () => {
  it('runs a paper-out drill to the end: the trainee’s outcome is kept, and the drill never counts anywhere', async () => {
    const app = core();
    const staffId = await trainee(app);
    const real = await realFaultyTerminal(app);
    const baseline = app.services.analytics.summary();
    expect(baseline.store.failures).toBe(1);

    const drill = await ok<Drill>(app.dispatch('training.startDrill', { staffId, fault: 'paper-out' }));
    expect(drill).toMatchObject({ staffId, fault: 'paper-out', expectedClass: 'peripheral', endedAt: null, outcome: null });
    const device = app.services.devices.get(drill.deviceId);
    expect(device.drill).toBe(true);
    expect(device.connection).toMatchObject({ type: 'tcp', host: '127.0.0.1' });
    const port = (device.connection as { port: number }).port;
    expect(await portOpen(port)).toBe(true);
    // The board shows it (the trainee must find it) with the simulator's paper-out fault.
    expect(app.services.devices.list().map((d) => d.id)).toContain(drill.deviceId);
    await until(() => (app.services.devices.status(drill.deviceId).overall === 'fault' ? true : undefined), 'the drill terminal to report its fault', 15_000);
    expect(app.services.devices.status(drill.deviceId).printer).not.toBe('ok');

    // The trainee: opens the incident, finds the class, keeps selling, follows steps, makes the pack, resolves.
    const incident = await ok<Incident>(app.dispatch('incidents.open', { deviceId: drill.deviceId }));
    await ok(app.dispatch('incidents.update', { id: incident.id, faultClass: 'peripheral', fallbackUsed: 'QR code on the phone' }));
    await ok(app.dispatch('incidents.recordStep', { id: incident.id, prompt: 'Is there paper?', answer: 'No' }));
    await ok(app.dispatch('incidents.recordStep', { id: incident.id, prompt: 'Load a new roll', answer: 'Done' }));
    await ok(app.dispatch('incidents.escalate', { id: incident.id }));

    // While it runs: no alert, nothing in analytics, MTBF/MTTR, fleet counts.
    app.services.attention.refresh();
    expect(JSON.stringify(app.services.attention.list())).not.toContain(drill.deviceId);
    expect(app.services.devices.attentionItems()).toEqual([]);
    expect(app.services.contingency.currentSession()).toBeNull();
    const during = app.services.analytics.summary();
    expect(counted(during.store)).toEqual(counted(baseline.store));
    expect(during.devices.map((d) => d.deviceId)).toEqual([real.deviceId]);
    expect(during.pareto).toEqual(baseline.pareto);

    await ok(app.dispatch('incidents.update', { id: incident.id, state: 'resolved' }));
    const ended = await ok<Drill>(app.dispatch('training.endDrill', { id: drill.id }));
    expect(ended.endedAt).not.toBeNull();
    expect(ended.outcome).toMatchObject({ incidentId: incident.id, faultClass: 'peripheral', fallbackUsed: 'QR code on the phone', steps: 2, escalated: true, resolved: true });
    expect(ended.outcome!.noticedMs).toBeGreaterThanOrEqual(0);
    expect(ended.outcome!.classifiedMs).toBeGreaterThanOrEqual(ended.outcome!.noticedMs!);
    // On the person's record (the training overview the person page reads).
    expect(app.services.training.overview().drills).toEqual([ended]);

    // Ended: the simulator is stopped, device and incident are gone from every list but kept in the file.
    expect(await portOpen(port)).toBe(false);
    expect(app.services.devices.list(true).map((d) => d.id)).toEqual([real.deviceId]);
    expect(app.services.incidents.list().map((i) => i.deviceId)).toEqual([real.deviceId]);
    expect(rows(app, 'devices')).toBe(2);
    expect(rows(app, 'incidents')).toBe(2);
    const after = app.services.analytics.summary();
    expect(counted(after.store)).toEqual(counted(baseline.store));
    expect(after.pareto).toEqual(baseline.pareto);
    expect(after.devices.map((d) => d.deviceId)).toEqual([real.deviceId]);
  });

  it('never captures a drill terminal’s sales, so reconciliation never sees them', async () => {
    const app = core();
    const staffId = await trainee(app);
    let simulator: RunningSimulator | undefined;
    // The drill terminal of this test has its fault cleared so a payment goes through.
    const drills = new DrillService(app.db, app.bus, app.services.devices, app.services.incidents, {
      clock: systemClock,
      person: (id) => app.services.training.person(id),
      start: async (options) => (simulator = await startSimulator(options)),
    });
    cleanups.push(() => drills.dispose());
    const drill = await drills.start({ staffId, fault: 'paper-out' });
    simulator!.terminal.clearFaults();
    await until(() => (app.services.terminals.get(drill.deviceId).link.state === 'ready' ? true : undefined), 'the drill link');
    const paid = await app.services.terminals.run(drill.deviceId, { command: 'pay', amount: 1234 });
    expect(paid.ok).toBe(true);
    expect(app.services.transactions.search({ from: '2000-01-01', to: '2099-12-31', limit: 50 }).items).toEqual([]);
    expect(rows(app, 'transactions')).toBe(0);
    await drills.end(drill.id);
  });

  it('refuses a second drill while one runs, with a field error and nothing saved', async () => {
    const app = core();
    const staffId = await trainee(app);
    const first = await ok<Drill>(app.dispatch('training.startDrill', { staffId, fault: 'random' }));
    expect(['paper-out', 'printer-jam', 'host-unreachable', 'link-drop', 'overheating']).toContain(first.fault);
    const before = [rows(app, 'devices'), rows(app, 'training_drills')];
    const second = await app.dispatch('training.startDrill', { staffId, fault: 'overheating' });
    expect(second.ok).toBe(false);
    expect(second.ok ? undefined : second.error.details?.issues).toEqual([{ path: 'fault', code: 'custom', messageKey: 'training.drillRunning' }]);
    expect([rows(app, 'devices'), rows(app, 'training_drills')]).toEqual(before);
    // Ending it twice: a field error, the outcome untouched.
    const ended = await ok<Drill>(app.dispatch('training.endDrill', { id: first.id }));
    const again = await app.dispatch('training.endDrill', { id: first.id });
    expect(again.ok ? undefined : again.error.details?.issues?.[0]?.messageKey).toBe('training.drillEnded');
    expect(app.services.drills.list()).toEqual([ended]);
    // Once it ended, a new one starts.
    expect((await app.dispatch('training.startDrill', { staffId, fault: 'overheating' })).ok).toBe(true);
  });

  it('a simulator that cannot start (port taken) says why and leaves no device and no drill', async () => {
    const app = core();
    const staffId = await trainee(app);
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const busy = (blocker.address() as net.AddressInfo).port;
    const drills = new DrillService(app.db, app.bus, app.services.devices, app.services.incidents, {
      clock: systemClock,
      person: (id) => app.services.training.person(id),
      listen: { host: '127.0.0.1', port: busy },
      start: startSimulator,
    });
    cleanups.push(() => drills.dispose());
    await expect(drills.start({ staffId, fault: 'paper-out' })).rejects.toMatchObject({ code: 'drill_cannot_start', details: { port: busy, reason: 'EADDRINUSE' } });
    expect(rows(app, 'devices')).toBe(0);
    expect(rows(app, 'training_drills')).toBe(0);
    // Nothing half-started blocks the next drill.
    expect((await app.dispatch('training.startDrill', { staffId, fault: 'paper-out' })).ok).toBe(true);
  });

  it('an archived or unknown trainee is refused and nothing is started', async () => {
    const app = core();
    const staffId = await trainee(app);
    await ok(app.dispatch('staff.setArchived', { id: staffId, archived: true }));
    const archived = await app.dispatch('training.startDrill', { staffId, fault: 'paper-out' });
    expect(archived.ok ? undefined : archived.error.details?.issues?.[0]?.messageKey).toBe('training.archivedPerson');
    const unknown = await app.dispatch('training.startDrill', { staffId: 'nobody', fault: 'paper-out' });
    expect(unknown.ok ? undefined : unknown.error.code).toBe('not_found');
    const bad = await app.dispatch('training.startDrill', { staffId, fault: 'nak-storm' });
    expect(bad.ok).toBe(false);
    expect([rows(app, 'devices'), rows(app, 'training_drills')]).toEqual([0, 0]);
  });
});
