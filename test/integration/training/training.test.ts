import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../electron/node/app';
import { loadShippedModules } from '../../../electron/node/services/training/training-service';
import { silentLogger } from '../../../electron/node/log/logger';
import { tempDir } from '../../helpers/temp';
import { FakeClock } from '../../helpers/clock';
import { FakeLinks } from '../../helpers/terminal-links';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

async function setup(): Promise<{ core: AppCore; clock: FakeClock }> {
  const temp = tempDir();
  const clock = new FakeClock(Date.parse('2026-03-02T08:00:00.000Z'));
  const core = createAppCore({ dataDir: temp.dir, mode: 'browser', logger: silentLogger, terminalLinks: new FakeLinks(), clock, resolveHost: () => Promise.resolve(true) });
  cleanups.push(temp.cleanup, () => core.dispose());
  return { core, clock };
}

async function ok<T>(promise: Promise<{ ok: boolean }>): Promise<T> {
  const result = (await promise) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as T;
}

/** The field error of a refused call, and proof that nothing changed. */
async function refused(core: AppCore, method: Parameters<AppCore['dispatch']>[0], input: unknown): Promise<{ path: string; messageKey?: string }[]> {
  const before = JSON.stringify(core.services.training.overview());
  const result = await core.dispatch(method, input);
  expect(result.ok).toBe(false);
  expect(JSON.stringify(core.services.training.overview())).toBe(before);
  return (result as { error: { details?: { issues?: { path: string; messageKey?: string }[] } } }).error.details?.issues ?? [];
}

const step = { id: 's1', title: { 'zh-CN': '检查电源', en: 'Check power' }, explanation: { 'zh-CN': '', en: '' } };
const question = { id: 'q1', text: { 'zh-CN': '问题', en: 'Question' }, options: [{ 'zh-CN': '对', en: 'Yes' }, { 'zh-CN': '错', en: 'No' }], answer: 0 };

