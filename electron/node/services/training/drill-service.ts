/**
 * Practice drills: a simulated ZVT terminal started in-process on 127.0.0.1 (a free port), added
 * as a temporary training device (devices.drill = 1) with a fault injected. The trainee handles it
 * through the normal status board → incident → troubleshooting flow; when the drill ends its
 * outcome (time to notice, time to the right fault class, fallback, steps, escalation pack) is
 * stored as evidence on the person's training record, the device is archived with its incidents
 * (kept, flagged, out of every list, analytics and alert) and the simulator stops.
 */
import { randomUUID } from 'node:crypto';
import { DRILL_FAULTS, type Drill, type DrillFault, type DrillOutcome, type DrillStart } from '../../../../shared/domain/training';
import { DeviceFields } from '../../../../shared/domain/devices';
import { isRecordedByPosCare, type Incident } from '../../../../shared/domain/incidents';
import { AppError } from '../../../../shared/ipc/result';
import type { Db } from '../../db/connection';
import * as sql from '../../db/training';
import type { EventBus } from '../../events/bus';
import { isoNow, type Clock } from '../../clock';
import type { Logger } from '../../log/logger';
import type { DevicesService } from '../devices/devices-service';
import type { IncidentsService } from '../incidents/incidents-service';

/** The simulated terminal of a drill (app.ts passes the simulator's start; services do not import the simulator). */
export interface DrillTerminal {
  tcpPort?: number;
  terminal: { clearFaults(): void };
  close(): Promise<void>;
}
export type StartDrillTerminal = (options: { tcp: { host: string; port: number }; faults: { name: DrillFault }[] }) => Promise<DrillTerminal>;

export interface DrillServiceOptions {
  clock: Clock;
  logger?: Logger;
  /** Where the simulator listens (tests take a busy port to see a start fail); default a free port on 127.0.0.1. */
  listen?: { host: string; port: number };
  /** Picks the fault of a "random" drill. */
  random?: () => number;
  /** The trainee (not_found when unknown). */
  person: (id: string) => { id: string; archived: boolean };
  /** Starts the simulated terminal: the ZVT simulator on a TCP port, with the fault on. */
  start: StartDrillTerminal;
}

function fieldError(path: string, messageKey: string, message: string): AppError {
  return new AppError('validation', message, { issues: [{ path, code: 'custom', messageKey }] });
}

/**
 * What the trainee did, from the drill terminal's first incident. "Noticed" is when the trainee
 * acted: the incident's opening when they opened it; for one PosCare opened by itself (the
 * terminal stayed down past the auto-open delay) their first step or their fault class, whichever
 * came first, and never if they did neither. Steps PosCare records itself do not count.
 */
export function drillOutcome(drill: Pick<Drill, 'startedAt' | 'expectedClass'> & { classifiedAt: string | null }, incidents: readonly Incident[], endedAt: string): DrillOutcome {
  const first = [...incidents].sort((a, b) => a.openedAt.localeCompare(b.openedAt))[0];
  const since = (at: string | null | undefined): number | null => (at == null ? null : Math.max(0, Date.parse(at) - Date.parse(drill.startedAt)));
  if (!first) return { incidentId: null, noticedMs: null, classifiedMs: null, faultClass: null, fallbackUsed: '', steps: 0, escalated: false, resolved: false };
  const traineeSteps = first.steps.filter((step) => !isRecordedByPosCare(step));
  const noticedAt = first.autoOpened ? [traineeSteps[0]?.at, drill.classifiedAt].filter((at): at is string => typeof at === 'string').sort()[0] : first.openedAt;
  return {
    incidentId: first.id,
    noticedMs: since(noticedAt),
    classifiedMs: since(drill.classifiedAt ?? (first.faultClass === drill.expectedClass ? endedAt : null)),
    faultClass: first.faultClass,
    fallbackUsed: first.fallbackUsed,
    steps: traineeSteps.length,
    escalated: first.escalation !== null,
    resolved: first.closedAt !== null,
  };
}

