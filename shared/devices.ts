import { z } from 'zod';

export const DEVICE_TYPES = ['c', 'b'] as const;
export const deviceTypeSchema = z.enum(DEVICE_TYPES);
export type DeviceType = z.infer<typeof deviceTypeSchema>;

/** Access a guest may get to a node: read and/or write. Never `m` (mknod): a guest never creates nodes. */
export const deviceAccessSchema = z.enum(['r', 'w', 'rw']);
export type DeviceAccess = z.infer<typeof deviceAccessSchema>;

export const hostDeviceSchema = z.object({
  path: z.string(),
  type: deviceTypeSchema,
  major: z.number().int(),
  minor: z.number().int(),
  description: z.string(),
  /** Guests whose effective ACL includes this node. */
  usedBy: z.array(z.string()),
});
export type HostDevice = z.infer<typeof hostDeviceSchema>;

/** Why a node is in a guest's ACL: a default, a block-device disk, a bridged NIC (the TUN device), or the user's extra. */
export const ACL_SOURCES = ['default', 'disk', 'network', 'extra'] as const;
export const aclEntrySchema = z.object({
  path: z.string().optional(),
  type: deviceTypeSchema,
  major: z.number().int(),
  minor: z.union([z.number().int(), z.literal('*')]),
  access: deviceAccessSchema,
  source: z.enum(ACL_SOURCES),
  /** Allowed in the running guest's group now. */
  live: z.boolean(),
  /** Allowed by the stored definition (applies at next start). */
  config: z.boolean(),
  /** Why a configured entry is not in effect (e.g. the node does not exist on this host). */
  note: z.string().optional(),
});
export type AclEntry = z.infer<typeof aclEntrySchema>;
