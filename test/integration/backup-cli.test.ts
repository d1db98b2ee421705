import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/node/db/connection';
import { tempDir } from '../helpers/temp';
import { contentHash } from '../helpers/backup';

// The built CLI, as a technician runs it (npm test builds first).
const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/poscare.js');

function run(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, POSCARE_DATA_DIR: '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, json: () => JSON.parse(result.stdout) as Record<string, unknown> };
}

let temp: ReturnType<typeof tempDir>;
beforeAll(() => {
  temp = tempDir();
});
afterAll(() => temp.cleanup());

describe('poscare backup and transactions on the command line', () => {
  it('round-trips create -> verify -> restore with identical row counts and content', () => {
    const data = path.join(temp.dir, 'data');
    const demo = run(['demo-data', '--data', data, '--transactions', '5000', '--terminals', '2', '--days', '5']);
    expect(demo.status).toBe(0);
    expect(demo.json()).toMatchObject({ transactions: 5000, created: 5000 });
    const original = contentHash(path.join(data, 'poscare.db'));

    const out = path.join(temp.dir, 'store.pcbak');
    const env = { POSCARE_TEST_PASSPHRASE: 'a long passphrase' };
    const created = run(['backup', 'create', '--data', data, '--out', out, '--passphrase-env', 'POSCARE_TEST_PASSPHRASE'], env);
    expect(created.stderr).toBe('');
    expect(created.json()).toMatchObject({ file: out, status: 'verified', encrypted: true });

    const verified = run(['backup', 'verify', out, '--passphrase-env', 'POSCARE_TEST_PASSPHRASE'], env);
    expect(verified.status).toBe(0);
    const counts = (verified.json() as { rowCounts: Record<string, number> }).rowCounts;
    expect(counts.transactions).toBe(5000);

    const listed = run(['backup', 'list', '--dir', temp.dir]);
    expect((listed.json() as { files: { file: string }[] }).files.map((f) => f.file)).toEqual([out]);

    const target = path.join(temp.dir, 'restored');
    expect(run(['backup', 'restore', out, '--data', target, '--passphrase-env', 'POSCARE_TEST_PASSPHRASE'], env).status).toBe(2);
    const restored = run(['backup', 'restore', out, '--data', target, '--passphrase-env', 'POSCARE_TEST_PASSPHRASE', '--yes'], env);
    expect(restored.status).toBe(0);
    expect((restored.json() as { rowCounts: Record<string, number> }).rowCounts).toEqual(counts);
    expect(contentHash(path.join(target, 'poscare.db'))).toEqual(original);
  });

  it('records --out FILE in the history under the name it was written to, and refuses to overwrite a file', () => {
    const data = path.join(temp.dir, 'named');
    run(['demo-data', '--data', data, '--transactions', '50']);
    const folder = path.join(temp.dir, 'named-usb');
    fs.mkdirSync(folder);
    const out = path.join(folder, 'friday.pcbak');
    const created = run(['backup', 'create', '--data', data, '--out', out, '--no-encryption']);
    expect(created.stderr).toBe('');
    expect(created.json()).toMatchObject({ file: out, status: 'verified' });
    expect(fs.readdirSync(folder)).toEqual(['friday.pcbak']);
    const db = openDatabase(path.join(data, 'poscare.db'), { readonly: true });
    const history = db.prepare('SELECT file, status, present FROM backups').all();
    db.close();
    expect(history).toEqual([{ file: out, status: 'verified', present: 1 }]);

    const before = fs.readFileSync(out);
    const again = run(['backup', 'create', '--data', data, '--out', out, '--no-encryption']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('already exists');
    expect(fs.readFileSync(out).equals(before)).toBe(true);
  });

  it('fails with one line on stderr and a non-zero exit for a wrong passphrase', () => {
    const data = path.join(temp.dir, 'wrong');
    run(['demo-data', '--data', data, '--transactions', '100']);
    const out = path.join(temp.dir, 'wrong.pcbak');
    expect(run(['backup', 'create', '--data', data, '--out', out, '--passphrase-env', 'P'], { P: 'right passphrase' }).status).toBe(0);
    const verified = run(['backup', 'verify', out, '--passphrase-env', 'P'], { P: 'wrong passphrase' });
    expect(verified.status).toBe(1);
    expect(verified.stdout).toBe('');
    expect(verified.stderr.trim().split('\n')).toEqual(['poscare backup: The passphrase is wrong']);
    expect(run(['backup', 'create', '--data', data, '--out', out]).status).toBe(2);
  });

  it('exports a date range as CSV and XLSX', () => {
    const data = path.join(temp.dir, 'export');
    run(['demo-data', '--data', data, '--transactions', '900', '--terminals', '1', '--days', '3']);
    for (const format of ['csv', 'xlsx']) {
      const out = path.join(temp.dir, `tx.${format}`);
      const result = run(['transactions', 'export', '--data', data, '--from', '2000-01-01', '--to', '2099-12-31', '--format', format, '--out', out]);
      expect(result.stderr).toBe('');
      expect(result.json()).toMatchObject({ file: out, rows: 900 });
      expect(fs.statSync(out).size).toBeGreaterThan(1000);
    }
  });
});
