import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../electron/node/cli/command';
import { runCli } from '../../electron/node/cli/index';
import { tempDir } from '../helpers/temp';

/** Runs `poscare serve` in-process; a refused token must stop it before anything is opened or listened on. */
async function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const temp = tempDir();
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env,
    // A serve that got past the checks stops at once.
    untilStopped: () => Promise.resolve(),
  };
  try {
    const code = await runCli(['serve', '--data', temp.dir, '--port', '0', ...args], io);
    return { code, stdout, stderr };
  } finally {
    temp.cleanup();
  }
}

describe('poscare serve --token', () => {
  it.each([['has space'], ['tok<script>en'], ['token/with/slash'], ['tökentöken'], ['abc&def=ghi'], ['token#fragment']])(
    'refuses --token %j with one line and exit code 2, listening on nothing',
    async (token) => {
      const result = await serve(['--token', token]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('may contain only letters, digits and _ . ~ -');
    },
  );

  it('refuses the same from POSCARE_TOKEN', async () => {
    const result = await serve([], { POSCARE_TOKEN: 'shop token 2026' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('POSCARE_TOKEN');
  });

  it('accepts every URL-safe character and prints it in the address unchanged', async () => {
    const result = await serve(['--token', 'Shop_01.token~A-z9']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PosCare listening on http:\/\/127\.0\.0\.1:\d+\/#token=Shop_01\.token~A-z9\n$/);
  });
});
