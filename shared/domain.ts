import { z } from 'zod';
import { CPU_PERIOD_US, CPU_QUOTA_US, CPU_SHARES, DEFAULT_DEVICE_PATHS, GUEST_LIMITS } from './constants';
import { guestNameSchema, quoteName } from './names';
import { checkHardware, hardwareFields } from './hardware';
import { hostPathSchema, intIn } from './values';

export { hostPathSchema, typeOfInput } from './values';

/** A device node the user may allow: under /dev, no `.`/`..` segment, so what is checked is what is opened. */
export const devicePathSchema = z.string().superRefine((p, ctx) => {
  const segments = p.split('/').slice(2);
  const ok =
    p.startsWith('/dev/') &&
    p.length <= 256 &&
    !/[\u0000-\u001f\u007f]/.test(p) &&
    segments.length > 0 &&
    segments.every((s) => s !== '' && s !== '.' && s !== '..');
  if (!ok) {
    ctx.addIssue({
      code: 'custom',
      message: `device path '${quoteName(p)}' is not allowed: a device is a node under /dev/ without '.', '..' or empty segments`,
    });
  }
});

export const DISK_FORMATS = ['raw', 'qcow2'] as const;
export const DISK_BUSES = ['virtio', 'ide', 'scsi'] as const;

/** What each bus can do with a running guest (measured on QEMU 7.2 with a guest that runs no OS): the engine's rule and the window's words. */
export const BUS_HOTPLUG: Record<(typeof DISK_BUSES)[number], { attach: boolean; detachWithoutGuest: boolean; note: string }> = {
  virtio: {
    attach: true,
    detachWithoutGuest: false,
    note: 'virtio-blk is a PCI device: unplugging it needs the guest OS to answer the ACPI eject request',
  },
  scsi: { attach: true, detachWithoutGuest: true, note: 'SCSI disks on the virtio-scsi controller unplug without the guest' },
  ide: { attach: false, detachWithoutGuest: false, note: 'the IDE buses of the pc machine do not support hot-plugging' },
};

export const diskSchema = z.strictObject({
  path: hostPathSchema,
  format: z.enum(DISK_FORMATS).default('raw'),
  readonly: z.boolean().default(false),
  bus: z.enum(DISK_BUSES).default('virtio'),
});
export type Disk = z.output<typeof diskSchema>;
export type DiskInput = z.input<typeof diskSchema>;

/** `cpuset` syntax as the kernel's cpulist: `0`, `0-1`, `0,2-3`. Whether the CPUs exist is checked by the engine. */
export const cpusetSchema = z.string().regex(/^\d{1,4}(-\d{1,4})?(,\d{1,4}(-\d{1,4})?)*$/, {
  error: (i) => `cpuset '${quoteName(String(i.input))}' must be a CPU list like '0', '0-1' or '0,2-3'`,
});

export const cpuSharesSchema = intIn('shares', CPU_SHARES.min, CPU_SHARES.max, `in range [${CPU_SHARES.min}, ${CPU_SHARES.max}]`);
export const cpuPeriodSchema = intIn('period', CPU_PERIOD_US.min, CPU_PERIOD_US.max);
/** The CFS quota in µs; absent means unlimited. */
export const cpuQuotaSchema = intIn('quota', CPU_QUOTA_US.min, CPU_QUOTA_US.max);

export const cpuTuningSchema = z.strictObject({
  shares: cpuSharesSchema.optional(),
  quotaUs: cpuQuotaSchema.optional(),
  periodUs: cpuPeriodSchema.optional(),
  cpuset: cpusetSchema.optional(),
});
export type CpuTuning = z.output<typeof cpuTuningSchema>;

export const deviceSettingsSchema = z.strictObject({
  extra: z.array(devicePathSchema).max(GUEST_LIMITS.extraDevices.max).default([]),
  omitDefaults: z.array(z.enum(DEFAULT_DEVICE_PATHS)).default([]),
});
export type DeviceSettings = z.output<typeof deviceSettingsSchema>;

const uuidSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    error: 'uuid must look like 8-4-4-4-12 hexadecimal digits',
  })
  .transform((u) => u.toLowerCase());