export class DrillService {
  private simulator: DrillTerminal | undefined;
  private starting = false;
  private readonly stopIncidents: () => void;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly devices: DevicesService,
    private readonly incidents: IncidentsService,
    private readonly options: DrillServiceOptions,
  ) {
    // The moment the drill's incident first carries the right fault class.
    this.stopIncidents = bus.subscribe((name, payload) => {
      if (name !== 'incidents.changed') return;
      const { incident } = payload as { incident: Incident };
      const drill = sql.runningDrill(this.db);
      if (drill && !drill.classifiedAt && incident.deviceId === drill.deviceId && incident.faultClass === drill.expectedClass) {
        sql.markDrillClassified(this.db, drill.id, isoNow(this.options.clock));
      }
    });
    // A drill left running by a crash or quit has no simulator any more: it ends with what was done.
    const orphan = sql.runningDrill(db);
    if (orphan) this.finish(orphan);
  }

  list(): Drill[] {
    return sql.listDrills(this.db);
  }

  running(): Drill | null {
    const drill = sql.runningDrill(this.db);
    if (!drill) return null;
    const { classifiedAt: _classifiedAt, ...rest } = drill;
    return rest;
  }

  async start(input: DrillStart): Promise<Drill> {
    if (this.starting || sql.runningDrill(this.db)) throw fieldError('fault', 'training.drillRunning', 'A drill is already running; end it first');
    const person = this.options.person(input.staffId);
    if (person.archived) throw fieldError('staffId', 'training.archivedPerson', `Staff member ${person.id} is archived`);
    const fault: DrillFault = input.fault === 'random' ? DRILL_FAULTS[Math.floor((this.options.random ?? Math.random)() * DRILL_FAULTS.length) % DRILL_FAULTS.length]! : input.fault;
    this.starting = true;
    let simulator: DrillTerminal | undefined;
    try {
      const listen = this.options.listen ?? { host: '127.0.0.1', port: 0 };
      try {
        simulator = await this.options.start({ tcp: listen, faults: [{ name: fault }] });
      } catch (error) {
        // The system's code (EADDRINUSE, EACCES ...) says why; the message has the detail for the log.
        const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
        this.options.logger?.warn('practice drill terminal cannot start', { error });
        throw new AppError('drill_cannot_start', `The drill terminal cannot start on ${listen.host}:${listen.port}: ${reason}`, { host: listen.host, port: listen.port, reason });
      }
      const id = randomUUID();
      const startedAt = isoNow(this.options.clock);
      const device = await this.devices.create(
        DeviceFields.parse({ name: `培训演练终端 ${id.slice(0, 4).toUpperCase()}`, model: 'ZVT simulator', serialNumber: `DRILL-${id.slice(0, 8)}`, connection: { type: 'tcp', host: listen.host, port: simulator.tcpPort } }),
        (deviceId, insert) => sql.insertDrillWithDevice(this.db, { id, staffId: person.id, deviceId, fault, startedAt }, insert),
      );
      this.simulator = simulator;
      this.options.logger?.info('practice drill started', { drill: id, fault, port: simulator.tcpPort, device: device.id });
      this.bus.emit('training.changed', { what: 'drill', id });
      return this.list().find((d) => d.id === id)!;
    } catch (error) {
      await simulator?.close();
      throw error;
    } finally {
      this.starting = false;
    }
  }

  /**
   * The trainee did the physical fix (loaded the roll, cleared the jam, cooled it down, plugged it
   * back): the trainer clears the simulated fault so the terminal's own checks pass again.
   */
  fix(id: string): Drill {
    const drill = this.running();
    if (!drill || drill.id !== id || !this.simulator) throw fieldError('id', 'training.drillEnded', `Drill ${id} is not running`);
    this.simulator.terminal.clearFaults();
    this.options.logger?.info('practice drill fault cleared by the trainer', { drill: id });
    return drill;
  }

  /** Ends the running drill: measures the outcome, archives its device, stops the simulator. */
  async end(id: string): Promise<Drill> {
    const drill = sql.runningDrill(this.db);
    if (!drill || drill.id !== id) {
      if (this.list().some((d) => d.id === id)) throw fieldError('id', 'training.drillEnded', `Drill ${id} has already ended`);
      throw new AppError('not_found', `No drill ${id}`, { id });
    }
    this.finish(drill);
    await this.devices.archive(drill.deviceId);
    await this.stopSimulator();
    this.bus.emit('training.changed', { what: 'drill', id });
    return this.list().find((d) => d.id === id)!;
  }

  private finish(drill: Drill & { classifiedAt: string | null }): void {
    const endedAt = isoNow(this.options.clock);
    sql.finishDrill(this.db, drill.id, drill.deviceId, endedAt, this.outcome(drill, endedAt));
  }

  /** What the trainee did on the drill terminal, from its first incident. */
  private outcome(drill: Drill & { classifiedAt: string | null }, endedAt: string): DrillOutcome {
    return drillOutcome(drill, this.incidents.list({ deviceId: drill.deviceId, limit: 1000 }), endedAt);
  }

  private async stopSimulator(): Promise<void> {
    const simulator = this.simulator;
    this.simulator = undefined;
    await simulator?.close();
  }

  /** Stops the simulator (app quit); a running drill ends with what was done at the next start. */
  async dispose(): Promise<void> {
    this.stopIncidents();
    await this.stopSimulator();
  }
}
