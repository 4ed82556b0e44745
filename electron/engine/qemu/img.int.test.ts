// Creating images with the real qemu-img.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeOnHost } from '../../../testing/describe-on-host';
import { createImage } from './img';

const info = (p: string) =>
  JSON.parse(execFileSync('qemu-img', ['info', '--output=json', p], { encoding: 'utf8' })) as { format: string; 'virtual-size': number };
const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describeOnHost(['qemuImg'], 'createImage with the real qemu-img', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cgvirt-img-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates raw and qcow2 images of the asked size, private to the owner', async () => {
    const raw = join(dir, 'a.img');
    const qcow = join(dir, 'b.qcow2');
    await createImage(raw, 'raw', 3);
    await createImage(qcow, 'qcow2', 64);
    expect(info(raw)).toMatchObject({ format: 'raw', 'virtual-size': 3 * 2 ** 20 });
    expect(info(qcow)).toMatchObject({ format: 'qcow2', 'virtual-size': 64 * 2 ** 20 });
    expect(statSync(raw).mode & 0o777).toBe(0o600);
  });

  it('a path with a comma, quotes, spaces and a colon stays one file name', async () => {
    const p = join(dir, 'x,y "z" \'w\' a:b.qcow2');
    await createImage(p, 'qcow2', 1);
    expect(info(p).format).toBe('qcow2');
    expect(readdirSync(dir)).toEqual(['x,y "z" \'w\' a:b.qcow2']);
  });

  it('refuses to overwrite an existing file and leaves it untouched', async () => {
    const p = join(dir, 'keep.img');
    writeFileSync(p, 'precious');
    const e = await caught(createImage(p, 'raw', 1));
    expect(e).toMatchObject({ code: 'OPERATION_INVALID' });
    expect((e as Error).message).toMatch(/keep.img' already exists; choose another file name or delete it first/);
    expect(readFileSync(p, 'utf8')).toBe('precious');
  });

  it('a qemu-img failure is reported in its words and leaves no file', async () => {
    const p = join(dir, 'huge.qcow2');
    // Beyond qcow2's size limit: qemu-img refuses after we created the empty file.
    const e = await caught(createImage(p, 'qcow2', 2 ** 40));
    expect(e).toMatchObject({ code: 'OPERATION_FAILED' });
    expect((e as Error).message).toMatch(/^qemu-img could not create the image: .+/);
    expect(existsSync(p)).toBe(false);
  });

  it('a missing qemu-img is UNSUPPORTED with what to install, and leaves no file', async () => {
    const p = join(dir, 'n.img');
    const e = await caught(createImage(p, 'raw', 1, { qemuImg: join(dir, 'no-qemu-img') }));
    expect(e).toMatchObject({ code: 'UNSUPPORTED' });
    expect((e as Error).message).toMatch(/install the Debian package qemu-utils/);
    expect(existsSync(p)).toBe(false);
  });

  it('bad arguments are INVALID_ARG before anything is created', async () => {
    await expect(createImage('rel/x.img', 'raw', 1)).rejects.toMatchObject({ code: 'INVALID_ARG' });
    await expect(createImage(join(dir, 'z.img'), 'raw', 0)).rejects.toMatchObject({ code: 'INVALID_ARG' });
    expect(readdirSync(dir)).toEqual([]);
  });
});
