// Whether guests can use KVM: /dev/kvm must open read-write, as QEMU will open it. Otherwise guests run under TCG
// (emulation: correct, but much slower), and the reason says what is missing.
import { open } from 'node:fs/promises';
import { CgvirtError, type Accel, type AccelChoice } from '../../../shared';

export const KVM_DEVICE = '/dev/kvm';

export type KvmProbe = { accel: 'kvm' } | { accel: 'tcg'; reason: string };

export async function probeKvm(device: string = KVM_DEVICE): Promise<KvmProbe> {
  try {
    const h = await open(device, 'r+');
    await h.close();
    return { accel: 'kvm' satisfies Accel };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const tail = 'guests run under TCG emulation (slower)';
    const reason =
      code === 'ENOENT'
        ? `${device} does not exist (no hardware virtualization, or the kvm module is not loaded); ${tail}`
        : code === 'EACCES' || code === 'EPERM'
          ? `no permission to open ${device} read-write (add the user to group kvm); ${tail}`
          : `${device} cannot be opened (${String(code)}: ${(e as Error).message}); ${tail}`;
    return { accel: 'tcg', reason };
  }
}

/** The accelerator a guest runs with: its own choice, or for `auto` what the host offers. KVM that cannot open is refused. */
export async function accelFor(name: string, choice: AccelChoice, probe: () => Promise<KvmProbe> = () => probeKvm()): Promise<Accel> {
  if (choice === 'tcg') return 'tcg';
  const p = await probe();
  if (choice === 'kvm' && p.accel !== 'kvm') {
    throw new CgvirtError(
      'INVALID_ARG',
      `guest '${name}' is set to run under KVM, but ${p.reason.replace(/; guests run .*$/, '')}; set its accelerator to auto or TCG`,
    );
  }
  return p.accel;
}