describe('training', () => {
  it('ships the eight seed modules in both languages, each with steps and answered questions', async () => {
    const shipped = loadShippedModules();
    expect(shipped).toHaveLength(8);
    for (const m of shipped) {
      expect(m.title['zh-CN'] && m.title.en).toBeTruthy();
      for (const s of m.steps) expect(s.title['zh-CN'] && s.title.en && s.explanation['zh-CN'] && s.explanation.en).toBeTruthy();
      for (const q of m.questions) expect(q.answer).not.toBeNull();
    }
    const { core } = await setup();
    expect(core.services.training.overview().modules.filter((m) => m.shipped)).toHaveLength(8);
  });

  it('assigns to a role, records completion, and the person is due again after the refresher', async () => {
    const { core, clock } = await setup();
    const anna = await ok<{ id: string }>(core.dispatch('staff.create', { name: 'Anna', role: 'cashier', phone: '138', startDate: '2026-01-05' }));
    const module = core.services.training.overview().modules.find((m) => m.id === 'shipped-first-line')!;
    await ok(core.dispatch('training.assign', { moduleId: module.id, role: 'cashier', dueDate: '2026-03-10' }));
    const cell = () => core.services.training.overview().cells.find((c) => c.staffId === anna.id && c.moduleId === module.id)!;
    expect(cell().status).toBe('due');
    expect(core.services.training.attentionItems()).toEqual([]);
    clock.time = Date.parse('2026-03-10T16:30:00Z'); // 00:30 on 11 March in Shanghai
    expect(cell().status).toBe('overdue');
    expect(core.services.training.attentionItems()).toMatchObject([{ section: 'training', kind: 'training.overdue', count: 1, link: '/training' }]);
    const record = await ok<{ score: number; questions: number }>(
      core.dispatch('training.record', {
        staffId: anna.id,
        moduleId: module.id,
        completedOn: '2026-03-11',
        signedOffBy: 'Manager Li',
        items: module.steps.map((s) => ({ stepId: s.id, done: true })),
        answers: module.questions.map((q) => q.answer),
      }),
    );
    expect(record).toMatchObject({ score: module.questions.length, questions: module.questions.length });
    expect(cell()).toMatchObject({ status: 'done', expiresOn: '2026-09-11' });
    clock.time = Date.parse('2026-09-10T16:00:00Z'); // 11 September in Shanghai
    expect(cell().status).toBe('expired');
    expect(core.services.training.attentionItems()).toMatchObject([{ kind: 'training.expired', count: 1 }]);
    // A newcomer to the role gets the module on their start date.
    const ben = await ok<{ id: string }>(core.dispatch('staff.create', { name: 'Ben', role: 'cashier', startDate: '2026-09-20' }));
    expect(core.services.training.overview().cells.find((c) => c.staffId === ben.id && c.moduleId === module.id)?.status).toBe('none');
    clock.time = Date.parse('2026-09-20T02:00:00Z');
    expect(core.services.training.overview().cells.find((c) => c.staffId === ben.id && c.moduleId === module.id)).toMatchObject({ status: 'due', dueDate: '2026-09-20' });
  });

  it('archived people keep their records and leave the matrix', async () => {
    const { core } = await setup();
    const anna = await ok<{ id: string }>(core.dispatch('staff.create', { name: 'Anna', role: 'cashier', startDate: '2026-01-05' }));
    await ok(core.dispatch('training.record', { staffId: anna.id, moduleId: 'shipped-cleaning', completedOn: '2026-03-01', signedOffBy: 'Li', items: loadShippedModules().find((m) => m.id === 'shipped-cleaning')!.steps.map((s) => ({ stepId: s.id, done: true })) }));
    await ok(core.dispatch('staff.setArchived', { id: anna.id, archived: true }));
    const overview = core.services.training.overview();
    expect(overview.records.filter((r) => r.staffId === anna.id)).toHaveLength(1);
    expect(overview.cells.some((c) => c.staffId === anna.id)).toBe(false);
    expect((await ok<unknown[]>(core.dispatch('staff.list', {})))).toHaveLength(0);
  });

  it('refuses bad input with a translated field error and saves nothing', async () => {
    const { core } = await setup();
    const base = { title: { 'zh-CN': '新模块', en: 'New' }, purpose: { 'zh-CN': '', en: '' }, minutes: 10, steps: [step], questions: [question], refresherMonths: 6 };
    expect(await refused(core, 'training.saveModule', { ...base, steps: [] })).toMatchObject([{ path: 'steps', messageKey: 'training.stepsRequired' }]);
    expect(await refused(core, 'training.saveModule', { ...base, questions: [{ ...question, answer: null }] })).toMatchObject([{ path: 'questions.0.answer', messageKey: 'training.questionNoAnswer' }]);
    expect(await refused(core, 'training.saveModule', { ...base, questions: [{ ...question, answer: 5 }] })).toMatchObject([{ path: 'questions.0.answer', messageKey: 'training.questionNoAnswer' }]);
    expect(await refused(core, 'training.saveModule', { ...base, refresherMonths: 0 })).toMatchObject([{ path: 'refresherMonths', messageKey: 'training.invalidRefresher' }]);
    expect(await refused(core, 'training.saveModule', { ...base, refresherMonths: -3 })).toMatchObject([{ path: 'refresherMonths', messageKey: 'training.invalidRefresher' }]);
    expect(await refused(core, 'staff.create', { name: ' ', role: 'cashier', startDate: '2026-01-01' })).toMatchObject([{ path: 'name', messageKey: 'training.nameRequired' }]);

    const gone = await ok<{ id: string }>(core.dispatch('staff.create', { name: 'Gone', role: 'cashier', startDate: '2026-01-01' }));
    await ok(core.dispatch('staff.setArchived', { id: gone.id, archived: true }));
    expect(await refused(core, 'training.assign', { moduleId: 'shipped-first-line', staffId: gone.id, dueDate: '2026-04-01' })).toMatchObject([{ path: 'staffId', messageKey: 'training.archivedPerson' }]);

    const anna = await ok<{ id: string }>(core.dispatch('staff.create', { name: 'Anna', role: 'cashier', startDate: '2026-01-01' }));
    const steps = loadShippedModules().find((m) => m.id === 'shipped-cleaning')!.steps;
    const record = { staffId: anna.id, moduleId: 'shipped-cleaning', completedOn: '2026-03-03', signedOffBy: 'Li', items: steps.map((s) => ({ stepId: s.id, done: true })) };
    // 2026-03-02 08:00 UTC is the 2nd in Shanghai: the 3rd is tomorrow.
    expect(await refused(core, 'training.record', record)).toMatchObject([{ path: 'completedOn', messageKey: 'training.completionInFuture' }]);
    expect(await refused(core, 'training.record', { ...record, completedOn: '2026-03-02', items: record.items.slice(1) })).toMatchObject([{ path: 'items.0', messageKey: 'training.stepNotDone' }]);
    await ok(core.dispatch('training.record', { ...record, completedOn: '2026-03-02' }));
  });
});
