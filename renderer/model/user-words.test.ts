import { describe, expect, it } from 'vitest';
import { inUserWords, leadingPath } from './user-words';

describe('refusals in the form’s words', () => {
  it('names the field as the form labels it, and leaves the rest of the engine’s sentence alone', () => {
    expect(inUserWords("memoryMiB '0' must be an integer in range [16, 1048576]")).toBe("Memory (MiB) '0' must be an integer in range [16, 1048576]");
    expect(inUserWords('vcpus must be a number, not undefined')).toBe('vCPUs must be a number, not undefined');
    expect(inUserWords("shares '1' must be in range [2, 262144]")).toBe("shares '1' must be in range [2, 262144]");
    expect(inUserWords("path 'x' is not allowed: it is not absolute")).toBe("path 'x' is not allowed: it is not absolute");
  });
});

describe('refusals that start with a path into the definition', () => {
  it('finds the path, and says it as the Settings tab labels the field', () => {
    expect(leadingPath("cdroms[0].path '/x.iso' does not exist")).toEqual(['cdroms', 0, 'path']);
    expect(leadingPath('nics[1].forwards[0].hostPort 80 is a privileged port')).toEqual(['nics', 1, 'forwards', 0, 'hostPort']);
    expect(leadingPath("memoryMiB '0' must be…")).toBeNull();
    expect(inUserWords("cdroms[0].path '/x.iso' does not exist")).toBe("CD-ROM 1 '/x.iso' does not exist");
    expect(inUserWords("disks[1].path '/y.img' is a directory")).toBe("Disk 2 path '/y.img' is a directory");
    expect(inUserWords("boot.kernel.kernel '/k' does not exist")).toBe("Kernel '/k' does not exist");
    expect(inUserWords('nics[0].forwards[2].hostPort 80 is a privileged port')).toBe('Host port 80 is a privileged port');
    // A path the form has no label for stays as the engine said it.
    expect(inUserWords('devices.extra[0] is not allowed')).toBe('devices.extra[0] is not allowed');
  });

  it('takes another form’s labels', () => {
    expect(inUserWords("disks[0].path '/y.img' does not exist", (p) => (p[0] === 'disks' ? 'Image path' : undefined))).toBe(
      "Image path '/y.img' does not exist",
    );
  });
});
