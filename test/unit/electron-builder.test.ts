import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(__dirname, '../..');
const config = parse(fs.readFileSync(path.join(root, 'build/electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, any>;

describe('the installer configuration', () => {
  it('builds a per-user NSIS installer for Windows', () => {
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.nsis.perMachine).toBe(false);
    expect(config.nsis.oneClick).toBe(true);
  });

  it('publishes to a generic feed, which electron-updater reads', () => {
    expect(config.publish.provider).toBe('generic');
    expect(config.publish.url).toMatch(/^https:\/\//);
  });

  it('packages the built entry point that package.json names', () => {
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(config.files).toContain('dist/**/*');
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('has an application icon of at least 256x256 pixels, as Windows needs for the exe and the installer', () => {
    const png = fs.readFileSync(path.join(root, config.win.icon));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // IHDR: width and height, big-endian, right after the 8-byte signature and the chunk header.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
    expect(png.readUInt32BE(20)).toBe(png.readUInt32BE(16));
    expect(path.dirname(config.win.icon)).toBe(config.directories.buildResources);
  });

  it('pins a supported Electron major explicitly', () => {
    expect(pkg.devDependencies.electron).toMatch(/^\^(4[5-9]|[5-9]\d)\./);
  });
});