const definitionFields = {
  name: guestNameSchema,
  memoryMiB: intIn('memoryMiB', GUEST_LIMITS.memoryMiB.min, GUEST_LIMITS.memoryMiB.max),
  vcpus: intIn('vcpus', GUEST_LIMITS.vcpus.min, GUEST_LIMITS.vcpus.max),
  disks: z.array(diskSchema).max(GUEST_LIMITS.disks.max).default([]),
  cpu: cpuTuningSchema.default({}),
  /** Hard memory limit of the guest's group; absent means unlimited. */
  memoryLimitMiB: intIn('memoryLimitMiB', GUEST_LIMITS.memoryMiB.min, 16 * GUEST_LIMITS.memoryMiB.max).optional(),
  devices: deviceSettingsSchema.default({ extra: [], omitDefaults: [] }),
  autostart: z.boolean().default(false),
  /** A VGA card and QEMU's VNC server on the guest's own unix socket: the Console tab's screen. */
  vnc: z.boolean().default(false),
  ...hardwareFields,
};

/** Rules that need more than one field; the same for define, update and the stored file. */
function checkDefinition(
  d: { disks: { path: string }[]; memoryMiB: number; memoryLimitMiB?: number | undefined } & Parameters<typeof checkHardware>[0],
  ctx: z.RefinementCtx,
) {
  checkHardware(d, ctx);
  const seen = new Set<string>();
  d.disks.forEach((disk, i) => {
    if (seen.has(disk.path)) {
      ctx.addIssue({ code: 'custom', path: ['disks', i, 'path'], message: `disk '${quoteName(disk.path)}' is listed twice` });
    }
    seen.add(disk.path);
  });
  if (d.memoryLimitMiB !== undefined && d.memoryLimitMiB < d.memoryMiB) {
    ctx.addIssue({
      code: 'custom',
      path: ['memoryLimitMiB'],
      message: `memoryLimitMiB ${d.memoryLimitMiB} is below the guest's memory (${d.memoryMiB} MiB): the kernel would kill QEMU`,
    });
  }
}

/** What `vm:define` and `vm:update` take: the uuid is optional and assigned on define. */
export const definitionInputSchema = z.strictObject({ ...definitionFields, uuid: uuidSchema.optional() }).superRefine(checkDefinition);
export type DefinitionInput = z.input<typeof definitionInputSchema>;

/** A stored guest definition (one JSON file per guest). */
export const definitionSchema = z.strictObject({ ...definitionFields, uuid: uuidSchema }).superRefine(checkDefinition);
export type Definition = z.output<typeof definitionSchema>;

export const VM_STATES = ['shutoff', 'starting', 'running', 'paused', 'stopping', 'crashed'] as const;
export const vmStateSchema = z.enum(VM_STATES);
export type VmState = z.infer<typeof vmStateSchema>;

export const vmInfoSchema = z.object({
  definition: definitionSchema,
  state: vmStateSchema,
  /** Why the guest is in this state (a crash's last log lines, a failed start's step). */
  reason: z.string().optional(),
  pid: z.number().int().optional(),
  /** Controller → absolute group path inside that hierarchy, e.g. `{cpu: '/cgvirt/qemu/web'}`. */
  cgroups: z.record(z.string(), z.string()).optional(),
  /** Fields of the definition changed while running that take effect at the next start. */
  pending: z.array(z.string()).optional(),
  /** The disks the running QEMU has, when they differ from the definition's (a live-only attach or detach). */
  liveDisks: z.array(diskSchema).optional(),
});
export type VmInfo = z.infer<typeof vmInfoSchema>;

/** A definition file that could not be loaded; the other guests load anyway. */
export const brokenDefinitionSchema = z.object({ file: z.string(), reason: z.string() });
export type BrokenDefinition = z.infer<typeof brokenDefinitionSchema>;

export const scopeFlagsSchema = z.strictObject({ live: z.boolean().optional(), config: z.boolean().optional() }).optional();
export type ScopeFlags = z.infer<typeof scopeFlagsSchema>;
