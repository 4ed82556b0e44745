import { z } from 'zod';

/** How QEMU runs guests: hardware virtualization, or TCG emulation. */
export const ACCELS = ['kvm', 'tcg'] as const;
export type Accel = (typeof ACCELS)[number];

export const CGROUP_MODES = ['v1', 'v2', 'hybrid', 'none'] as const;
export type CgroupMode = (typeof CGROUP_MODES)[number];

/** The controllers cgvirt uses; each may live in v1, v2, or nowhere. */
export const CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices'] as const;
export const controllerSchema = z.enum(CONTROLLERS);
export type Controller = z.infer<typeof controllerSchema>;

/** What the user can do on this host; a missing one comes with the reason and what would fix it. */
export const FEATURES = ['guests', 'kvm', 'cpuPriority', 'cpuCap', 'cpuPinning', 'memoryLimit', 'deviceAcl', 'stats'] as const;
export type Feature = (typeof FEATURES)[number];

const availabilitySchema = z.object({ available: z.boolean(), reason: z.string().optional() });

export const hostInfoSchema = z.object({
  cgroup: z.object({
    mode: z.enum(CGROUP_MODES),
    /** root, or a delegated v2 subtree we may write */
    writable: z.boolean(),
    partition: z.string(),
    controllers: z.array(
      z.object({
        name: controllerSchema,
        version: z.union([z.literal(1), z.literal(2)]).nullable(),
        usable: z.boolean(),
        reason: z.string().optional(),
      }),
    ),
  }),
  privileged: z.boolean(),
  qemu: z.object({ path: z.string().nullable(), version: z.string().optional(), error: z.string().optional() }),
  accel: z.enum(ACCELS),
  cpus: z.number().int(),
  features: z.record(z.enum(FEATURES), availabilitySchema),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;
